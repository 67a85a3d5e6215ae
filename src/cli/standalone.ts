/**
 * `koaxy standalone`: files → compile → proxy in one process (DESIGN §1, §4, §5).
 *
 * Composition only: the file source reports the full set of resources, the compiler turns it
 * into a route table plus outcomes, the gateway swaps the table in, and the status store keeps
 * the per-resource conditions that `GET /v1/status` shows.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { createAdminApp, createStatusApp } from '../admin/index.ts';
import { type CompilePolicy, compile } from '../compile/index.ts';
import { createGateway } from '../gateway/index.ts';
import { FileSource, type FileSnapshot } from '../sources/file-source.ts';
import { type StatusReport, StatusStore } from '../status/status-store.ts';
import { type Listening, closeServer, listen } from './servers.ts';

/** Options of {@link startStandalone}. */
export interface StandaloneOptions {
  /** Manifest files or folders. */
  readonly paths: readonly string[];
  /** Address of the data and status ports. @default "0.0.0.0" */
  readonly bind: string;
  readonly port: number;
  readonly statusPort: number;
  /** The admin port always binds 127.0.0.1. */
  readonly adminPort: number;
  readonly logger: Logger;
  /** Value of the `X-Krakend` header. */
  readonly versionHeader: string;
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
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const logger = options.logger;
  const gateway = createGateway({ logger, registry, versionHeader: options.versionHeader });
  const store = new StatusStore();
  const policy: CompilePolicy = { gatewayName: 'default', allowedBackends: 'any', services: null, clusterDomain: 'cluster.local' };
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

  const bind = options.bind;
  const data = await listen(gateway.callback(), bind, options.port);
  const status = await listen(createStatusApp({ ready: () => gateway.ready, notReadyReason: () => 'no route table loaded', registry }).callback(), bind, options.statusPort);
  const admin = await listen(createAdminApp({ routeTable: () => gateway.table, status: () => store.report() }).callback(), '127.0.0.1', options.adminPort);
  source.start(apply);
  return {
    data,
    status,
    admin,
    events,
    applied: () => applied,
    version: () => gateway.table?.version ?? null,
    report: () => store.report(),
    async close() {
      source.stop();
      await Promise.all([closeServer(data.server), closeServer(status.server), closeServer(admin.server)]);
      await gateway.close();
    },
  };
}
