import assert from 'node:assert/strict';
import { type TestBackend, backend, json, route, startBackend, table } from '../proxy/testing.ts';
import { cleanPath, escapePath } from './redirect.ts';
import { goTimeString } from './health.ts';
import { type TestGateway, send, startGateway } from './testing.ts';

describe("gin's router redirects (RedirectTrailingSlash, RedirectFixedPath; spec §1.8, §6.2)", () => {
  let upstream: TestBackend;
  let gw: TestGateway;

  before(async () => {
    upstream = await startBackend(json({ ok: true }));
    const b = () => backend({ hosts: [upstream.url] });
    gw = await startGateway(
      table([
        route({ path: '/static', backends: [b()] }),
        route({ path: '/slash/', backends: [b()] }),
        route({ path: '/users/{id}/Profile', backends: [b()] }),
        route({ path: '/users/{id}/Profile', method: 'POST', backends: [b()] }),
        route({ path: '/only-post', method: 'POST', backends: [b()] }),
        route({ path: '/a/b', backends: [b()] }),
      ]),
    );
  });

  after(async () => {
    await gw.close();
    await upstream.close();
  });

  it('redirects GET /static/ to /static with 301, the query kept, and Go’s HTML body', async () => {
    const res = await send(gw.url, '/static/?a=1&b=%20');
    assert.equal(res.status, 301);
    assert.equal(res.headers.location, '/static?a=1&b=%20');
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(res.body, '<a href="/static?a=1&amp;b=%20">Moved Permanently</a>.\n\n');
    assert.equal(res.headers['x-krakend'], undefined, 'the router answers before any handler');
    assert.equal(upstream.received.length, 0);
  });

  it('adds a missing trailing slash: GET /slash → 301 /slash/', async () => {
    const res = await send(gw.url, '/slash');
    assert.equal(res.status, 301);
    assert.equal(res.headers.location, '/slash/');
  });

  it('redirects a case-insensitive match to the route’s spelling, keeping the param as sent (router_redirect: /StAtic)', async () => {
    assert.equal((await send(gw.url, '/StAtic')).headers.location, '/static');
    const res = await send(gw.url, '/USERS/AbC/profile?x=1');
    assert.equal(res.status, 301);
    assert.equal(res.headers.location, '/users/AbC/Profile?x=1');
  });

  it('redirects a cleaned path (//, /./, /../) and fixes its case and trailing slash at once', async () => {
    assert.equal((await send(gw.url, '//static')).headers.location, '/static');
    assert.equal((await send(gw.url, '/x/../a/./b')).headers.location, '/a/b');
    assert.equal((await send(gw.url, '/A//B/')).headers.location, '/a/b');
  });

  it('answers other methods with 307 and no body', async () => {
    const res = await send(gw.url, '/users/7/PROFILE', { method: 'POST', body: '{}' });
    assert.equal(res.status, 307);
    assert.equal(res.headers.location, '/users/7/Profile');
    assert.equal(res.body, '');
    assert.equal(res.headers['content-type'], undefined);
  });

  it('only redirects within the request’s method: another method’s route still gives 405, none 404', async () => {
    assert.equal((await send(gw.url, '/Only-Post')).status, 404, 'GET has no /only-post route, whatever the case');
    assert.equal((await send(gw.url, '/only-post')).status, 405);
    assert.equal((await send(gw.url, '/StAtic', { method: 'PUT', body: '' })).status, 404, 'no PUT route at all: no redirect');
    assert.equal((await send(gw.url, '/static', { method: 'PUT', body: '' })).status, 405);
  });

  it('does not redirect when the path matches a route, and escapes the Location like Go', async () => {
    const hit = await send(gw.url, '/static');
    assert.equal(hit.status, 200);
    assert.equal(hit.body, '{"ok":true}');
    const res = await send(gw.url, '/Users/caf%C3%A9%20x/profile');
    assert.equal(res.headers.location, '/users/caf%C3%A9%20x/Profile');
  });

  it('never produces a Location that leaves the origin', async () => {
    const res = await send(gw.url, '//evil.example/');
    assert.equal(res.status, 404);
  });
});

describe('GET /__health on the data port (spec §6.2)', () => {
  let gw: TestGateway;

  before(async () => {
    gw = await startGateway(table([]));
  });

  after(() => gw.close());

  it('answers 200 {"agents":{},"now":…,"status":"ok"} as JSON', async () => {
    const res = await send(gw.url, '/__health');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    const body = JSON.parse(res.body) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), ['agents', 'now', 'status']);
    assert.deepEqual(body['agents'], {});
    assert.equal(body['status'], 'ok');
    assert.match(String(body['now']), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC$/);
  });

  it('answers other methods with 405 and redirects /__health/ like any GET route', async () => {
    assert.equal((await send(gw.url, '/__health', { method: 'POST', body: '' })).status, 405);
    const res = await send(gw.url, '/__health/');
    assert.equal(res.status, 301);
    assert.equal(res.headers.location, '/__health');
  });
});

describe('redirect helpers', () => {
  it('cleanPath is gin’s: Go path.Clean keeping a trailing slash', () => {
    assert.equal(cleanPath(''), '/');
    assert.equal(cleanPath('//a//b/'), '/a/b/');
    assert.equal(cleanPath('/a/./b/../c'), '/a/c');
    assert.equal(cleanPath('/../../a'), '/a');
    assert.equal(cleanPath('/a/..'), '/');
  });

  it('escapePath is Go’s EscapedPath (encodePath mode)', () => {
    assert.equal(escapePath("/a b/é/$&+,:;=@/!*'()?#%"), '/a%20b/%C3%A9/$&+,:;=@/%21%2A%27%28%29%3F%23%25');
  });

  it('goTimeString is Go’s time.Time.String() in UTC', () => {
    assert.equal(goTimeString(new Date('2025-03-04T05:06:07.120Z')), '2025-03-04 05:06:07.12 +0000 UTC');
    assert.equal(goTimeString(new Date('2025-03-04T05:06:07.000Z')), '2025-03-04 05:06:07 +0000 UTC');
  });
});
