import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request } from 'node:http';
import { type Gate, type TestBackend, backend, gate, route, startBackend, table } from '../proxy/testing.ts';
import { type TestGateway, VERSION_HEADER, send, startGateway } from './testing.ts';

describe('createGateway() with a no-op endpoint (spec §2.3)', () => {
  let upstream: TestBackend;
  let streaming: TestBackend;
  let release: Gate;
  let gw: TestGateway;

  before(async () => {
    release = gate();
    upstream = await startBackend((req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('Set-Cookie', ['test1=test1', 'test2=test2']);
      res.setHeader('X-Custom', 'kept');
      res.setHeader('Cache-Control', 'no-store');
      res.statusCode = req.url === '/missing' ? 404 : 200;
      res.end(req.url === '/missing' ? '404 page not found\n' : '{"foo": 42}\n');
    });
    streaming = await startBackend(async (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.write('first;');
      await release.pass();
      res.end('second');
    });
    gw = await startGateway(
      table([
        route({ path: '/noop/{what}', outputEncoding: 'no-op', cacheTtlMs: 3_600_000, inputQueryStrings: ['q'], backends: [backend({ hosts: [upstream.url], encoding: 'no-op', urlPattern: '/{what}' })] }),
        route({ path: '/stream', outputEncoding: 'no-op', backends: [backend({ hosts: [streaming.url], encoding: 'no-op' })] }),
      ]),
    );
  });

  after(async () => {
    release.open();
    await gw.close();
    await Promise.all([upstream.close(), streaming.close()]);
  });

  it('passes status, headers (repeated ones kept) and body through, never completed, no gateway Cache-Control (no-op_1)', async () => {
    const res = await send(gw.url, '/noop/ok?q=1&r=2');
    assert.equal(res.status, 200);
    assert.equal(res.body, '{"foo": 42}\n');
    assert.equal(res.headers['content-type'], 'application/json');
    assert.deepEqual(res.headers['set-cookie'], ['test1=test1', 'test2=test2']);
    assert.equal(res.headers['x-custom'], 'kept');
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.headers['x-krakend'], VERSION_HEADER);
    assert.equal(res.headers['x-krakend-completed'], 'false');
    assert.equal(res.headers['keep-alive'], undefined, "the backend's hop-by-hop Keep-Alive is dropped");
    assert.equal(upstream.received.at(-1)!.url, '/ok?q=1', 'request filters still apply');
    assert.equal(upstream.received.at(-1)!.headers['accept-encoding'], undefined, 'no compression is asked for a stream');
  });

  it('passes a backend 404 through (no-op_2)', async () => {
    const res = await send(gw.url, '/noop/missing');
    assert.equal(res.status, 404);
    assert.equal(res.body, '404 page not found\n');
  });

  it('streams the body without buffering it', async () => {
    const url = new URL(gw.url);
    const req = request({ host: url.hostname, port: url.port, path: '/stream', agent: false });
    req.end();
    const [res] = (await once(req, 'response')) as [import('node:http').IncomingMessage];
    const [first] = (await once(res, 'data')) as [Buffer];
    assert.equal(first.toString(), 'first;', 'the first chunk arrives while the backend still holds the rest');
    release.open();
    let rest = '';
    for await (const chunk of res) rest += String(chunk);
    assert.equal(rest, 'second');
  });
});
