import assert from 'node:assert/strict';
import type { Backend } from '../ir/index.ts';
import { type TestBackend, backend, json, route, startBackend, table } from '../proxy/testing.ts';
import { MAX_PROPAGATED_BODY } from '../proxy/merge-proxy.ts';
import { type TestGateway, send, startGateway } from './testing.ts';

describe('sequential_propagated_params through the gateway (spec §3.5, ce sequential_3/4)', () => {
  let first: TestBackend;
  let raw: TestBackend;
  let huge: TestBackend;
  let echo: TestBackend;
  let gw: TestGateway;

  before(async () => {
    first = await startBackend(json({ foo: 42, bar: 'x' }));
    raw = await startBackend((_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end('{"message":"pong"}'));
    huge = await startBackend((_req, res) => void res.writeHead(200).end('x'.repeat(MAX_PROPAGATED_BODY + 1)));
    echo = await startBackend((req, res) => json({ path: req.url })(req, res, ''));
    const at = (host: string, urlPattern: string, extra: Partial<Backend> = {}) => backend({ hosts: [host], urlPattern, ...extra });
    gw = await startGateway(
      table([
        route({
          path: '/propagate',
          strategy: 'sequential',
          propagatedParams: ['resp0_first.foo'],
          backends: [at(first.url, '/first', { group: 'first', allow: ['foo'] }), at(echo.url, '/second/{resp0_first.foo}', { group: 'second' })],
        }),
        route({
          path: '/propagate-full',
          strategy: 'sequential',
          propagatedParams: ['resp0'],
          backends: [at(raw.url, '/__debug/', { encoding: 'no-op' }), at(echo.url, '/param_forwarding/{resp0}'), at(echo.url, '/third/{resp0}', { group: 'third' })],
        }),
        route({
          path: '/unpropagated',
          strategy: 'sequential',
          backends: [at(raw.url, '/raw', { encoding: 'no-op' }), at(echo.url, '/x/{resp0}')],
        }),
        route({
          path: '/too-big',
          strategy: 'sequential',
          propagatedParams: ['resp1'],
          backends: [at(first.url, '/first'), at(huge.url, '/huge', { encoding: 'no-op' }), at(echo.url, '/y/{resp1}', { group: 'y' })],
        }),
      ]),
    );
  });

  after(async () => {
    await gw.close();
    await Promise.all([first, raw, huge, echo].map((s) => s.close()));
  });

  it('gives a field of an earlier (grouped, filtered) answer to the next backend (sequential_3)', async () => {
    const res = await send(gw.url, '/propagate');
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), { first: { foo: 42 }, second: { path: '/second/42' } });
    assert.equal(res.headers['x-krakend-completed'], 'true');
  });

  it('gives the raw body of a no-op backend to every later backend, read once, and merges nothing of it (sequential_4)', async () => {
    const res = await send(gw.url, '/propagate-full');
    assert.equal(res.status, 200);
    const expected = '/param_forwarding/%7B%22message%22:%22pong%22%7D';
    assert.deepEqual(JSON.parse(res.body), { path: expected, third: { path: '/third/%7B%22message%22:%22pong%22%7D' } });
    assert.equal(res.headers['x-krakend-completed'], 'true');
    assert.equal(raw.received.filter((r) => r.url === '/__debug/').length, 1);
  });

  it('leaves {resp<N>} unfilled (Go’s template text) when it is not propagated, and drains the no-op body', async () => {
    const res = await send(gw.url, '/unpropagated');
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), { path: '/x/%7B%7B.Resp0%7D%7D' });
  });

  it('bounds a propagated body: a larger one fails that backend and the answer is partial', async () => {
    const res = await send(gw.url, '/too-big');
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), { foo: 42, bar: 'x' });
    assert.equal(res.headers['x-krakend-completed'], 'false');
  });
});
