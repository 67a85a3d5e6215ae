/**
 * The controller with a ServiceAccount token bound to exactly `helm/koaxy/files/rbac-rules.yaml`
 * (the rules the chart renders) through a whole journey — applies, updates, a Service backend,
 * a delete, leader election — with no 403; and the apply-to-served latency over 20 applies,
 * one of them after the watch has been idle for a minute.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parse } from 'yaml';
import { type Cluster, repoRoot, startCluster } from './harness.ts';
import {
  type ControllerProcess, type ProxyProcess, condition, endpointManifest, get, readStatus, simpleSpec,
  startBackend, startControllerProcess, startProxyProcess, stateDirectory, waitUntil,
} from './controller-helpers.ts';

/** Creates the SA, a ClusterRole from the chart's rules file, the binding, and a kubeconfig with a token. */
async function serviceAccountKubeconfig(cluster: Cluster, ns: string, dir: string): Promise<string> {
  const rules = parse(readFileSync(join(repoRoot, 'helm', 'koaxy', 'files', 'rbac-rules.yaml'), 'utf8')) as unknown[];
  const role = `koaxy-controller-${ns}`;
  await cluster.kubectlOk(['create', 'serviceaccount', 'koaxy', '-n', ns]);
  await cluster.kubectlOk(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: role }, rules }));
  await cluster.kubectlOk(['create', 'clusterrolebinding', role, `--clusterrole=${role}`, `--serviceaccount=${ns}:koaxy`]);
  const token = (await cluster.kubectlOk(['create', 'token', 'koaxy', '-n', ns, '--duration=1h'])).trim();
  const admin = JSON.parse(readFileSync(cluster.kubeconfigPath, 'utf8')) as { clusters: { cluster: Record<string, string> }[] };
  const path = join(dir, 'sa-kubeconfig');
  writeFileSync(path, JSON.stringify({
    apiVersion: 'v1', kind: 'Config',
    clusters: [{ name: 'c', cluster: admin.clusters[0]!.cluster }],
    users: [{ name: 'koaxy', user: { token } }],
    contexts: [{ name: 'koaxy', context: { cluster: 'c', user: 'koaxy', namespace: ns } }],
    'current-context': 'koaxy',
  }));
  return path;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

describe('koaxy controller with the chart RBAC rules (cluster)', function () {
  this.timeout(240_000);
  let cluster: Cluster;
  let ns: string;
  let state: ReturnType<typeof stateDirectory>;
  let proxy: ProxyProcess;
  let controller: ControllerProcess;
  let backend: Awaited<ReturnType<typeof startBackend>>;

  before(async function () {
    this.timeout(180_000);
    cluster = await startCluster();
    ns = await cluster.namespace('rbac');
    state = stateDirectory();
    backend = await startBackend('a');
    const kubeconfig = await serviceAccountKubeconfig(cluster, ns, state.dir);
    proxy = await startProxyProcess(state.dir);
    controller = await startControllerProcess(state.dir, kubeconfig, ns, ['--leader-elect', '--lease-namespace', ns, '--lease-duration', '5']);
  });

  after(async () => {
    await controller?.stop();
    await proxy?.stop();
    backend?.server.close();
    state?.remove();
  });

  /** Applies `/lat-N` and returns ms from kubectl's start and from its return to the first 200. */
  const timedApply = async (i: number): Promise<{ fromStart: number; fromAccepted: number }> => {
    const t0 = performance.now();
    await cluster.kubectlOk(['apply', '-f', '-'], endpointManifest(ns, `lat-${i}`, simpleSpec(`/lat-${i}`, { hosts: [backend.origin] })));
    const t1 = performance.now();
    await waitUntil(`/lat-${i}`, async () => ((await get(`${proxy.url}/lat-${i}`)).status === 200 ? true : undefined), 15_000, 2);
    const t2 = performance.now();
    return { fromStart: t2 - t0, fromAccepted: t2 - t1 };
  };

  it('serves 20 applies with a p99 below 1 s, including one after a minute of idle watch', async function () {
    this.timeout(180_000);
    const samples: { fromStart: number; fromAccepted: number }[] = [];
    for (let i = 0; i < 19; i++) samples.push(await timedApply(i));
    await delay(60_000); // the idle minute is the scenario itself
    const idle = await timedApply(19);
    samples.push(idle);
    const fromAccepted = samples.map((s) => s.fromAccepted).sort((a, b) => a - b);
    const fromStart = samples.map((s) => s.fromStart).sort((a, b) => a - b);
    const f = (n: number) => `${n.toFixed(0)} ms`;
    console.log(`      apply → served over ${samples.length} applies (from kubectl's return): p50 ${f(percentile(fromAccepted, 50))}, p99 ${f(percentile(fromAccepted, 99))}, max ${f(fromAccepted.at(-1)!)}`);
    console.log(`      including kubectl itself: p50 ${f(percentile(fromStart, 50))}, p99 ${f(percentile(fromStart, 99))}; after 60 s idle: ${f(idle.fromAccepted)} (${f(idle.fromStart)} with kubectl)`);
    assert.ok(percentile(fromAccepted, 99) < 1_000, `p99 ${percentile(fromAccepted, 99)} ms`);
    const s = await waitUntil('status of lat-19', async () => {
      const x = await readStatus(cluster, ns, 'lat-19');
      return condition(x, 'Programmed')?.status === 'True' ? x : undefined;
    }, 20_000, 100);
    assert.equal(condition(s, 'Accepted')?.observedGeneration, 1);
  });

  it('goes through update, Service backend and delete with no 403', async () => {
    await cluster.kubectlOk(['apply', '-f', '-'], endpointManifest(ns, 'lat-0', simpleSpec('/lat-0', { hosts: [backend.origin], urlPattern: '/v2' })));
    await cluster.kubectlOk(['create', 'service', 'clusterip', 'shop', '-n', ns, '--tcp=80:80']);
    await cluster.kubectlOk(['apply', '-f', '-'], endpointManifest(ns, 'svc', simpleSpec('/svc', { service: { name: 'shop', port: 80 } })));
    await cluster.kubectlOk(['delete', 'gatewayendpoints.gateway.koaxy.dev', '-n', ns, 'lat-1']);
    await waitUntil('/lat-1 gone', async () => ((await get(`${proxy.url}/lat-1`)).status === 404 ? true : undefined));
    const svc = await waitUntil('svc Programmed', async () => {
      const x = await readStatus(cluster, ns, 'svc');
      return condition(x, 'Programmed')?.status === 'True' ? x : undefined;
    }, 20_000, 100);
    assert.equal(condition(svc, 'Accepted')?.reason, 'Accepted');
    await waitUntil('lat-0 generation 2 Programmed', async () => {
      const x = await readStatus(cluster, ns, 'lat-0');
      return condition(x, 'Programmed')?.observedGeneration === 2 ? x : undefined;
    }, 20_000, 100);
    assert.ok((await controller.metric('koaxy_controller_events_total')) > 0);
    const forbidden = controller.logs.filter((l) => Number(l['level']) >= 40 && /\b403\b|forbidden/i.test(JSON.stringify(l)));
    assert.deepEqual(forbidden, []);
    assert.equal(await controller.metric('koaxy_controller_errors_total'), 0);
    // Transient list/watch failures (e.g. a 429 "storage is (re)initializing" after a 410) are
    // retried by design; what must never happen is a 403, checked above.
    assert.equal(await controller.metric('koaxy_controller_leader'), 1);
  });
});
