/**
 * `koaxy proxy`: the data plane of the pod (DESIGN §1, §4). Serves `DIR/route-table.json` at
 * start, follows every atomic replacement of it (build off the request path, swap), and then
 * writes `DIR/served.json` with the version it serves, which the controller reads back.
 *
 * Composition only. No port can change what is served: the only input is the state directory.
 */
import type { Logger } from 'pino';
import { createLogger } from './logger.ts';
import { FileFollower, TABLE_FILE, readTableFile, writeServedFile } from '../sources/state-dir.ts';
import { UsageError, parseFlags, portFlag } from './flags.ts';
import { proxyFlags } from './command-flags.ts';
import { type ServeOptions, createServedGateway } from './serve-gateway.ts';
import type { Listening } from './servers.ts';

/** Options of {@link startProxy}. */
export interface ProxyOptions extends ServeOptions {
  /** The directory shared with the controller. */
  readonly stateDir: string;
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
  const served = createServedGateway(options);
  const gateway = served.gateway;
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

  const ports = await served.listen({
    notReadyReason: () => lastError ?? `no route table in ${stateDir} yet`,
    report: () => ({ tableVersion: gateway.table?.version ?? null, loadError: lastError }),
  });
  return {
    data: ports.data,
    status: ports.status,
    admin: ports.admin,
    version: () => gateway.table?.version ?? null,
    async close() {
      follower.stop();
      await ports.close();
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
