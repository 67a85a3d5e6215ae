/**
 * Resilience of the pod's two processes against the real API server: the API server stops for
 * 10 s under continuous traffic; the controller is killed; the proxy restarts with the
 * controller still down.
 */
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { type Cluster, startCluster } from './harness.ts';
import {
  type ControllerProcess, type ProxyProcess, endpointManifest, get, simpleSpec,
  startBackend, startControllerProcess, startProxyProcess, stateDirectory, waitUntil,
} from './controller-helpers.ts';

/** Sends sequential requests until stopped; counts answers and failures. */
function traffic(url: string): { stop: () => Promise<{ ok: number; failed: string[] }> } {
  let running = true;
  const failed: string[] = [];
  let ok = 0;
  const loop = (async () => {
    while (running) {
      try {
        const res = await get(url);
        if (res.status === 200) ok++;
        else failed.push(`status ${res.status}`);
      } catch (err) {
        failed.push(String(err));
      }
      await delay(10); // pacing of the load generator, not a wait for a condition
    }
  })();
  return { stop: async () => {
    running = false;
    await loop;
    return { ok, failed };
  } };
}

describe('koaxy controller resilience (cluster)', function () {
  this.timeout(180_000);
  let cluster: Cluster;
  let ns: string;
  let state: ReturnType<typeof stateDirectory>;
  let proxy: ProxyProcess;
  let controller: ControllerProcess;
  let backend: Awaited<ReturnType<typeof startBackend>>;

  before(async function () {
    this.timeout(180_000);
    cluster = await startCluster();
    ns = await cluster.namespace('res');
    state = stateDirectory();
    backend = await startBackend('a');
    proxy = await startProxyProcess(state.dir);
    controller = await startControllerProcess(state.dir, cluster.kubeconfigPath, ns);
  });

  after(async () => {
    await cluster?.startApiServer();
    await controller?.stop();
    await proxy?.stop();
    backend?.server.close();
    state?.remove();
  });

  const apply = (name: string, endpoint: string) => cluster.kubectlOk(['apply', '-f', '-'], endpointManifest(ns, name, simpleSpec(endpoint, { hosts: [backend.origin] })));
  const served = (p: ProxyProcess, path: string) => waitUntil(`${path} served`, async () => ((await get(`${p.url}${path}`)).status === 200 ? true : undefined));

  it('keeps serving while the API server is down for 10 s, then serves changes, with one watch per collection', async () => {
    await apply('steady', '/steady');
    await served(proxy, '/steady');
    const errorsBefore = await controller.metric('koaxy_controller_watch_errors_total');
    const load = traffic(`${proxy.url}/steady`);
    await cluster.stopApiServer();
    const down = Date.now();
    await waitUntil('the controller to notice', async () => ((await controller.metric('koaxy_controller_watch_errors_total')) > errorsBefore ? true : undefined), 15_000, 100);
    await delay(Math.max(0, 10_000 - (Date.now() - down))); // the outage lasts 10 s by design
    await cluster.startApiServer();
    await apply('after', '/after');
    const started = Date.now();
    await served(proxy, '/after');
    const result = await load.stop();
    console.log(`      API server down 10 s: ${result.ok} requests answered, ${result.failed.length} failed; change after restart served in ${Date.now() - started} ms`);
    assert.deepEqual(result.failed, []);
    assert.ok(result.ok > 50);
    assert.equal(await controller.metric('koaxy_controller_watches_open'), 2); // GatewayEndpoints + Services, no duplicate
  });

  it('keeps serving when the controller is killed; a restarted proxy serves the last table at once', async () => {
    await controller.stop('SIGKILL');
    assert.equal((await get(`${proxy.url}/steady`)).status, 200);
    await proxy.stop();
    proxy = await startProxyProcess(state.dir);
    const first = await get(`${proxy.url}/after`);
    assert.equal(first.status, 200);
    assert.equal((await fetch(`${proxy.statusUrl}/readyz`)).status, 200);
  });
});
