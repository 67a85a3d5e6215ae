/**
 * `koaxy standalone --workers N`: N processes serving one data port through `node:cluster`.
 *
 * The primary runs no gateway: it forks the workers (each re-runs the same command line and the
 * whole standalone pipeline — file source, compiler, gateway — so every worker watches the
 * files and swaps its own table), restarts a worker that dies after it started, stops them all
 * on SIGINT/SIGTERM and exits once they are gone; a worker that dies before it listened stops
 * the whole group (a start-up mistake would otherwise restart forever).
 *
 * Ports: the data port is shared by every worker. The status and admin ports are served by
 * worker 0 only (the others bind them to a free port nobody uses), so `/metrics` and
 * `/v1/status` show worker 0's view: its counters, its table (every worker reads the same files).
 */
import cluster from 'node:cluster';
import type { Logger } from 'pino';

const INDEX_ENV = 'KOAXY_WORKER_INDEX';

/** True in the primary of a clustered run, which must call {@link superviseWorkers} and serve nothing. */
export function isClusterPrimary(workers: number): boolean {
  return workers > 1 && cluster.isPrimary;
}

/** The status and admin ports this process serves: as given in worker 0 or a single process, else 0. */
export function workerPorts(ports: { statusPort: number; adminPort: number }): { statusPort: number; adminPort: number } {
  if (!cluster.isWorker || process.env[INDEX_ENV] === '0') return ports;
  return { statusPort: 0, adminPort: 0 };
}

/** Forks and supervises `count` workers running this same command line. */
export function superviseWorkers(count: number, logger: Logger): void {
  let stopping = false;
  const live = new Set<number>();
  const stopAll = (signal: NodeJS.Signals, code: number): void => {
    stopping = true;
    process.exitCode = code;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    if (live.size === 0) process.exit(code);
  };
  const fork = (index: number): void => {
    const worker = cluster.fork({ [INDEX_ENV]: String(index) });
    let listening = false;
    live.add(worker.id);
    worker.once('listening', () => (listening = true));
    worker.once('exit', (code, signal) => {
      live.delete(worker.id);
      if (stopping) {
        if (live.size === 0) process.exit(process.exitCode ?? 0);
      } else if (!listening) {
        logger.fatal({ worker: index, code, signal }, 'worker exited before it listened; stopping');
        stopAll('SIGTERM', 1);
      } else {
        logger.error({ worker: index, code, signal }, 'worker exited; starting a new one');
        fork(index);
      }
    });
  };
  for (let i = 0; i < count; i++) fork(i);
  logger.info({ workers: count }, 'koaxy standalone primary started its workers');
  process.once('SIGINT', () => stopAll('SIGINT', 0));
  process.once('SIGTERM', () => stopAll('SIGTERM', 0));
}
