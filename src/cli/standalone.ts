/**
 * `koaxy standalone`: files → compile → proxy in one process (DESIGN §1, §4, §5).
 *
 * Composition only: the file source reports the full set of resources, the compiler turns it
 * into a route table plus outcomes, the gateway swaps the table in, and the status store keeps
 * the per-resource conditions that `GET /v1/status` shows.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { compile, standalonePolicy } from '../compile/index.ts';
import { FileSource, type FileSnapshot } from '../sources/file-source.ts';
import { type StatusReport, StatusStore } from '../status/status-store.ts';
import { type ServeOptions, createServedGateway } from './serve-gateway.ts';
import type { Listening } from './servers.ts';

/** Options of {@link startStandalone}. */
export interface StandaloneOptions extends ServeOptions {
  /** Manifest files or folders. */
  readonly paths: readonly string[];
  /** Hold-off of the file watcher, in milliseconds. */
  readonly debounceMs?: number;
}

/** A running standalone gateway. */
export interface Standalone {
  readonly data: Listening;
  readonly status: Listening;
  readonly admin: Listening;
  /** Emits `applied` with `{ version, applied }` after every snapshot has been handled. */
  readonly events: EventEmitter;
  /** Number of snapshots handled so far (tests wait on it). */
  applied(): number;
  /** Version of the table served now. */
  version(): string | null;
  /** The per-resource status report (`GET /v1/status`). */
  report(): StatusReport;
  close(): Promise<void>;
}

/** Starts the standalone gateway and resolves once the first snapshot is served. */
export async function startStandalone(options: StandaloneOptions): Promise<Standalone> {
  const logger = options.logger;
  const served = createServedGateway(options);
  const gateway = served.gateway;
  const store = new StatusStore();
  const policy = standalonePolicy();
  const source = new FileSource({ paths: options.paths, ...(options.debounceMs !== undefined ? { debounceMs: options.debounceMs } : {}) });
  const events = new EventEmitter();
  let applied = 0;

  const apply = (snapshot: FileSnapshot): void => {
    const result = compile(snapshot.resources, policy, gateway.table ?? undefined);
    let loadError: string | null = null;
    if (result.table.version !== gateway.table?.version) {
      try {
        gateway.load(result.table);
        logger.info({ version: result.table.version, routes: result.table.routes.length }, 'route table loaded');
      } catch (err) {
        loadError = (err as Error).message;
        logger.error({ err }, 'route table rejected by the proxy; the previous table keeps serving');
      }
    }
    for (const outcome of result.outcomes) if (!outcome.accepted) logger.warn({ resource: outcome.key, reason: outcome.reason }, outcome.message);
    for (const problem of snapshot.problems) logger.warn({ file: problem.file }, problem.message);
    store.update(result.outcomes, gateway.table, snapshot.problems, loadError, new Date().toISOString());
    applied++;
    events.emit('applied', { version: gateway.table?.version ?? null, applied });
  };

  const ports = await served.listen({ notReadyReason: () => 'no route table loaded', report: () => store.report() });
  source.start(apply);
  return {
    data: ports.data,
    status: ports.status,
    admin: ports.admin,
    events,
    applied: () => applied,
    version: () => gateway.table?.version ?? null,
    report: () => store.report(),
    async close() {
      source.stop();
      await ports.close();
    },
  };
}
