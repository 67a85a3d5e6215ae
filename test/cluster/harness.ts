/**
 * The cluster test tier's harness: ONE etcd + kube-apiserver per test run, started lazily by the
 * first `await startCluster()` (call it from a `before`, with a long timeout) and shared by every
 * cluster test file, with the GatewayEndpoint CRD applied. Tests isolate themselves by namespace.
 * Must not import src/ (tests of src/ import the harness, not the other way round).
 * Invariant: the control plane is stopped and its temp directory removed at the end of the run
 * (mocha root `after` hook), on SIGINT/SIGTERM, and on process exit, whichever comes first.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { clusterBinaries, missingBinaries, type ClusterBinaries } from '../../scripts/cluster/binaries.ts';
import { ControlPlane } from '../../scripts/cluster/control-plane.ts';
import { runChecked, runCommand, type CommandResult } from '../../scripts/cluster/run-command.ts';

/** Repository root (where `crds/` and `examples/` are). */
export const repoRoot = resolve(import.meta.dirname, '..', '..');

/**
 * The CRD applied at start, read from disk at run time; `KOAXY_TEST_CRD` names another file to
 * try a candidate CRD against the real API server without touching crds/.
 */
export const crdPath = process.env['KOAXY_TEST_CRD'] || join(repoRoot, 'crds', 'gatewayendpoints.gateway.koaxy.dev.yaml');

/** The running control plane as tests see it. */
export interface Cluster {
  /** `https://127.0.0.1:PORT`. */
  readonly server: string;
  /** Admin kubeconfig (context `admin`); kubectl, helm and @kubernetes/client-node read it. */
  readonly kubeconfigPath: string;
  /** The binaries in use (kubectl and helm of matching versions). */
  readonly bins: ClusterBinaries;
  /** Environment for child tools: KUBECONFIG, and helm/kubectl caches inside the run's temp dir. */
  readonly env: NodeJS.ProcessEnv;
  /** Runs the matching kubectl against the cluster; never throws on a non-zero exit. */
  kubectl(args: readonly string[], input?: string): Promise<CommandResult>;
  /** Runs kubectl and returns its stdout; rejects with its stderr on a non-zero exit. */
  kubectlOk(args: readonly string[], input?: string): Promise<string>;
  /** Runs helm against the cluster; never throws on a non-zero exit. */
  helm(args: readonly string[], input?: string): Promise<CommandResult>;
  /** Creates a fresh namespace `PREFIX-N-XXXX` and returns its name (never deleted: no GC here). */
  namespace(prefix: string): Promise<string>;
  /** Stops kube-apiserver only (etcd keeps the data); for resilience tests. */
  stopApiServer(): Promise<void>;
  /** Starts kube-apiserver again on the same address and waits until it is ready. */
  startApiServer(): Promise<void>;
}

let started: Promise<Cluster> | undefined;
let plane: ControlPlane | undefined;
let namespaces = 0;

/** Starts the shared control plane on first call (idempotent: later calls get the same promise). */
export function startCluster(): Promise<Cluster> {
  started ??= boot();
  return started;
}

/** Stops the shared control plane and removes its temp directory (safe to call repeatedly). */
export async function stopCluster(): Promise<void> {
  const current = plane;
  plane = undefined;
  await current?.stop();
}

async function boot(): Promise<Cluster> {
  const bins = clusterBinaries();
  const missing = missingBinaries(bins);
  if (missing.length > 0) {
    throw new Error(`control-plane binaries missing (${missing.join(', ')}): build them with 'npm run cluster:build' (needs Go >= 1.24; see scripts/cluster/build.sh)`);
  }
  installCleanup();
  const current = new ControlPlane();
  plane = current; // stoppable by a signal while it starts
  await current.start({ bins, etcdPrefix: `/koaxy-test-${process.pid}-${Date.now()}` });
  current.onCrash((name, tail) => console.error(`cluster harness: ${name} exited during the run; its log ends:\n${tail}`));
  const cluster = makeCluster(current, bins);
  await applyCrd(cluster);
  return cluster;
}

function makeCluster(current: ControlPlane, bins: ClusterBinaries): Cluster {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KUBECONFIG: current.kubeconfigPath,
    KUBECACHEDIR: join(current.dir, 'kube-cache'),
    HELM_CACHE_HOME: join(current.dir, 'helm', 'cache'),
    HELM_CONFIG_HOME: join(current.dir, 'helm', 'config'),
    HELM_DATA_HOME: join(current.dir, 'helm', 'data'),
  };
  const kubeArgs = (args: readonly string[]) => [`--kubeconfig=${current.kubeconfigPath}`, ...args];
  const cluster: Cluster = {
    server: current.server,
    kubeconfigPath: current.kubeconfigPath,
    bins,
    env,
    kubectl: (args, input) => runCommand(bins.kubectl, kubeArgs(args), { input, env }),
    kubectlOk: (args, input) => runChecked(bins.kubectl, kubeArgs(args), { input, env }),
    helm: (args, input) => runCommand(bins.helm, kubeArgs(args), { input, env }),
    namespace: async (prefix) => {
      const name = `${prefix}-${++namespaces}-${Math.random().toString(36).slice(2, 6)}`;
      await cluster.kubectlOk(['create', 'namespace', name]);
      return name;
    },
    stopApiServer: () => current.stopApiServer(),
    startApiServer: () => current.startApiServer(),
  };
  return cluster;
}

async function applyCrd(cluster: Cluster): Promise<void> {
  let crd: string;
  try {
    crd = readFileSync(crdPath, 'utf8');
  } catch {
    throw new Error(`the CRD ${crdPath} is missing: generate it first (it is generated from src/api)`);
  }
  await cluster.kubectlOk(['apply', '--server-side', '-f', '-'], crd);
  await cluster.kubectlOk(['wait', '--for=condition=Established', '--timeout=60s', 'crd/gatewayendpoints.gateway.koaxy.dev']);
}

let cleanupInstalled = false;

function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\ncluster harness: ${signal}, stopping the control plane`);
    void stopCluster().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', () => plane?.killNow());
}

// Mocha root hook: a hook registered while a test file is being loaded, outside any describe,
// belongs to the root suite, so it runs once after every test of the run.
if (typeof globalThis.after === 'function') after(stopCluster);
