/**
 * Two controller replicas with `--leader-elect` (each with its own proxy and state directory,
 * as in two pods): exactly one writes status; killing it hands the Lease over.
 */
import assert from 'node:assert/strict';
import { type Cluster, startCluster } from './harness.ts';
import {
  type ControllerProcess, type ProxyProcess, condition, endpointManifest, readStatus, simpleSpec,
  startBackend, startControllerProcess, startProxyProcess, stateDirectory, waitUntil,
} from './controller-helpers.ts';

describe('koaxy controller leader election (cluster)', function () {
  this.timeout(120_000);
  let cluster: Cluster;
  let ns: string;
  const states: ReturnType<typeof stateDirectory>[] = [];
  const proxies: ProxyProcess[] = [];
  const controllers: ControllerProcess[] = [];
  let backend: Awaited<ReturnType<typeof startBackend>>;

  before(async function () {
    this.timeout(180_000);
    cluster = await startCluster();
    ns = await cluster.namespace('lead');
    backend = await startBackend('a');
    for (let i = 0; i < 2; i++) {
      const state = stateDirectory();
      states.push(state);
      proxies.push(await startProxyProcess(state.dir));
      controllers.push(await startControllerProcess(state.dir, cluster.kubeconfigPath, ns, ['--leader-elect', '--lease-namespace', ns, '--lease-duration', '3']));
    }
  });

  after(async () => {
    for (const c of controllers) await c.stop();
    for (const p of proxies) await p.stop();
    backend?.server.close();
    for (const s of states) s.remove();
  });

  const leaders = async () => Promise.all(controllers.map((c) => (c.child.exitCode === null && c.child.signalCode === null ? c.metric('koaxy_controller_leader') : Promise.resolve(-1))));
  const programmedAt = (generation: number) => waitUntil(`Programmed for generation ${generation}`, async () => {
    const s = await readStatus(cluster, ns, 'led');
    const p = condition(s, 'Programmed');
    return p?.status === 'True' && p.observedGeneration === generation ? s : undefined;
  }, 30_000, 100);

  it('lets exactly one replica write status, and hands over when it is killed', async () => {
    const roles = await waitUntil('one leader', async () => {
      const l = await leaders();
      return l.filter((x) => x === 1).length === 1 ? l : undefined;
    });
    const leader = roles.indexOf(1);
    const follower = 1 - leader;
    await cluster.kubectlOk(['apply', '-f', '-'], endpointManifest(ns, 'led', simpleSpec('/led', { hosts: [backend.origin] })));
    await programmedAt(1);
    assert.ok((await controllers[leader]!.metric('koaxy_controller_status_writes_total')) > 0);
    assert.equal(await controllers[follower]!.metric('koaxy_controller_status_writes_total'), 0);
    assert.deepEqual((await leaders()).sort(), [0, 1]);
    const holder = JSON.parse(await cluster.kubectlOk(['get', 'lease', '-n', ns, 'koaxy-default', '-o', 'json'])) as { spec: { holderIdentity: string } };
    assert.match(holder.spec.holderIdentity, new RegExp(`-${controllers[leader]!.child.pid}$`));

    await controllers[leader]!.stop('SIGKILL');
    await waitUntil('the follower to take the lease', async () => ((await controllers[follower]!.metric('koaxy_controller_leader')) === 1 ? true : undefined), 20_000, 100);
    await cluster.kubectlOk(['apply', '-f', '-'], endpointManifest(ns, 'led', simpleSpec('/led', { hosts: [backend.origin], urlPattern: '/v2' })));
    const s = await programmedAt(2);
    assert.equal(condition(s, 'Accepted')?.observedGeneration, 2);
    assert.ok((await controllers[follower]!.metric('koaxy_controller_status_writes_total')) > 0);
  });
});
