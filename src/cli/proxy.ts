/**
 * `koaxy proxy`: the data plane of the pod (DESIGN §1, §4). Serves `DIR/route-table.json` at
 * start, follows every atomic replacement of it (build off the request path, swap), and then
 * writes `DIR/served.json` with the version it serves, which the controller reads back.
 *
 * Composition only. No port can change what is served: the only input is the state directory.
 */
import type { Logger } from 'pino';
import { createLogger } from './logger.ts';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { createAdminApp, createStatusApp } from '../admin/index.ts';
import { createGateway } from '../gateway/index.ts';
import { FileFollower, TABLE_FILE, readTableFile, writeServedFile } from '../sources/state-dir.ts';
import { UsageError, parseFlags, portFlag } from './flags.ts';
import { proxyFlags } from './command-flags.ts';
import { type Listening, closeServer, listen } from './servers.ts';

/** Options of {@link startProxy}. */
export interface ProxyOptions {
  readonly stateDir: string;
  readonly bind: string;
  readonly port: number;
  readonly statusPort: number;
  readonly adminPort: number;
  readonly logger: Logger;
  readonly versionHeader: string;
}

/** A running proxy. */
export interface Proxy {
  readonly data: Listening;
  readonly status: Listening;
  readonly admin: Listening;
  /** Version served now, or null. */
  version(): string | null;
  close(): Promise<void>;
}

/** Starts the proxy: loads the table on disk (if any), then listens and follows the file. */
export async function startProxy(options: ProxyOptions): Promise<Proxy> {
  const { logger, stateDir } = options;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const gateway = createGateway({ logger, registry, versionHeader: options.versionHeader });
  let lastError: string | null = null;
  let chain: Promise<void> = Promise.resolve();

  const reload = async (): Promise<void> => {
    try {
      const table = await readTableFile(stateDir);
      if (table === null) return;
      if (table.version !== gateway.table?.version) {
        gateway.load(table);
        logger.info({ version: table.version, routes: table.routes.length }, 'route table loaded');
      }
      lastError = null;
      await writeServedFile(stateDir, { version: table.version, servedAt: new Date().toISOString(), pid: process.pid });
    } catch (err) {
      lastError = (err as Error).message;
      logger.error({ err }, 'route table not loaded; the previous table keeps serving');
    }
  };
  const follower = new FileFollower(stateDir, TABLE_FILE, () => {
    chain = chain.then(reload);
  });
  await follower.start();
  await chain;

  const bind = options.bind;
  const notReady = (): string => lastError ?? `no route table in ${stateDir} yet`;
  const data = await listen(gateway.callback(), bind, options.port);
  const status = await listen(createStatusApp({ ready: () => gateway.ready, notReadyReason: notReady, registry }).callback(), bind, options.statusPort);
  const report = () => ({ tableVersion: gateway.table?.version ?? null, loadError: lastError });
  const admin = await listen(createAdminApp({ routeTable: () => gateway.table, status: report }).callback(), '127.0.0.1', options.adminPort);
  return {
    data,
    status,
    admin,
    version: () => gateway.table?.version ?? null,
    async close() {
      follower.stop();
      await Promise.all([closeServer(data.server), closeServer(status.server), closeServer(admin.server)]);
      await gateway.close();
    },
  };
}


/** `koaxy proxy ARGS`: parses flags, starts the proxy, and stops it on SIGINT/SIGTERM. */
export async function runProxy(args: readonly string[], env: NodeJS.ProcessEnv, versionHeader: string): Promise<void> {
  const { values } = parseFlags(args, proxyFlags, env);
  const stateDir = values['state-dir'];
  if (typeof stateDir !== 'string' || stateDir === '') throw new UsageError('--state-dir is required (the directory shared with the controller)');
  const logger = createLogger(String(values['log-level']));
  const proxy = await startProxy({
    stateDir,
    bind: String(values['bind']),
    port: portFlag(values, 'port'),
    statusPort: portFlag(values, 'status-port'),
    adminPort: portFlag(values, 'admin-port'),
    logger,
    versionHeader,
  });
  logger.info({ data: proxy.data.url, status: proxy.status.url, admin: proxy.admin.url, version: proxy.version() }, 'koaxy proxy listening');
  const stop = (signal: string): void => {
    logger.info({ signal }, 'draining and stopping');
    void proxy.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
