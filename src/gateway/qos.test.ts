import assert from 'node:assert/strict';
import { type TestBackend, backend, json, route, startBackend, table, text } from '../proxy/testing.ts';
import { type TestGateway, send, startGateway } from './testing.ts';

// Rates are per second; 1/3600 never refills during a test, so no clock is needed here
// (token timing is pinned with an injected clock in src/proxy/qos.test.ts).
const slow = 1 / 3600;

describe('gateway: qos/ratelimit/router, return_error_msg, static (spec §7.1, §1.6, §3.6)', () => {
  let ok: TestBackend;
  let failing: TestBackend;
  let codeBackend: TestBackend;
  let gw: TestGateway;
  const routes = () => [
    route({ path: '/global', rateLimit: { global: { ratePerSecond: slow, capacity: 1 } }, backends: [backend({ hosts: [ok.url] })] }),
    route({ path: '/client', rateLimit: { client: { ratePerSecond: slow, capacity: 1, strategy: 'header', key: 'x-client' } }, backends: [backend({ hosts: [ok.url] })] }),
    route({ path: '/ip', rateLimit: { client: { ratePerSecond: slow, capacity: 1, strategy: 'ip', key: 'x-real-client' } }, backends: [backend({ hosts: [ok.url] })] }),
    route({ path: '/by/{tenant}', rateLimit: { client: { ratePerSecond: slow, capacity: 1, strategy: 'param', key: 'tenant' } }, backends: [backend({ hosts: [ok.url] })] }),
    route({ path: '/msg', returnErrorMsg: true, backends: [backend({ hosts: [failing.url] })] }),
    route({ path: '/msg-code', returnErrorMsg: true, backends: [backend({ hosts: [codeBackend.url], errorPolicy: { kind: 'code' } })] }),
    route({ path: '/msg-merge', returnErrorMsg: true, backends: [backend({ hosts: [failing.url] }), backend({ hosts: [codeBackend.url], errorPolicy: { kind: 'code' } })] }),
    route({ path: '/static', static: { strategy: 'errored', data: { foo: 42, bar: 'foobar' } }, backends: [backend({ hosts: [failing.url] })] }),
  ];

  before(async () => {
    ok = await startBackend(json({ ok: true }));
    failing = await startBackend(text('boom', 500));
    codeBackend = await startBackend((_q, res) => {
      res.writeHead(418, { 'content-type': 'application/problem+json' });
      res.end('{"teapot":true}');
    });
    gw = await startGateway(table(routes()));
  });
  after(async () => {
    await gw.close();
    await Promise.all([ok.close(), failing.close(), codeBackend.close()]);
  });

  it('global limit exceeded → 503, empty body, no X-Krakend headers', async () => {
    assert.equal((await send(gw.url, '/global')).status, 200);
    const res = await send(gw.url, '/global');
    assert.equal(res.status, 503);
    assert.equal(res.body, '');
    assert.equal(res.headers['x-krakend'], undefined);
    assert.equal(res.headers['x-krakend-completed'], undefined);
  });

  it('client limit per header → 429 for that client only; a missing key → 429', async () => {
    const a = { headers: { 'x-client': 'a' } };
    assert.equal((await send(gw.url, '/client', a)).status, 200);
    const limited = await send(gw.url, '/client', a);
    assert.equal(limited.status, 429);
    assert.equal(limited.body, '');
    assert.equal(limited.headers['x-krakend'], undefined);
    assert.equal((await send(gw.url, '/client', { headers: { 'x-client': 'b' } })).status, 200);
    assert.equal((await send(gw.url, '/client')).status, 429);
  });

  it('ip strategy reads the first IP of the key header (port stripped); param strategy keys by the endpoint param', async () => {
    assert.equal((await send(gw.url, '/ip', { headers: { 'x-real-client': '10.0.0.1:4431, 10.0.0.2' } })).status, 200);
    assert.equal((await send(gw.url, '/ip', { headers: { 'x-real-client': '10.0.0.1' } })).status, 429);
    assert.equal((await send(gw.url, '/ip', { headers: { 'x-real-client': '10.0.0.3' } })).status, 200);
    assert.equal((await send(gw.url, '/by/t1')).status, 200);
    assert.equal((await send(gw.url, '/by/t1')).status, 429);
    assert.equal((await send(gw.url, '/by/t2')).status, 200);
  });

  it('keeps the buckets of unchanged routes across a table swap', async () => {
    gw.gateway.load(table(routes()));
    assert.equal((await send(gw.url, '/global')).status, 503, 'the drained bucket survived the swap');
    gw.gateway.load(table(routes().map((r) => (r.path === '/global' ? { ...r, rateLimit: { global: { ratePerSecond: slow, capacity: 2 } } } : r))));
    assert.equal((await send(gw.url, '/global')).status, 200, 'a changed limit starts with a full bucket');
  });

  it('return_error_msg: a failed single backend answers 500 with the error text (CE: invalid status code), text/plain', async () => {
    const res = await send(gw.url, '/msg');
    assert.equal(res.status, 500);
    assert.equal(res.body, 'invalid status code');
    assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(res.headers['x-krakend-completed'], 'false');
    assert.equal(res.headers['x-krakend'], 'Version test');
  });

  it('return_error_msg + return_error_code: backend status, body and Content-Type pass through', async () => {
    const res = await send(gw.url, '/msg-code');
    assert.equal(res.status, 418);
    assert.equal(res.body, '{"teapot":true}');
    assert.equal(res.headers['content-type'], 'application/problem+json');
  });

  it('return_error_msg on a merge where all fail: 500 with the messages joined by \\n', async () => {
    const res = await send(gw.url, '/msg-merge');
    assert.equal(res.status, 500);
    assert.equal(res.body, 'invalid status code\n{"teapot":true}');
  });

  it('static errored: 200 with the static data, X-Krakend-Completed false (lura test "static")', async () => {
    const res = await send(gw.url, '/static');
    assert.equal(res.status, 200);
    assert.equal(res.body, '{"bar":"foobar","foo":42}');
    assert.equal(res.headers['x-krakend-completed'], 'false');
  });
});
