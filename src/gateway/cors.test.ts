import assert from 'node:assert/strict';
import type { CorsConfig } from '../ir/index.ts';
import { type TestBackend, backend, json, route, startBackend, table } from '../proxy/testing.ts';
import { type TestGateway, VERSION_HEADER, send, startGateway } from './testing.ts';

const DEFAULTS: CorsConfig = {
  allowOrigins: ['*'],
  allowMethods: ['GET', 'POST', 'HEAD'],
  allowHeaders: ['*'],
  exposeHeaders: [],
  allowCredentials: false,
  allowPrivateNetwork: false,
  optionsPassthrough: false,
  optionsSuccessStatus: 204,
  maxAgeSeconds: 0,
};
const PREFLIGHT_VARY = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';

function preflight(origin: string, method: string, headers?: string): Record<string, string> {
  return { origin, 'access-control-request-method': method, ...(headers !== undefined ? { 'access-control-request-headers': headers } : {}) };
}

describe('security/cors (spec §7.5, rs/cors semantics)', () => {
  let upstream: TestBackend;
  let gw: TestGateway;

  before(async () => {
    upstream = await startBackend(json({ ok: true }));
    const b = () => [backend({ hosts: [upstream.url] })];
    gw = await startGateway(
      table([
        route({ path: '/open', cors: { ...DEFAULTS, exposeHeaders: ['X-Total', 'X-Page'] }, backends: b() }),
        route({ path: '/open', method: 'POST', backends: b() }),
        route({
          path: '/strict/{id}',
          cors: { ...DEFAULTS, allowOrigins: ['https://app.example.com', 'https://*.shop.test'], allowHeaders: ['x-token', 'origin'], allowCredentials: true, maxAgeSeconds: 600 },
          backends: b(),
        }),
        route({ path: '/status', cors: { ...DEFAULTS, optionsSuccessStatus: 200 }, backends: b() }),
        route({ path: '/plain', backends: b() }),
      ]),
    );
  });

  after(async () => {
    await gw.close();
    await upstream.close();
  });

  it('answers an allowed preflight with 204 before routing: requested method and headers echoed, no X-Krakend, no backend call', async () => {
    const before = upstream.received.length;
    const res = await send(gw.url, '/open', { method: 'OPTIONS', headers: preflight('https://x.test', 'post', 'X-Foo, Content-Type') });
    assert.equal(res.status, 204);
    assert.equal(res.body, '');
    assert.equal(res.headers['access-control-allow-origin'], '*');
    assert.equal(res.headers['access-control-allow-methods'], 'POST');
    assert.equal(res.headers['access-control-allow-headers'], 'X-Foo, Content-Type');
    assert.equal(res.headers['vary'], PREFLIGHT_VARY);
    assert.equal(res.headers['x-krakend'], undefined);
    assert.equal(res.headers['x-krakend-completed'], undefined);
    assert.equal(res.headers['access-control-max-age'], undefined);
    assert.equal(upstream.received.length, before);
  });

  it('answers a refused preflight with 204 and no Access-Control-* headers (origin, method or header not allowed)', async () => {
    for (const headers of [
      preflight('https://evil.test', 'GET'),
      preflight('https://app.example.com', 'PUT'),
      preflight('https://app.example.com', 'GET', 'X-Other'),
    ]) {
      const res = await send(gw.url, '/strict/1', { method: 'OPTIONS', headers });
      assert.equal(res.status, 204, JSON.stringify(headers));
      assert.equal(res.body, '');
      assert.deepEqual(Object.keys(res.headers).filter((h) => h.startsWith('access-control-')), [], JSON.stringify(headers));
      assert.equal(res.headers['vary'], PREFLIGHT_VARY);
      assert.equal(res.headers['x-krakend'], undefined);
    }
  });

  it('echoes an allowed origin (exact or wildcard, case-insensitive) with credentials and max age on a param path', async () => {
    for (const origin of ['https://App.Example.com', 'https://eu.shop.test']) {
      const res = await send(gw.url, '/strict/42', { method: 'OPTIONS', headers: preflight(origin, 'GET', 'x-token') });
      assert.equal(res.status, 204);
      assert.equal(res.headers['access-control-allow-origin'], origin);
      assert.equal(res.headers['access-control-allow-methods'], 'GET');
      assert.equal(res.headers['access-control-allow-headers'], 'x-token');
      assert.equal(res.headers['access-control-allow-credentials'], 'true');
      assert.equal(res.headers['access-control-max-age'], '600');
    }
  });

  it('uses options_success_status for answered preflights', async () => {
    const res = await send(gw.url, '/status', { method: 'OPTIONS', headers: preflight('https://x.test', 'GET') });
    assert.equal(res.status, 200);
    assert.equal(res.headers['access-control-allow-origin'], '*');
  });

  it('leaves OPTIONS at a path without CORS, and plain OPTIONS, to the router (405 with X-Krakend)', async () => {
    const noCors = await send(gw.url, '/plain', { method: 'OPTIONS', headers: preflight('https://x.test', 'GET') });
    assert.equal(noCors.status, 405);
    assert.equal(noCors.headers['x-krakend'], VERSION_HEADER);
    assert.equal(noCors.headers['access-control-allow-origin'], undefined);
    const notPreflight = await send(gw.url, '/open', { method: 'OPTIONS', headers: { origin: 'https://x.test' } });
    assert.equal(notPreflight.status, 405);
  });

  it('adds Vary: Origin, Access-Control-Allow-Origin and Access-Control-Expose-Headers to actual requests', async () => {
    const res = await send(gw.url, '/open', { headers: { origin: 'https://x.test' } });
    assert.equal(res.status, 200);
    assert.equal(res.body, '{"ok":true}');
    assert.equal(res.headers['vary'], 'Origin');
    assert.equal(res.headers['access-control-allow-origin'], '*');
    assert.equal(res.headers['access-control-expose-headers'], 'X-Total, X-Page');
    assert.equal(res.headers['x-krakend'], VERSION_HEADER);
    assert.equal(res.headers['x-krakend-completed'], 'true');
  });

  it('adds only Vary: Origin without an Origin or for a refused origin, and nothing on routes without CORS', async () => {
    const noOrigin = await send(gw.url, '/open');
    assert.equal(noOrigin.headers['vary'], 'Origin');
    assert.equal(noOrigin.headers['access-control-allow-origin'], undefined);
    const refused = await send(gw.url, '/strict/1', { headers: { origin: 'https://evil.test' } });
    assert.equal(refused.status, 200);
    assert.equal(refused.headers['vary'], 'Origin');
    assert.equal(refused.headers['access-control-allow-origin'], undefined);
    const other = await send(gw.url, '/open', { method: 'POST', headers: { origin: 'https://x.test' } });
    assert.equal(other.status, 200);
    assert.equal(other.headers['vary'], undefined);
    assert.equal(other.headers['access-control-allow-origin'], undefined);
  });
});
