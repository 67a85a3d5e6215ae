/**
 * The controller sidecar against the real API server: `koaxy proxy` and `koaxy controller` run
 * as child processes sharing a state directory; GatewayEndpoints are applied with kubectl and
 * checked through traffic (real backends on loopback) and through their status.
 */
import assert from 'node:assert/strict';
import { type Cluster, startCluster } from './harness.ts';
import {
  type ControllerProcess, type ProxyProcess, condition, endpointManifest, get, readStatus, simpleSpec,
  startBackend, startControllerProcess, startProxyProcess, stateDirectory, waitUntil,
} from './controller-helpers.ts';

describe('koaxy controller + proxy (cluster)', function () {
  this.timeout(120_000);
  let cluster: Cluster;
  let ns: string;
  let state: ReturnType<typeof stateDirectory>;
  let proxy: ProxyProcess;
  let controller: ControllerProcess;
  const backends: Awaited<ReturnType<typeof startBackend>>[] = [];

  before(async function () {
    this.timeout(180_000);
    cluster = await startCluster();
    ns = await cluster.namespace('ctl');
    state = stateDirectory();
    backends.push(await startBackend('a'), await startBackend('b'));
    proxy = await startProxyProcess(state.dir);
    controller = await startControllerProcess(state.dir, cluster.kubeconfigPath, ns);
  });

  after(async () => {
    await controller?.stop();
    await proxy?.stop();
    for (const b of backends) b.server.close();
    state?.remove();
  });

  const apply = (name: string, spec: Record<string, unknown>) => cluster.kubectlOk(['apply', '-f', '-'], endpointManifest(ns, name, spec));
  const answer = (path: string, backend: string) => waitUntil(`${path} answered by ${backend}`, async () => {
    const res = await get(`${proxy.url}${path}`);
    return res.status === 200 && (res.body as { backend?: string }).backend === backend ? res : undefined;
  });
  const statusWhere = (name: string, ok: (s: Awaited<ReturnType<typeof readStatus>>) => boolean) =>
    waitUntil(`status of ${name}`, async () => {
      const s = await readStatus(cluster, ns, name);
      return ok(s) ? s : undefined;
    }, 20_000, 100);

  it('serves an applied GatewayEndpoint and reports Accepted and Programmed for its generation', async () => {
    const [a] = backends;
    await apply('hello', simpleSpec('/hello', { hosts: [a!.origin] }));
    await answer('/hello', 'a');
    const s = await statusWhere('hello', (x) => condition(x, 'Programmed')?.status === 'True');
    assert.equal(s.observedGeneration, s.generation);
    assert.equal(s.route, 'GET /hello');
    assert.deepEqual(
      s.conditions.map((c) => [c.type, c.status, c.reason, c.observedGeneration]),
      [['Accepted', 'True', 'Accepted', s.generation], ['Programmed', 'True', 'Programmed', s.generation]],
    );
    assert.match(condition(s, 'Programmed')!.message, /served by the proxy at table version/);
    const ready = await fetch(`${controller.statusUrl}/readyz`);
    assert.equal(ready.status, 200);
    const events = await cluster.kubectlOk(['get', 'events', '-n', ns, '--field-selector', 'involvedObject.name=hello', '-o', 'jsonpath={.items[*].reason}']);
    assert.match(events, /Accepted/);
  });

  it('serves an update, and keeps the last good generation serving on an invalid update', async () => {
    const [a, b] = backends;
    await apply('upd', simpleSpec('/upd', { hosts: [a!.origin] }));
    await answer('/upd', 'a');
    await apply('upd', simpleSpec('/upd', { hosts: [b!.origin] }));
    await answer('/upd', 'b');
    const good = await statusWhere('upd', (x) => x.generation === 2 && condition(x, 'Programmed')?.observedGeneration === 2 && condition(x, 'Programmed')?.status === 'True');
    assert.equal(condition(good, 'Accepted')?.status, 'True');

    await apply('upd', simpleSpec('/upd', { hosts: ['http://169.254.169.254:80'] }));
    const bad = await statusWhere('upd', (x) => x.generation === 3 && condition(x, 'Accepted')?.observedGeneration === 3);
    assert.equal(condition(bad, 'Accepted')?.status, 'False');
    assert.equal(condition(bad, 'Accepted')?.reason, 'BackendNotAllowed');
    assert.equal(condition(bad, 'Programmed')?.status, 'True');
    assert.match(condition(bad, 'Programmed')!.message, /generation 3 was not accepted; generation 2 keeps serving/);
    assert.equal(((await get(`${proxy.url}/upd`)).body as { backend: string }).backend, 'b');
  });

  it('resolves a route conflict to the older resource; the loser names the winner', async () => {
    const [a, b] = backends;
    await apply('first', simpleSpec('/dup', { hosts: [a!.origin] }));
    await answer('/dup', 'a');
    await apply('second', simpleSpec('/dup', { hosts: [b!.origin] }));
    const loser = await statusWhere('second', (x) => condition(x, 'Accepted')?.observedGeneration === x.generation);
    assert.equal(condition(loser, 'Accepted')?.reason, 'RouteConflict');
    assert.match(condition(loser, 'Accepted')!.message, new RegExp(`${ns}/first`));
    assert.equal(condition(loser, 'Programmed')?.reason, 'NotAccepted');
    const winner = await readStatus(cluster, ns, 'first');
    assert.equal(condition(winner, 'Accepted')?.status, 'True');
    assert.equal(((await get(`${proxy.url}/dup`)).body as { backend: string }).backend, 'a');
  });

  it('removes the route of a deleted resource (404)', async () => {
    const [a] = backends;
    await apply('gone', simpleSpec('/gone', { hosts: [a!.origin] }));
    await answer('/gone', 'a');
    await cluster.kubectlOk(['delete', 'gatewayendpoints.gateway.koaxy.dev', '-n', ns, 'gone']);
    await waitUntil('/gone to be 404', async () => ((await get(`${proxy.url}/gone`)).status === 404 ? true : undefined));
  });

  it('resolves Service backends, reports BackendNotFound until the Service and port exist, and applies the allow-list', async () => {
    await apply('svc', simpleSpec('/svc', { service: { name: 'shop', port: 8080 } }));
    const missing = await statusWhere('svc', (x) => condition(x, 'Accepted')?.reason === 'BackendNotFound');
    assert.match(condition(missing, 'Accepted')!.message, new RegExp(`Service ${ns}/shop not found`));

    await cluster.kubectlOk(['create', 'service', 'clusterip', 'shop', '-n', ns, '--tcp=9090:9090']);
    const wrongPort = await statusWhere('svc', (x) => /has no port 8080/.test(condition(x, 'Accepted')?.message ?? ''));
    assert.equal(condition(wrongPort, 'Accepted')?.reason, 'BackendNotFound');

    await apply('svc', simpleSpec('/svc', { service: { name: 'shop', port: 9090 } }));
    const ok = await statusWhere('svc', (x) => x.generation === 2 && condition(x, 'Programmed')?.status === 'True' && condition(x, 'Programmed')?.observedGeneration === 2);
    assert.equal(condition(ok, 'Accepted')?.reason, 'Accepted');
    const table = await waitUntil('the proxy table to hold the Service URL', async () => {
      const admin = String((await proxy.waitForLog('koaxy proxy listening'))['admin']);
      const t = (await get(`${admin}/v1/route-table`)).body as { routes: { backends: { hosts: string[] }[] }[] };
      const hosts = t.routes.flatMap((r) => r.backends.flatMap((x) => x.hosts));
      return hosts.some((h) => h.includes(`shop.${ns}.svc.cluster.local:9090`)) ? hosts : undefined;
    });
    assert.ok(table.length > 0);

    await apply('other-ns', simpleSpec('/other', { service: { name: 'db', namespace: 'kube-system', port: 5432 } }));
    const denied = await statusWhere('other-ns', (x) => condition(x, 'Accepted')?.observedGeneration === x.generation);
    assert.equal(condition(denied, 'Accepted')?.reason, 'BackendNotAllowed');
  });
});
