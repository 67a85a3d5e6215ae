import assert from 'node:assert/strict';
import { type Received, type TestBackend, backend, json, route, startBackend, table } from '../proxy/testing.ts';
import { type TestGateway, VERSION_HEADER, send, startGateway } from './testing.ts';

const AGENT = `KrakenD ${VERSION_HEADER}`;

describe('createGateway() building backend requests (spec §5)', () => {
  let echo: TestBackend;
  let echo2: TestBackend;
  let gw: TestGateway;
  const last = (server: TestBackend = echo): Received => server.received.at(-1)!;

  before(async () => {
    echo = await startBackend(json({ ok: true }));
    echo2 = await startBackend(json({ two: true }));
    gw = await startGateway(
      table([
        route({ path: '/plain', backends: [backend({ hosts: [echo.url], urlPattern: '/p' })] }),
        route({ path: '/listed', inputHeaders: ['x-custom', 'user-agent'], backends: [backend({ hosts: [echo.url] })] }),
        route({ path: '/all', inputHeaders: '*', inputQueryStrings: '*', backends: [backend({ hosts: [echo.url], urlPattern: '/all' })] }),
        route({ path: '/bfilter', inputHeaders: '*', inputQueryStrings: '*', backends: [backend({ hosts: [echo.url], inputHeaders: ['x-keep'], inputQueryStrings: ['keep'] })] }),
        route({ path: '/query', inputQueryStrings: ['a', 'b'], backends: [backend({ hosts: [echo.url], urlPattern: '/q' })] }),
        route({ path: '/mandatory/{channel}', inputQueryStrings: ['limit'], backends: [backend({ hosts: [echo.url], urlPattern: '/foo?channel={channel}' })] }),
        route({ path: '/users/{id}/files/{name}', backends: [backend({ hosts: [echo.url], urlPattern: '/u/{id}/{name}/{missing}' })] }),
        route({ path: '/param_forwarding/{first}/constant/{second}', method: 'POST', inputHeaders: ['content-type', 'x-header-a'], backends: [backend({ hosts: [echo.url], method: 'POST', urlPattern: '/{first}/{second}' })] }),
        route({ path: '/multipost', method: 'POST', backends: [backend({ hosts: [echo.url], method: 'POST' }), backend({ hosts: [echo2.url], method: 'POST' })] }),
        route({ path: '/balanced', backends: [backend({ hosts: [echo.url, echo2.url] })] }),
      ]),
      { maxBodyBytes: 64 },
    );
  });

  after(async () => {
    await gw.close();
    await Promise.all([echo.close(), echo2.close()]);
  });

  it('forwards only Content-Type by default, plus the gateway headers (header-params-none)', async () => {
    await send(gw.url, '/plain', { headers: { 'content-type': 'application/json', 'x-custom': 'no', 'user-agent': 'curl', cookie: 'a=b' } });
    const h = last().headers;
    assert.equal(h['content-type'], 'application/json');
    assert.equal(h['x-custom'], undefined);
    assert.equal(h.cookie, undefined);
    assert.equal(h['user-agent'], AGENT);
    assert.equal(h['x-forwarded-via'], undefined);
    assert.equal(h['x-forwarded-for'], '127.0.0.1');
    assert.equal(h['x-forwarded-host'], `127.0.0.1:${gw.port}`);
    assert.equal(h['accept-encoding'], 'gzip');
    assert.equal(last().url, '/p');
  });

  it('forwards listed headers case-insensitively, keeps the client UA and adds X-Forwarded-Via (header-params-filter)', async () => {
    await send(gw.url, '/listed', { headers: { 'X-CUSTOM': 'yes', 'content-type': 'text/plain', 'user-agent': 'curl/8' } });
    const h = last().headers;
    assert.equal(h['x-custom'], 'yes');
    assert.equal(h['content-type'], undefined, 'a list replaces the Content-Type default');
    assert.equal(h['user-agent'], 'curl/8');
    assert.equal(h['x-forwarded-via'], AGENT);
  });

  it('forwards every header with *, never the hop-by-hop ones, and one X-Forwarded-For IP (header-params-all)', async () => {
    await send(gw.url, '/all', {
      headers: { 'x-a': '1', cookie: 'c=d', 'keep-alive': 'timeout=5', te: 'trailers', 'proxy-authorization': 'secret', 'x-forwarded-for': '10.0.0.1, 10.0.0.2', connection: 'close, x-private', 'x-private': 'p', expect: '100-continue' },
    });
    const h = last().headers;
    assert.equal(h['x-private'], undefined, 'a header named in Connection is hop-by-hop');
    assert.equal(h.expect, undefined);
    assert.equal(h['x-a'], '1');
    assert.equal(h.cookie, 'c=d');
    for (const name of ['keep-alive', 'te', 'proxy-authorization', 'upgrade']) assert.equal(h[name], undefined, name);
    assert.equal(h['x-forwarded-for'], '10.0.0.1');
  });

  it('falls back to the socket IP when the client X-Forwarded-For holds an invalid entry (x-forwarded-for)', async () => {
    await send(gw.url, '/all', { headers: { 'x-forwarded-for': 'garbage, 10.0.0.2' } });
    assert.equal(last().headers['x-forwarded-for'], '127.0.0.1');
  });

  it('applies backend-level filters after the endpoint ones; they also drop the gateway headers', async () => {
    await send(gw.url, '/bfilter?keep=1&drop=2', { headers: { 'x-keep': 'k', 'x-drop': 'd' } });
    const { headers, url } = last();
    assert.equal(headers['x-keep'], 'k');
    assert.equal(headers['x-drop'], undefined);
    assert.equal(headers['x-forwarded-for'], undefined);
    assert.equal(headers['user-agent'], 'Go-http-client/1.1');
    assert.equal(url, '/?keep=1');
  });

  it('forwards no query string by default (querystring-params-no-params)', async () => {
    await send(gw.url, '/plain?a=1');
    assert.equal(last().url, '/p');
  });

  it('forwards listed keys with all their values, sorted and form-encoded (query_forwarding_2)', async () => {
    await send(gw.url, '/query?b=3&c=no&a=x%20y&b=2&A=no&a');
    assert.equal(last().url, '/q?a=x+y&a=&b=3&b=2');
  });

  it('forwards every key with * (querystring-params-all)', async () => {
    await send(gw.url, '/all?z=1&y=%2F&x=a+b');
    assert.equal(last().url, '/all?x=a+b&y=%2F&z=1');
  });

  it('keeps the url_pattern query and appends the forwarded keys with & (querystring-params-mandatory)', async () => {
    await send(gw.url, '/mandatory/iOS?limit=10&other=1');
    assert.equal(last().url, '/foo?channel=iOS&limit=10');
    await send(gw.url, '/mandatory/iOS');
    assert.equal(last().url, '/foo?channel=iOS');
  });

  it('escapes path params like Go URL.EscapedPath and leaves unknown placeholders as {{.X}}', async () => {
    await send(gw.url, '/users/a%20b/files/x(1)');
    // The placeholder's braces make the whole path invalid as written, so Go re-escapes all of it.
    assert.equal(last().url, '/u/a%20b/x%281%29/%7B%7B.Missing%7D%7D');
  });

  it('forwards params and the POST body (param_forwarding)', async () => {
    const res = await send(gw.url, '/param_forwarding/foo/constant/bar', { method: 'POST', headers: { 'content-type': 'application/json', 'x-header-a': 'a' }, body: '{"x":1}' });
    assert.equal(res.status, 200);
    const got = last();
    assert.equal(got.method, 'POST');
    assert.equal(got.url, '/foo/bar');
    assert.equal(got.body, '{"x":1}');
    assert.equal(got.headers['x-header-a'], 'a');
    assert.equal(got.headers['content-length'], '7');
  });

  it('streams a chunked client body to a single backend', async () => {
    await send(gw.url, '/param_forwarding/a/constant/b', { method: 'POST', body: 'chunked body', chunked: true });
    assert.equal(last().body, 'chunked body');
  });

  it('gives every POST backend its own copy of the body (multipost_parallel)', async () => {
    const res = await send(gw.url, '/multipost', { method: 'POST', body: 'payload' });
    assert.equal(res.status, 200);
    assert.equal(res.body, '{"ok":true,"two":true}');
    assert.equal(last(echo).body, 'payload');
    assert.equal(last(echo2).body, 'payload');
  });

  it('answers 413 to a body over maxBodyBytes, declared or chunked, before or while sending', async () => {
    const big = 'x'.repeat(100);
    const declared = await send(gw.url, '/param_forwarding/a/constant/b', { method: 'POST', body: big });
    assert.equal(declared.status, 413);
    assert.equal(declared.body, 'request body too large');
    const chunked = await send(gw.url, '/param_forwarding/a/constant/b', { method: 'POST', body: big, chunked: true });
    assert.equal(chunked.status, 413);
    const copies = await send(gw.url, '/multipost', { method: 'POST', body: big, chunked: true });
    assert.equal(copies.status, 413);
  });

  it('balances over the hosts of a backend in round robin (balancing_test)', async () => {
    const before = [echo.received.length, echo2.received.length];
    for (let i = 0; i < 4; i++) await send(gw.url, '/balanced');
    assert.deepEqual([echo.received.length - before[0]!, echo2.received.length - before[1]!], [2, 2]);
  });
});

describe('createGateway() checking path params (spec §1.8, DESIGN §7)', () => {
  let echo: TestBackend;
  let gw: TestGateway;

  before(async () => {
    echo = await startBackend(json({ ok: true }));
    gw = await startGateway(table([route({ path: '/files/{name}', backends: [backend({ hosts: [echo.url], urlPattern: '/static/{name}' })] })]));
  });

  after(async () => {
    await gw.close();
    await echo.close();
  });

  it('answers 400 "error: encoded url params" for a param holding an escape, ? or # (TestNewEngine_paramsAreChecked)', async () => {
    for (const path of ['/files/..%252F..%252Fetc', '/files/a%3Fb', '/files/a%23b']) {
      const res = await send(gw.url, path);
      assert.equal(res.status, 400, path);
      assert.equal(res.body, 'error: encoded url params', path);
      assert.equal(res.headers['x-krakend'], undefined, 'the param checker runs before the handler');
    }
  });

  it('answers 400 "error: invalid URL escape" for a param with a bare %', async () => {
    const res = await send(gw.url, '/files/100%25');
    assert.equal(res.status, 400);
    assert.equal(res.body, 'error: invalid URL escape "%"');
  });

  it('decodes %2F before routing so ..%2F cannot walk the backend path', async () => {
    const calls = echo.received.length;
    const res = await send(gw.url, '/files/..%2F..%2Fsecret');
    assert.equal(res.status, 404);
    assert.equal(echo.received.length, calls);
  });

  it('answers 400 Bad Request to a malformed escape in the request path', async () => {
    assert.equal((await send(gw.url, '/files/%zz')).status, 400);
  });

  it('passes decoded params through, re-escaped for the backend', async () => {
    await send(gw.url, '/files/caf%C3%A9%20menu');
    assert.equal(echo.received.at(-1)!.url, '/static/caf%C3%A9%20menu');
  });
});
