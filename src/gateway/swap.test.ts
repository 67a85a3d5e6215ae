import assert from 'node:assert/strict';
import { once } from 'node:events';
import { originOf } from '../proxy/index.ts';
import { type Gate, type TestBackend, backend, gate, json, route, startBackend, table } from '../proxy/testing.ts';
import { type TestGateway, send, startGateway } from './testing.ts';

describe('Gateway.load() swapping tables', () => {
  let one: TestBackend;
  let two: TestBackend;
  let held: TestBackend;
  let hold: Gate;
  let gw: TestGateway;

  const tableOne = () => table([route({ path: '/x', backends: [backend({ hosts: [one.url] })] })]);
  const tableTwo = () => table([route({ path: '/x', backends: [backend({ hosts: [two.url] })] }), route({ path: '/y', backends: [backend({ hosts: [two.url] })] })]);

  before(async () => {
    hold = gate();
    one = await startBackend(json({ from: 'one' }));
    two = await startBackend(json({ from: 'two' }));
    held = await startBackend(async (req, res) => {
      await hold.pass();
      json({ from: 'held' })(req, res, '');
    });
    gw = await startGateway(tableOne());
  });

  after(async () => {
    hold.open();
    await gw.close();
    await Promise.all([one.close(), two.close(), held.close()]);
  });

  it('serves the new table to the next request and reports it', async () => {
    gw.gateway.load(tableOne());
    assert.equal((await send(gw.url, '/x')).body, '{"from":"one"}');
    assert.equal((await send(gw.url, '/y')).status, 404);
    const next = tableTwo();
    gw.gateway.load(next);
    assert.equal(gw.gateway.table, next);
    assert.equal(gw.gateway.ready, true);
    assert.equal((await send(gw.url, '/x')).body, '{"from":"two"}');
    assert.equal((await send(gw.url, '/y')).status, 200);
  });

  it('drops the metrics of a route no table serves any more, and keeps those of the routes still served', async () => {
    gw.gateway.load(tableTwo());
    assert.equal((await send(gw.url, '/y')).status, 200);
    assert.equal((await send(gw.url, '/x')).status, 200);
    const before = await gw.registry.metrics();
    assert.match(before, /koaxy_http_requests_total\{route="GET \/y",method="GET",code="200"\} \d+/);
    assert.match(before, /koaxy_backend_requests_total\{route="GET \/y",backend="0",outcome="ok"\} \d+/);
    gw.gateway.load(tableOne());
    assert.equal((await send(gw.url, '/x')).status, 200);
    const after = await gw.registry.metrics();
    assert.doesNotMatch(after, /route="GET \/y"/);
    assert.match(after, /koaxy_http_requests_total\{route="GET \/x",method="GET",code="200"\} \d+/);
  });

  it('keeps serving under load while load() is called 20 times: zero failures', async () => {
    let stop = false;
    let served = 0;
    const failures: string[] = [];
    const worker = async (): Promise<void> => {
      while (!stop) {
        const res = await send(gw.url, '/x');
        served++;
        if (res.status !== 200 || !/^\{"from":"(one|two)"\}$/.test(res.body)) failures.push(`${res.status} ${res.body}`);
      }
    };
    const workers = [worker(), worker(), worker(), worker()];
    for (let i = 0; i < 20; i++) {
      const before = served;
      gw.gateway.load(i % 2 === 0 ? tableOne() : tableTwo());
      // Let some requests run on each table before the next swap (bounded, no sleeping).
      for (let spins = 0; served < before + 2 && spins < 1000; spins++) await new Promise((r) => setImmediate(r));
    }
    stop = true;
    await Promise.all(workers);
    assert.deepEqual(failures, []);
    assert.ok(served >= 40, `only ${served} requests were served`);
  });

  it('finishes an in-flight request on the table it started with, then closes the pools no table uses', async () => {
    gw.gateway.load(table([route({ path: '/x', backends: [backend({ hosts: [held.url] })] })]));
    assert.ok(gw.gateway.pools.has(held.url));
    const inFlight = send(gw.url, '/x');
    await hold.waiting(1);
    gw.gateway.load(tableTwo());
    assert.equal((await send(gw.url, '/x')).body, '{"from":"two"}', 'new requests use the new table');
    assert.ok(gw.gateway.pools.has(held.url), 'the old pool stays open while its request is in flight');
    assert.ok(!gw.gateway.pools.has(one.url), 'a pool no live table references is closed at once');
    const closed = once(gw.gateway.pools, 'close', { signal: AbortSignal.timeout(5000) });
    hold.open();
    const res = await inFlight;
    assert.equal(res.status, 200);
    assert.equal(res.body, '{"from":"held"}');
    const [origin] = await closed;
    assert.equal(origin, originOf(held.url));
    assert.ok(!gw.gateway.pools.has(held.url));
    assert.ok(gw.gateway.pools.has(two.url));
  });

  it('throws and keeps the old table when the new one cannot be built', async () => {
    const served = gw.gateway.table;
    const duplicate = route({ path: '/x', backends: [backend({ hosts: [one.url] })] });
    assert.throws(() => gw.gateway.load(table([duplicate, duplicate])));
    assert.equal(gw.gateway.table, served);
    assert.equal((await send(gw.url, '/x')).status, 200);
    assert.match(await gw.registry.metrics(), /koaxy_route_table_loads_total\{result="error"\} 1/);
  });
});
