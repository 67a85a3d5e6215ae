import assert from 'node:assert/strict';
import { request } from 'node:http';
import { type Gate, type TestBackend, backend, gate, json, route, startBackend, table, text } from '../proxy/testing.ts';
import { type TestGateway, VERSION_HEADER, send, startGateway } from './testing.ts';

describe('createGateway() serving a table (spec §1.2 and §3.3)', () => {
  const servers: TestBackend[] = [];
  let gw: TestGateway;
  let slowGate: Gate;
  let a: TestBackend;
  let b: TestBackend;
  let empty: TestBackend;
  let notFound: TestBackend;
  let failing: TestBackend;
  let slow: TestBackend;
  let tooMany: TestBackend;

  before(async () => {
    slowGate = gate();
    a = await startBackend(json({ name: 'a', email: 'some@email.com' }));
    b = await startBackend(json({ random: 42 }));
    empty = await startBackend(json({}));
    notFound = await startBackend(text('404 page not found\n', 404));
    failing = await startBackend(text('boom', 500));
    tooMany = await startBackend(text('sad panda\n', 429));
    slow = await startBackend(async (req, res) => {
      await slowGate.pass();
      json({ late: true })(req, res, '');
    });
    servers.push(a, b, empty, notFound, failing, slow, tooMany);
    const details = (host: string, name: string) => backend({ hosts: [host], errorPolicy: { kind: 'details', name } });
    gw = await startGateway(
      table([
        route({ path: '/single', backends: [backend({ hosts: [a.url] })] }),
        route({ path: '/cached', cacheTtlMs: 3_600_000, backends: [backend({ hosts: [a.url] })] }),
        route({ path: '/subsecond', cacheTtlMs: 500, backends: [backend({ hosts: [a.url] })] }),
        route({ path: '/empty', cacheTtlMs: 3_600_000, backends: [backend({ hosts: [empty.url] })] }),
        route({ path: '/single-fail', backends: [backend({ hosts: [failing.url] })] }),
        route({ path: '/all-ok', cacheTtlMs: 60_000, backends: [backend({ hosts: [a.url] }), backend({ hosts: [b.url] })] }),
        route({ path: '/partial', cacheTtlMs: 60_000, backends: [backend({ hosts: [a.url] }), backend({ hosts: [failing.url] })] }),
        route({ path: '/all-fail', backends: [backend({ hosts: [notFound.url] }), backend({ hosts: [failing.url] })] }),
        route({ path: '/timeout', timeoutMs: 100, backends: [backend({ hosts: [a.url] }), backend({ hosts: [slow.url] })] }),
        route({ path: '/all-timeout', timeoutMs: 60, backends: [backend({ hosts: [slow.url] }), backend({ hosts: [slow.url] })] }),
        route({ path: '/single-timeout', timeoutMs: 60, backends: [backend({ hosts: [slow.url] })] }),
        route({ path: '/detail_error', backends: [details(notFound.url, 'backend_a'), details(failing.url, 'backend_b')] }),
        route({ path: '/detail_partial', backends: [backend({ hosts: [a.url] }), details(tooMany.url, 'backend_a')] }),
        route({ path: '/detail_single', cacheTtlMs: 60_000, backends: [details(tooMany.url, 'backend_a')] }),
        route({ path: '/code', backends: [backend({ hosts: [tooMany.url], errorPolicy: { kind: 'code' } })] }),
        route({ path: '/code-ok', backends: [backend({ hosts: [a.url], errorPolicy: { kind: 'code' } })] }),
        route({ path: '/code-multi', backends: [backend({ hosts: [tooMany.url], errorPolicy: { kind: 'code' } }), backend({ hosts: [b.url] })] }),
        route({ path: '/code-multi-fail', backends: [backend({ hosts: [tooMany.url], errorPolicy: { kind: 'code' } }), backend({ hosts: [failing.url] })] }),
      ]),
    );
  });

  after(async () => {
    slowGate.open();
    await gw.close();
    await Promise.all(servers.map((s) => s.close()));
  });

  it('answers a single successful backend with 200, its data, X-Krakend and X-Krakend-Completed: true', async () => {
    const res = await send(gw.url, '/single');
    assert.equal(res.status, 200);
    assert.equal(res.body, '{"email":"some@email.com","name":"a"}');
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(res.headers['x-krakend'], VERSION_HEADER);
    assert.equal(res.headers['x-krakend-completed'], 'true');
    assert.equal(res.headers['cache-control'], undefined);
  });

  it('sets Cache-Control: public, max-age=N on a complete response when cacheTtl is set (endpoint_test ok)', async () => {
    assert.equal((await send(gw.url, '/cached')).headers['cache-control'], 'public, max-age=3600');
    assert.equal((await send(gw.url, '/subsecond')).headers['cache-control'], 'public, max-age=0');
  });

  it('marks a complete but empty answer as not completed and sends no Cache-Control', async () => {
    const res = await send(gw.url, '/empty');
    assert.equal(res.status, 200);
    assert.equal(res.body, '{}');
    assert.equal(res.headers['x-krakend-completed'], 'false');
    assert.equal(res.headers['cache-control'], undefined);
  });

  it('answers a single failing backend with 500, an empty body and no Content-Type (endpoint_test errored)', async () => {
    const res = await send(gw.url, '/single-fail');
    assert.equal(res.status, 500);
    assert.equal(res.body, '');
    assert.equal(res.headers['content-type'], undefined);
    assert.equal(res.headers['x-krakend'], VERSION_HEADER);
    assert.equal(res.headers['x-krakend-completed'], 'false');
  });

  it('merges N successful backends, completed, with Cache-Control', async () => {
    const res = await send(gw.url, '/all-ok');
    assert.equal(res.status, 200);
    assert.equal(res.body, '{"email":"some@email.com","name":"a","random":42}');
    assert.equal(res.headers['x-krakend-completed'], 'true');
    assert.equal(res.headers['cache-control'], 'public, max-age=60');
  });

  it('answers 200 with the successful part, not completed, no Cache-Control, when one of N fails', async () => {
    const res = await send(gw.url, '/partial');
    assert.equal(res.status, 200);
    assert.equal(res.body, '{"email":"some@email.com","name":"a"}');
    assert.equal(res.headers['x-krakend-completed'], 'false');
    assert.equal(res.headers['cache-control'], undefined);
  });

  it('answers 500 with an empty body when all N backends fail', async () => {
    const res = await send(gw.url, '/all-fail');
    assert.equal(res.status, 500);
    assert.equal(res.body, '');
    assert.equal(res.headers['x-krakend-completed'], 'false');
  });

  it('answers a partial 200 when one of N times out (lura timeout case)', async () => {
    const res = await send(gw.url, '/timeout');
    assert.equal(res.status, 200);
    assert.equal(res.body, '{"email":"some@email.com","name":"a"}');
    assert.equal(res.headers['x-krakend-completed'], 'false');
  });

  it('answers 500 when every backend times out, and when a single backend times out', async () => {
    assert.equal((await send(gw.url, '/all-timeout')).status, 500);
    const single = await send(gw.url, '/single-timeout');
    assert.equal(single.status, 500);
    assert.equal(single.body, '');
  });

  it('answers /detail_error (404 + 500 with details) with 200 and both error objects (acceptance)', async () => {
    const res = await send(gw.url, '/detail_error');
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-krakend-completed'], 'false');
    assert.equal(res.headers['cache-control'], undefined);
    assert.equal(
      res.body,
      '{"error_backend_a":{"http_status_code":404,"http_body":"404 page not found\\n","http_body_encoding":"text/plain; charset=utf-8"},' +
        '"error_backend_b":{"http_status_code":500,"http_body":"boom","http_body_encoding":"text/plain; charset=utf-8"}}',
    );
  });

  it('merges a successful backend beside the error object of a detailed failure (lura detail_error)', async () => {
    const res = await send(gw.url, '/detail_partial');
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-krakend-completed'], 'false');
    assert.equal(
      res.body,
      '{"email":"some@email.com","error_backend_a":{"http_status_code":429,"http_body":"sad panda\\n","http_body_encoding":"text/plain; charset=utf-8"},"name":"a"}',
    );
  });

  it('answers a single detailed failure with 200, not completed, without Cache-Control', async () => {
    const res = await send(gw.url, '/detail_single');
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-krakend-completed'], 'false');
    assert.equal(res.headers['cache-control'], undefined);
    assert.match(res.body, /^\{"error_backend_a":\{/);
  });

  it('passes a single backend status through under return_error_code, empty body (error-status-code-1/2)', async () => {
    const res = await send(gw.url, '/code');
    assert.equal(res.status, 429);
    assert.equal(res.body, '');
    assert.equal(res.headers['content-type'], undefined);
    assert.equal(res.headers['x-krakend-completed'], 'false');
    assert.equal((await send(gw.url, '/code-ok')).status, 200);
  });

  it('loses the backend status of return_error_code when merged (error-status-code-3)', async () => {
    const partial = await send(gw.url, '/code-multi');
    assert.equal(partial.status, 200);
    assert.equal(partial.body, '{"random":42}');
    assert.equal(partial.headers['x-krakend-completed'], 'false');
    assert.equal((await send(gw.url, '/code-multi-fail')).status, 500);
  });

  it('answers 404 page not found with X-Krakend and X-Krakend-Completed: false (router_404)', async () => {
    const res = await send(gw.url, '/nowhere');
    assert.equal(res.status, 404);
    assert.equal(res.body, '404 page not found');
    assert.equal(res.headers['content-type'], 'text/plain');
    assert.equal(res.headers['x-krakend'], VERSION_HEADER);
    assert.equal(res.headers['x-krakend-completed'], 'false');
  });

  it('answers 405 method not allowed for a path served with another method, HEAD included (router_405)', async () => {
    for (const method of ['POST', 'HEAD']) {
      const res = await send(gw.url, '/single', { method });
      assert.equal(res.status, 405, method);
      assert.equal(res.headers['x-krakend-completed'], 'false');
      if (method === 'POST') assert.equal(res.body, '405 method not allowed');
    }
  });

  it('counts requests in the registry it was given', async () => {
    const metrics = await gw.registry.metrics();
    assert.match(metrics, /koaxy_http_requests_total\{route="GET \/single",method="GET",code="200"\} \d+/);
    assert.match(metrics, /koaxy_backend_requests_total\{route="GET \/partial",backend="1",outcome="error"\} \d+/);
    assert.match(metrics, /koaxy_route_table_loads_total\{result="ok"\} 1/);
  });
});

describe('createGateway() before a table is loaded', () => {
  it('is not ready and answers 503 with an empty body', async () => {
    const gw = await startGateway();
    try {
      assert.equal(gw.gateway.ready, false);
      assert.equal(gw.gateway.table, null);
      const res = await send(gw.url, '/anything');
      assert.equal(res.status, 503);
      assert.equal(res.body, '');
    } finally {
      await gw.close();
    }
  });
});

describe('createGateway() when the client goes away', () => {
  it('cancels the backend request and counts the request as finished', async () => {
    const held = gate();
    let backendSawClose: () => void = () => {};
    const closed = new Promise<void>((resolve) => (backendSawClose = resolve));
    const slow = await startBackend(async (req, res) => {
      res.once('close', () => backendSawClose());
      await held.pass();
      if (!res.destroyed) json({ late: true })(req, res, '');
    });
    const gw = await startGateway(table([route({ path: '/slow', backends: [backend({ hosts: [slow.url] })] })]));
    try {
      const url = new URL(gw.url);
      const req = request({ host: url.hostname, port: url.port, path: '/slow', agent: false });
      req.on('error', () => {});
      req.end();
      await held.waiting(1);
      req.destroy();
      await closed;
      const inFlight = () => gw.registry.getSingleMetricAsString('koaxy_http_requests_in_flight');
      for (let spins = 0; (await inFlight()).endsWith(' 1') && spins < 1000; spins++) await new Promise((r) => setImmediate(r));
      assert.match(await gw.registry.getSingleMetricAsString('koaxy_http_requests_in_flight'), / 0$/);
    } finally {
      held.open();
      await gw.close();
      await slow.close();
    }
  });
});
