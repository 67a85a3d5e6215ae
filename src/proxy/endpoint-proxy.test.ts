import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { BackendStatusError, GatewayError, MergeError } from './errors.ts';
import { createEndpointProxy } from './endpoint-proxy.ts';
import { stringifyGo } from './json.ts';
import { PoolRegistry } from './pool-registry.ts';
import { type Gate, type TestBackend, backend, gate, json, route, startBackend, text } from './testing.ts';
import type { ProxyRequest } from './types.ts';

function request(overrides: Partial<ProxyRequest> = {}): ProxyRequest {
  return { params: {}, query: new Map(), headers: {}, body: null, bodyLength: null, ...overrides };
}

const never = new AbortController().signal;

describe('createEndpointProxy()', () => {
  const pools = new PoolRegistry();
  const servers: TestBackend[] = [];
  let slowGate: Gate;
  let ok: TestBackend;
  let other: TestBackend;
  let notFound: TestBackend;
  let failing: TestBackend;
  let slow: TestBackend;
  let tooMany: TestBackend;

  before(async () => {
    slowGate = gate();
    ok = await startBackend(json({ name: 'a', email: 'some@email.com', shared: 'ok' }));
    other = await startBackend(json({ random: 42, shared: 'other' }));
    notFound = await startBackend(text('404 page not found\n', 404));
    failing = await startBackend(text('boom', 500));
    tooMany = await startBackend(text('sad panda\n', 429));
    slow = await startBackend(async (_req, res) => {
      await slowGate.pass();
      json({ late: true })(_req, res, '');
    });
    servers.push(ok, other, notFound, failing, slow, tooMany);
  });

  after(async () => {
    slowGate.open();
    await pools.close();
    await Promise.all(servers.map((s) => s.close()));
  });

  describe('with a single backend', () => {
    it('returns the decoded data, complete', async () => {
      const proxy = createEndpointProxy(route({ path: '/a', backends: [backend({ hosts: [ok.url], urlPattern: '/a' })] }), { pools });
      const result = await proxy(request(), never);
      assert.deepEqual(result, { data: { name: 'a', email: 'some@email.com', shared: 'ok' }, complete: true, errors: [] });
    });

    it('rejects on a non-200/201 status under the default policy (500 for the client)', async () => {
      const proxy = createEndpointProxy(route({ path: '/a', backends: [backend({ hosts: [notFound.url], urlPattern: '/x' })] }), { pools });
      await assert.rejects(proxy(request(), never), (err: unknown) => {
        assert.ok(err instanceof GatewayError);
        assert.equal(err.code, 'KOAXY_BACKEND_STATUS');
        assert.equal(err.status, 500);
        assert.equal(err.expose, false);
        assert.match(err.message, /^invalid status code 404 \[GET \/x\]: http:\/\/127\.0\.0\.1:\d+\/x$/);
        return true;
      });
    });

    it('turns a failure into error_<name> data under the details policy, unformatted and incomplete', async () => {
      const b = backend({ hosts: [tooMany.url], urlPattern: '/x', group: 'ignored', errorPolicy: { kind: 'details', name: 'backend_a' } });
      const result = await createEndpointProxy(route({ path: '/a', backends: [b] }), { pools })(request(), never);
      assert.equal(result.complete, false);
      assert.deepEqual(result.errors, []);
      assert.deepEqual(result.data, { error_backend_a: { http_status_code: 429, http_body: 'sad panda\n', http_body_encoding: 'text/plain; charset=utf-8' } });
    });

    it('rejects with the backend status under the code policy', async () => {
      const b = backend({ hosts: [tooMany.url], errorPolicy: { kind: 'code' } });
      await assert.rejects(createEndpointProxy(route({ path: '/a', backends: [b] }), { pools })(request(), never), (err: unknown) => {
        assert.ok(err instanceof BackendStatusError);
        assert.equal(err.status, 429);
        assert.equal(err.body.toString(), 'sad panda\n');
        assert.equal(err.contentType, 'text/plain; charset=utf-8');
        return true;
      });
    });

    it('rejects with context deadline exceeded when the backend is slower than the timeout', async () => {
      const proxy = createEndpointProxy(route({ path: '/a', timeoutMs: 50, backends: [backend({ hosts: [slow.url] })] }), { pools });
      await assert.rejects(proxy(request(), never), { code: 'KOAXY_DEADLINE_EXCEEDED', message: 'context deadline exceeded' });
    });

    it('rejects when the backend body is not what the decoder expects', async () => {
      const proxy = createEndpointProxy(route({ path: '/a', backends: [backend({ hosts: [ok.url], isCollection: true })] }), { pools });
      await assert.rejects(proxy(request(), never), { code: 'KOAXY_BACKEND_DECODE' });
    });

    it('rejects when the backend cannot be reached', async () => {
      const gone = await startBackend(json({}));
      await gone.close();
      const proxy = createEndpointProxy(route({ path: '/a', backends: [backend({ hosts: [gone.url] })] }), { pools });
      await assert.rejects(proxy(request(), never), { code: 'KOAXY_BACKEND_UNREACHABLE' });
    });

    it('applies the entity formatter to successful data', async () => {
      const b = backend({ hosts: [ok.url], allow: ['name'], group: 'user' });
      const result = await createEndpointProxy(route({ path: '/a', backends: [b] }), { pools })(request(), never);
      assert.deepEqual(result.data, { user: { name: 'a' } });
    });
  });

  describe('with several backends (parallel merge)', () => {
    it('merges every answer in declared order, later backend winning collisions, complete', async () => {
      const r = route({ path: '/m', backends: [backend({ hosts: [ok.url] }), backend({ hosts: [other.url] })] });
      const result = await createEndpointProxy(r, { pools })(request(), never);
      assert.equal(result.complete, true);
      assert.deepEqual(result.data, { name: 'a', email: 'some@email.com', random: 42, shared: 'other' });
      const reversed = route({ path: '/m', backends: [backend({ hosts: [other.url] }), backend({ hosts: [ok.url] })] });
      assert.equal((await createEndpointProxy(reversed, { pools })(request(), never)).data.shared, 'ok');
    });

    it('returns the successful part, incomplete, when one backend fails', async () => {
      const r = route({ path: '/m', backends: [backend({ hosts: [ok.url] }), backend({ hosts: [failing.url] })] });
      const result = await createEndpointProxy(r, { pools })(request(), never);
      assert.equal(result.complete, false);
      assert.deepEqual(result.data, { name: 'a', email: 'some@email.com', shared: 'ok' });
      assert.equal(result.errors.length, 1);
      assert.equal(result.errors[0]!.code, 'KOAXY_BACKEND_STATUS');
    });

    it('rejects with a MergeError listing every failure when all backends fail', async () => {
      const r = route({ path: '/m', backends: [backend({ hosts: [notFound.url] }), backend({ hosts: [failing.url] })] });
      await assert.rejects(createEndpointProxy(r, { pools })(request(), never), (err: unknown) => {
        assert.ok(err instanceof MergeError);
        assert.equal(err.status, 500);
        assert.deepEqual(
          err.errors.map((e) => e.code),
          ['KOAXY_BACKEND_STATUS', 'KOAXY_BACKEND_STATUS'],
        );
        return true;
      });
    });

    it('returns the fast part, incomplete, when one backend misses the 85 % merge deadline', async () => {
      const r = route({ path: '/m', timeoutMs: 200, backends: [backend({ hosts: [ok.url] }), backend({ hosts: [slow.url] })] });
      const started = performance.now();
      const result = await createEndpointProxy(r, { pools })(request(), never);
      const elapsed = performance.now() - started;
      assert.equal(result.complete, false);
      assert.deepEqual(result.data, { name: 'a', email: 'some@email.com', shared: 'ok' });
      assert.equal(result.errors[0]!.code, 'KOAXY_DEADLINE_EXCEEDED');
      assert.ok(elapsed >= 165 && elapsed < 200, `merge gave up after ${elapsed} ms, expected 170 ms (85 % of 200)`);
    });

    it('rejects when every backend times out', async () => {
      const r = route({ path: '/m', timeoutMs: 60, backends: [backend({ hosts: [slow.url] }), backend({ hosts: [slow.url] })] });
      await assert.rejects(createEndpointProxy(r, { pools })(request(), never), MergeError);
    });

    it('merges detailed errors of two failing backends beside each other (detail_error)', async () => {
      const r = route({
        path: '/detail_error',
        backends: [backend({ hosts: [notFound.url], errorPolicy: { kind: 'details', name: 'backend_a' } }), backend({ hosts: [failing.url], errorPolicy: { kind: 'details', name: 'backend_b' } })],
      });
      const result = await createEndpointProxy(r, { pools })(request(), never);
      assert.equal(result.complete, false);
      assert.equal(
        stringifyGo(result.data),
        '{"error_backend_a":{"http_status_code":404,"http_body":"404 page not found\\n","http_body_encoding":"text/plain; charset=utf-8"},' +
          '"error_backend_b":{"http_status_code":500,"http_body":"boom","http_body_encoding":"text/plain; charset=utf-8"}}',
      );
    });

    it('loses the backend status of the code policy in a merge (partial 200 / MergeError 500)', async () => {
      const r = route({ path: '/m', backends: [backend({ hosts: [tooMany.url], errorPolicy: { kind: 'code' } }), backend({ hosts: [ok.url] })] });
      const result = await createEndpointProxy(r, { pools })(request(), never);
      assert.equal(result.complete, false);
      assert.equal(result.data.name, 'a');
    });
  });

  describe('with a sequential strategy', () => {
    it('feeds resp0 values into the next backend url and stops at the first failure', async () => {
      const echo = await startBackend(json({ ok: true }));
      servers.push(echo);
      const r = route({
        path: '/s',
        strategy: 'sequential',
        backends: [backend({ hosts: [other.url] }), backend({ hosts: [echo.url], urlPattern: '/r/{resp0_random}' }), backend({ hosts: [failing.url] }), backend({ hosts: [ok.url] })],
      });
      const okCalls = ok.received.length;
      const result = await createEndpointProxy(r, { pools })(request(), never);
      assert.equal(echo.received.at(-1)!.url, '/r/42');
      assert.equal(result.complete, false);
      assert.deepEqual(result.data, { random: 42, shared: 'other', ok: true });
      assert.equal(ok.received.length, okCalls, 'the chain stops at the failing backend');
    });
  });
});

describe('backend responses', () => {
  const pools = new PoolRegistry();
  let zipped: TestBackend;

  before(async () => {
    zipped = await startBackend((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
      res.end(gzipSync(JSON.stringify({ gz: req.headers['accept-encoding'] })));
    });
  });

  after(async () => {
    await pools.close();
    await zipped.close();
  });

  it('asks for gzip like Go and decodes a gzipped body', async () => {
    const proxy = createEndpointProxy(route({ path: '/z', backends: [backend({ hosts: [zipped.url] })] }), { pools });
    assert.deepEqual((await proxy(request(), never)).data, { gz: 'gzip' });
  });
});

describe('backend redirects (spec §1.1 item 3, ce backend_30x)', () => {
  const pools = new PoolRegistry();
  let target: TestBackend;
  let redirector: TestBackend;

  before(async () => {
    target = await startBackend((req, res, body) => json({ method: req.method, url: req.url, body })(req, res, body));
    redirector = await startBackend((req, res) => {
      if (req.url === '/final') return json({ method: req.method, url: req.url })(req, res, '');
      const [, code, where] = /^\/(\d+)(?:\/(.*))?$/.exec(req.url ?? '') ?? [];
      res.writeHead(Number(code), { Location: where === 'away' ? `${target.url}/landed` : '/final' });
      res.end();
    });
  });

  after(async () => {
    await pools.close();
    await Promise.all([target.close(), redirector.close()]);
  });

  const call = (urlPattern: string, method: 'GET' | 'POST' = 'GET', body: Buffer | null = null) =>
    createEndpointProxy(route({ path: '/r', method, backends: [backend({ hosts: [redirector.url], urlPattern, method })] }), { pools })(request({ body, bodyLength: body?.length ?? null }), never);

  it('follows 301, 302, 303, 307 and 308 to a 200', async () => {
    for (const code of [301, 302, 303, 307, 308]) assert.deepEqual((await call(`/${code}`)).data, { method: 'GET', url: '/final' }, String(code));
  });

  it('follows a redirect to another origin', async () => {
    assert.deepEqual((await call('/302/away')).data, { method: 'GET', url: '/landed', body: '' });
  });

  it('re-sends a redirected POST as GET without body on 301/302/303', async () => {
    assert.deepEqual((await call('/303/away', 'POST', Buffer.from('x'))).data, { method: 'GET', url: '/landed', body: '' });
  });

  it('does not follow 307/308 for a request with a body: the redirect status is a failure', async () => {
    await assert.rejects(call('/307/away', 'POST', Buffer.from('x')), { code: 'KOAXY_BACKEND_STATUS' });
  });
});

describe('concurrent calls (spec §3.4, lura concurrent_test)', () => {
  const pools = new PoolRegistry();
  let flaky: TestBackend;
  let calls = 0;

  before(async () => {
    flaky = await startBackend((req, res) => {
      calls++;
      if (calls % 3 !== 0) text('nope', 500)(req, res, '');
      else json({ ok: calls })(req, res, '');
    });
  });

  after(async () => {
    await pools.close();
    await flaky.close();
  });

  it('sends N identical requests and returns the first complete answer (okAfterKo)', async () => {
    calls = 0;
    const r = route({ path: '/c', concurrentCalls: 3, backends: [backend({ hosts: [flaky.url] })] });
    const result = await createEndpointProxy(r, { pools })(request(), never);
    assert.equal(result.complete, true);
    assert.equal(result.data.ok, 3);
    assert.equal(calls, 3);
  });

  it('fails when none of the N requests succeeds', async () => {
    calls = 3;
    const r = route({ path: '/c', concurrentCalls: 2, backends: [backend({ hosts: [flaky.url] })] });
    await assert.rejects(createEndpointProxy(r, { pools })(request(), never), { code: 'KOAXY_BACKEND_STATUS' });
  });
});
