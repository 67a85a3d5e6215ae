/**
 * `koaxy controller`: the sidecar (DESIGN §1, §4, §5). Composition only: a Kubernetes client
 * from `KUBECONFIG` or the in-cluster service account, the controller loop, and the status port
 * (`/healthz`, `/readyz` once the initial lists are compiled and the table written, `/metrics`).
 */
import { hostname } from 'node:os';
import { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { createLogger } from './logger.ts';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { createStatusApp } from '../admin/index.ts';
import { Controller } from '../controller/index.ts';
import { UsageError, parseFlags, portFlag } from './flags.ts';
import { controllerFlags } from './command-flags.ts';
import { type Listening, closeServer, listen } from './servers.ts';

/** Options of {@link startController}. */
export interface ControllerCliOptions {
  readonly stateDir: string;
  readonly bind: string;
  readonly statusPort: number;
  readonly gatewayName: string;
  readonly namespaces: readonly string[];
  readonly allowedBackends: readonly string[];
  readonly leaderElect: boolean;
  readonly leaseNamespace: string;
  readonly leaseDurationSeconds: number;
  readonly logger: Logger;
}

/** A running controller sidecar. */
export interface RunningController {
  readonly status: Listening;
  close(): Promise<void>;
}

/** Starts the status port, then the controller (which resolves once the first table is written). */
export async function startController(options: ControllerCliOptions): Promise<RunningController> {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  const identity = `${process.env['POD_NAME'] ?? hostname()}-${process.pid}`;
  const controller = new Controller({
    kc,
    stateDir: options.stateDir,
    gatewayName: options.gatewayName,
    namespaces: options.namespaces,
    allowedBackends: options.allowedBackends,
    lease: options.leaderElect ? { namespace: options.leaseNamespace, name: `koaxy-${options.gatewayName}`, durationSeconds: options.leaseDurationSeconds } : null,
    identity,
    logger: options.logger,
  });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  registerMetrics(registry, controller);
  const status = await listen(
    createStatusApp({ ready: () => controller.ready, notReadyReason: () => 'initial lists not compiled and written yet', registry }).callback(),
    options.bind,
    options.statusPort,
  );
  options.logger.info({ status: status.url, identity }, 'koaxy controller starting');
  await controller.start();
  options.logger.info({ identity }, 'koaxy controller ready');
  return {
    status,
    async close() {
      await controller.stop();
      await closeServer(status.server);
    },
  };
}

function registerMetrics(registry: Registry, controller: Controller): void {
  const gauge = (name: string, help: string, value: () => number): void => {
    new Gauge({ name, help, registers: [registry], collect() { this.set(value()); } });
  };
  gauge('koaxy_controller_watches_open', 'Watch requests open now (one per watched collection)', () => controller.watchStats().watching);
  gauge('koaxy_controller_watches_opened_total', 'Watch requests opened since start', () => controller.watchStats().watchesOpened);
  gauge('koaxy_controller_relists_total', 'Full lists since start', () => controller.watchStats().relists);
  gauge('koaxy_controller_watch_errors_total', 'List or watch failures since start', () => controller.watchStats().errors);
  gauge('koaxy_controller_seconds_since_last_event', 'Seconds since the last watch event or list', () => (Date.now() - controller.watchStats().lastEventAt) / 1000);
  gauge('koaxy_controller_leader', '1 when this replica writes status', () => (controller.writesStatus ? 1 : 0));
  gauge('koaxy_controller_compiles_total', 'Compile runs since start', () => controller.stats.compiles);
  gauge('koaxy_controller_tables_written_total', 'Route tables written since start', () => controller.stats.tablesWritten);
  gauge('koaxy_controller_status_writes_total', 'Status patches written', () => controller.statusStats().writes);
  gauge('koaxy_controller_status_noop_total', 'Status writes skipped as no-ops', () => controller.statusStats().noops);
  gauge('koaxy_controller_status_conflicts_total', 'Status writes that got a 409', () => controller.statusStats().conflicts);
  gauge('koaxy_controller_events_total', 'Events recorded', () => controller.statusStats().events);
  gauge('koaxy_controller_errors_total', 'Controller step failures', () => controller.stats.errors);
}

/** `koaxy controller ARGS`: parses flags, starts the sidecar, and stops it on SIGINT/SIGTERM. */
export async function runController(args: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  const { values } = parseFlags(args, controllerFlags, env);
  const stateDir = values['state-dir'];
  if (typeof stateDir !== 'string' || stateDir === '') throw new UsageError('--state-dir is required (the directory shared with the proxy)');
  const leaseDurationSeconds = Number(values['lease-duration']);
  if (!Number.isInteger(leaseDurationSeconds) || leaseDurationSeconds < 1) throw new UsageError(`--lease-duration must be a positive number of seconds, got ${JSON.stringify(values['lease-duration'])}`);
  const logger = createLogger(String(values['log-level']));
  const running = await startController({
    stateDir,
    bind: String(values['bind']),
    statusPort: portFlag(values, 'status-port'),
    gatewayName: String(values['gateway-name']),
    namespaces: (values['namespace'] as string[] | undefined) ?? [],
    allowedBackends: (values['allowed-backends'] as string[] | undefined) ?? [],
    leaderElect: values['leader-elect'] === true,
    leaseNamespace: (values['lease-namespace'] as string | undefined) ?? env['POD_NAMESPACE'] ?? 'default',
    leaseDurationSeconds,
    logger,
  });
  const stop = (signal: string): void => {
    logger.info({ signal }, 'stopping');
    void running.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
