/**
 * The controller loop: GatewayEndpoints and Services (list+watch) → debounce → compile → write
 * `route-table.json` atomically → read back `served.json` → status (leader only).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { type CompileResult, type Outcome, clusterPolicy, compile } from '../compile/index.ts';
import type { RouteTable } from '../ir/index.ts';
import type { ServedState } from '../status/conditions.ts';
import { servedState } from '../status/status-store.ts';
import { createDebouncer, type Debouncer } from '../sources/debounce.ts';
import { FileFollower, SERVED_FILE, readServedFile, readTableFile, writeTableFile } from '../sources/state-dir.ts';
import { type EndpointObject, type ServiceObject, endpointSource, sameEndpoint, sameService, serviceSource, servicePorts, toResourceInput } from './kube-objects.ts';
import { LeaderElector } from './leader.ts';
import { ListWatch, objectKey } from './list-watch.ts';
import { StatusWriter } from './status-writer.ts';

/** Options of {@link Controller}. */
export interface ControllerOptions {
  readonly kc: KubeConfig;
  readonly stateDir: string;
  readonly gatewayName: string;
  /** Namespaces to watch; empty means all. */
  readonly namespaces: readonly string[];
  readonly allowedBackends: readonly string[];
  /** Lease to hold before writing status; null writes status unconditionally. */
  readonly lease: { readonly namespace: string; readonly name: string; readonly durationSeconds: number } | null;
  readonly identity: string;
  readonly logger: Logger;
  /** Hold-off and bound of the debounce. @default [20, 250] */
  readonly debounceMs?: readonly [number, number];
}

/** The running controller. */
export class Controller {
  readonly #o: ControllerOptions;
  readonly #endpoints: ListWatch<EndpointObject>[];
  readonly #services: ListWatch<ServiceObject>[];
  readonly #writer: StatusWriter;
  readonly #debounce: Debouncer;
  readonly #served: FileFollower;
  readonly #leader: LeaderElector | null;
  /** Tables written recently, by version, to tell what a served version contains. */
  readonly #tables = new Map<string, RouteTable>();
  #table: RouteTable | null = null;
  #outcomes: readonly Outcome[] = [];
  #servedVersion: string | null = null;
  #ready = false;
  #started = false;
  #retry: NodeJS.Timeout | null = null;
  #chain: Promise<void> = Promise.resolve();
  /** A status sync was asked for while one ran (or none runs yet). */
  #statusWanted = false;
  /** The status loop, when it runs; off the table-push chain so status writes never delay a table. */
  #statusLoop: Promise<void> | null = null;
  /** Counters for metrics and tests. */
  readonly stats = { compiles: 0, tablesWritten: 0, statusSyncs: 0, errors: 0 };

  /** Creates the controller; nothing happens before {@link start}. */
  constructor(options: ControllerOptions) {
    this.#o = options;
    const scopes = options.namespaces.length === 0 ? [null] : options.namespaces;
    const onChange = (): void => {
      if (this.#started) this.#debounce.poke();
    };
    const common = { kc: options.kc, logger: options.logger, onChange };
    this.#endpoints = scopes.map((ns) => new ListWatch({ ...common, ...endpointSource(options.kc, ns), isEqual: sameEndpoint }));
    this.#services = scopes.map((ns) => new ListWatch({ ...common, ...serviceSource(options.kc, ns), isEqual: sameService }));
    this.#writer = new StatusWriter(options.kc, options.logger, options.identity);
    const [quiet, max] = options.debounceMs ?? [20, 250];
    this.#debounce = createDebouncer(quiet, max, () => this.#enqueue(() => this.#reconcile()));
    this.#served = new FileFollower(options.stateDir, SERVED_FILE, () => this.#enqueue(() => this.#readServed()));
    this.#leader = options.lease === null ? null : new LeaderElector({
      kc: options.kc, ...options.lease, leaseDurationSeconds: options.lease.durationSeconds, identity: options.identity,
      logger: options.logger, onChange: (leader) => leader && this.#requestStatusSync(),
    });
  }

  /** True once the initial lists have been compiled and the table written. */
  get ready(): boolean {
    return this.#ready;
  }

  /** Whether this replica writes status now. */
  get writesStatus(): boolean {
    return this.#leader === null || this.#leader.isLeader;
  }

  /** Watch loops (for metrics): how many watches are open and how many were ever opened. */
  watchStats(): { watching: number; watchesOpened: number; relists: number; errors: number; lastEventAt: number } {
    const all = [...this.#endpoints, ...this.#services].map((lw) => lw.stats);
    const sum = (f: (s: (typeof all)[number]) => number) => all.reduce((n, s) => n + f(s), 0);
    return { watching: sum((s) => s.watching), watchesOpened: sum((s) => s.watchesOpened), relists: sum((s) => s.relists), errors: sum((s) => s.errors), lastEventAt: Math.max(...all.map((s) => s.lastEventAt)) };
  }

  /** Status writer counters. */
  statusStats(): StatusWriter['stats'] {
    return this.#writer.stats;
  }

  /** Lists everything, compiles, writes the first table, then follows changes. */
  async start(): Promise<void> {
    try {
      const previous = await readTableFile(this.#o.stateDir);
      if (previous !== null) this.#remember(previous);
      this.#table = previous;
    } catch (err) {
      this.#o.logger.warn({ err }, 'the route table in the state directory is unreadable; starting without a previous table');
    }
    await Promise.all([...this.#endpoints, ...this.#services].map((lw) => lw.start()));
    this.#started = true;
    await this.#served.start();
    this.#leader?.start();
    await this.#enqueue(() => this.#reconcile());
  }

  /** Stops watching and releases the lease. */
  async stop(): Promise<void> {
    this.#debounce.cancel();
    if (this.#retry !== null) clearTimeout(this.#retry);
    this.#served.stop();
    for (const lw of [...this.#endpoints, ...this.#services]) lw.stop();
    await this.#leader?.stop();
    await this.#chain;
    await this.#statusLoop;
  }

  #enqueue(step: () => Promise<void>): Promise<void> {
    this.#chain = this.#chain.then(step).catch((err: unknown) => {
      this.stats.errors++;
      this.#o.logger.error({ err }, 'controller step failed');
    });
    return this.#chain;
  }

  async #reconcile(): Promise<void> {
    const result = this.#compile();
    this.stats.compiles++;
    if (result.table.version !== this.#table?.version || !this.#ready) {
      await writeTableFile(this.#o.stateDir, result.table);
      this.stats.tablesWritten++;
      this.#o.logger.info({ version: result.table.version, routes: result.table.routes.length }, 'route table written');
    }
    this.#table = result.table;
    this.#remember(result.table);
    this.#outcomes = result.outcomes;
    this.#ready = true;
    await this.#readServed();
  }

  #compile(): CompileResult {
    const services = new Map<string, number[]>();
    for (const lw of this.#services) for (const s of lw.items()) services.set(objectKey(s), servicePorts(s));
    const resources = this.#endpoints.flatMap((lw) => lw.items()).filter((o) => o.metadata.deletionTimestamp === undefined).map(toResourceInput);
    const policy = clusterPolicy({ gatewayName: this.#o.gatewayName, allowedBackends: this.#o.allowedBackends, services });
    return compile(resources, policy, this.#table ?? undefined);
  }

  #remember(table: RouteTable): void {
    this.#tables.delete(table.version);
    this.#tables.set(table.version, table);
    while (this.#tables.size > 8) this.#tables.delete(this.#tables.keys().next().value!);
  }

  async #readServed(): Promise<void> {
    const report = await readServedFile(this.#o.stateDir);
    this.#servedVersion = report?.version ?? null;
    this.#requestStatusSync();
  }

  /**
   * Asks for a status sync. Syncs run one at a time and coalesce: however many requests arrive
   * during one, one more runs after it, with the newest outcomes. They run beside the table-push
   * chain, so writing the status of many resources never delays serving the next change.
   */
  #requestStatusSync(): void {
    this.#statusWanted = true;
    if (this.#statusLoop !== null) return;
    this.#statusLoop = (async () => {
      while (this.#statusWanted) {
        this.#statusWanted = false;
        try {
          await this.#syncStatus();
        } catch (err) {
          this.stats.errors++;
          this.#o.logger.error({ err }, 'status sync failed');
        }
      }
      this.#statusLoop = null;
    })();
  }

  #servedState(): ServedState {
    const version = this.#servedVersion;
    if (version === null) return servedState(null);
    const table = this.#tables.get(version);
    return table !== undefined ? servedState(table) : { version, servesGeneration: () => false };
  }

  async #syncStatus(): Promise<void> {
    if (!this.#ready || !this.writesStatus) return;
    this.stats.statusSyncs++;
    const served = this.#servedState();
    let failed = false;
    for (const outcome of this.#outcomes) {
      const owner = this.#endpoints.find((lw) => lw.get(outcome.key) !== undefined);
      const object = owner?.get(outcome.key);
      if (owner === undefined || object === undefined || object.metadata.generation !== outcome.generation) continue;
      try {
        const written = await this.#writer.write(object, outcome, served);
        if (written !== null) owner.remember(written);
      } catch (err) {
        failed = true;
        this.stats.errors++;
        this.#o.logger.warn({ err, resource: outcome.key }, 'status not written; retrying');
      }
    }
    if (failed && this.#retry === null) {
      this.#retry = setTimeout(() => {
        this.#retry = null;
        this.#requestStatusSync();
      }, 2_000);
      this.#retry.unref();
    }
  }
}
