import assert from 'node:assert/strict';
import { CircuitBreaker } from './circuit-breaker.ts';
import { createEndpointProxy } from './endpoint-proxy.ts';
import { GatewayError } from './errors.ts';
import { HttpCache } from './http-cache.ts';
import { PoolRegistry } from './pool-registry.ts';
import { QosState } from './qos-state.ts';
import { type TestBackend, backend, json, route, startBackend, text } from './testing.ts';
import { TokenBucket } from './token-bucket.ts';
import type { ProxyRequest } from './types.ts';

const req: ProxyRequest = { params: {}, query: new Map(), headers: {}, body: null, bodyLength: null };
const never = new AbortController().signal;

function fakeClock(start = 1_000_000): { now: () => number; advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

async function failure(p: Promise<unknown>): Promise<GatewayError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof GatewayError);
    return err;
  }
  assert.fail('expected a rejection');
}

describe('TokenBucket (krakend-ratelimit, spec §7.1)', () => {
  it('starts full, refills only when empty by whole intervals, and lets one through on overflow without consuming', () => {
    const clock = fakeClock();
    const b = new TokenBucket({ ratePerSecond: 2, capacity: 2 }, clock.now);
    assert.deepEqual([b.allow(), b.allow(), b.allow()], [true, true, false]);
    clock.advance(499);
    assert.equal(b.allow(), false);
    clock.advance(1); // one interval (500 ms): one token, consumed
    assert.deepEqual([b.allow(), b.allow()], [true, false]);
    clock.advance(10_000); // 20 tokens > capacity: bucket set to 2, request allowed without consuming
    assert.deepEqual([b.allow(), b.allow(), b.allow(), b.allow()], [true, true, true, false]);
  });
});

describe('CircuitBreaker (gobreaker, spec §7.3)', () => {
  it('opens when consecutive failures exceed max_errors, half-opens after timeout with one call, closes on success', () => {
    const clock = fakeClock();
    const cb = new CircuitBreaker({ intervalMs: 0, timeoutMs: 1000, maxErrors: 1 }, clock.now);
    cb.after(cb.before(), false);
    assert.equal(cb.state, 'closed');
    cb.after(cb.before(), false);
    assert.equal(cb.state, 'open');
    assert.equal((() => { try { cb.before(); } catch (e) { return (e as GatewayError).message; } return ''; })(), 'circuit breaker is open');
    clock.advance(1000);
    assert.equal(cb.state, 'half-open');
    const g = cb.before();
    assert.throws(() => cb.before(), /too many requests/);
    cb.after(g, true);
    assert.equal(cb.state, 'closed');
  });

  it('a failure in half-open opens again; a success in closed resets the count', () => {
    const clock = fakeClock();
    const cb = new CircuitBreaker({ intervalMs: 0, timeoutMs: 0, maxErrors: 1 }, clock.now);
    cb.after(cb.before(), false);
    cb.after(cb.before(), true);
    cb.after(cb.before(), false);
    assert.equal(cb.state, 'closed');
    cb.after(cb.before(), false);
    assert.equal(cb.state, 'open');
    clock.advance(59_999);
    assert.equal(cb.state, 'open', 'timeout 0 means gobreaker default 60s');
    clock.advance(1);
    cb.after(cb.before(), false);
    assert.equal(cb.state, 'open');
  });
});

describe('HttpCache (spec §7.4)', () => {
  it('serves fresh answers by max-age minus Age, honours no-store/no-cache, Vary, and stays bounded (LRU)', () => {
    const clock = fakeClock();
    const cache = new HttpCache({ maxItems: 2, maxSizeBytes: 10_000 }, clock.now);
    const answer = (cc: string, extra: Record<string, string> = {}) => ({ statusCode: 200, headers: { 'cache-control': cc, ...extra }, body: Buffer.from('{}') });
    cache.store('a', {}, answer('max-age=10', { age: '4' }));
    cache.store('nostore', {}, answer('no-store, max-age=10'));
    assert.equal(cache.lookup('nostore', {}), null);
    clock.advance(5_999);
    assert.notEqual(cache.lookup('a', {}), null);
    clock.advance(1);
    assert.equal(cache.lookup('a', {}), null, 'stale after max-age − Age');
    cache.store('v', { 'accept-language': 'en' }, answer('max-age=60', { vary: 'Accept-Language' }));
    assert.notEqual(cache.lookup('v', { 'accept-language': 'en' }), null);
    assert.equal(cache.lookup('v', { 'accept-language': 'fr' }), null);
    cache.store('b', {}, answer('max-age=60'));
    cache.store('c', {}, answer('max-age=60'));
    cache.store('d', {}, answer('max-age=60'));
    assert.equal(cache.stats.items, 2);
    assert.equal(cache.lookup('b', {}), null, 'least recently used evicted');
    const small = new HttpCache({ maxItems: 100, maxSizeBytes: 200 }, clock.now);
    small.store('big', {}, { statusCode: 200, headers: { 'cache-control': 'max-age=60' }, body: Buffer.alloc(500) });
    assert.equal(small.stats.items, 0, 'an answer larger than max_size is not stored');
  });
});

describe('QoS layers in the backend stack (data plane)', () => {
  const pools = new PoolRegistry();
  let ok: TestBackend;
  let failing: TestBackend;
  let cached: TestBackend;
  before(async () => {
    ok = await startBackend(json({ a: 1 }));
    failing = await startBackend(text('boom', 500));
    cached = await startBackend(json({ n: 1 }, 200, { 'cache-control': 'max-age=60' }));
  });
  after(async () => {
    await Promise.all([ok.close(), failing.close(), cached.close()]);
    await pools.close();
  });

  it('qos/ratelimit/proxy: a limited call is a backend failure (rate limit exceded) and never reaches the backend', async () => {
    const clock = fakeClock();
    const state = new QosState(clock.now);
    const proxy = createEndpointProxy(route({ path: '/rl', backends: [backend({ hosts: [ok.url], rateLimit: { ratePerSecond: 1, capacity: 1 } })] }), { pools, state });
    const before = ok.received.length;
    assert.deepEqual((await proxy(req, never)).data, { a: 1 });
    const err = await failure(proxy(req, never));
    assert.equal(err.message, 'rate limit exceded');
    assert.equal(err.status, 500);
    assert.equal(ok.received.length, before + 1);
    clock.advance(1000);
    assert.deepEqual((await proxy(req, never)).data, { a: 1 });
  });

  it('qos/circuit-breaker: trips after max_errors+1 failures; open fails without calling; half-open lets one through', async () => {
    const clock = fakeClock();
    const state = new QosState(clock.now);
    const r = route({ path: '/cb', backends: [backend({ hosts: [failing.url], circuitBreaker: { intervalMs: 0, timeoutMs: 5000, maxErrors: 1 } })] });
    const proxy = createEndpointProxy(r, { pools, state });
    const start = failing.received.length;
    assert.equal((await failure(proxy(req, never))).code, 'KOAXY_BACKEND_STATUS');
    assert.equal((await failure(proxy(req, never))).code, 'KOAXY_BACKEND_STATUS');
    const open = await failure(proxy(req, never));
    assert.equal(open.message, 'circuit breaker is open');
    assert.equal(failing.received.length, start + 2);
    clock.advance(5000);
    await failure(proxy(req, never));
    assert.equal(failing.received.length, start + 3, 'half-open: one call reached the backend');
    assert.equal((await failure(proxy(req, never))).message, 'circuit breaker is open');
  });

  it('qos/http-cache: a fresh GET answer is served from memory; the data still goes through the formatter', async () => {
    const state = new QosState();
    const r = route({ path: '/hc', backends: [backend({ hosts: [cached.url], urlPattern: '/x', group: 'g', httpCache: { shared: false, maxItems: 10, maxSizeBytes: 1 << 20 } })] });
    const proxy = createEndpointProxy(r, { pools, state });
    const start = cached.received.length;
    assert.deepEqual((await proxy(req, never)).data, { g: { n: 1 } });
    assert.deepEqual((await proxy(req, never)).data, { g: { n: 1 } });
    assert.equal(cached.received.length, start + 1);
  });

  it('keeps limiter state for an unchanged backend across a rebuild with the same QosState; a changed config starts fresh', async () => {
    const clock = fakeClock();
    const state = new QosState(clock.now);
    const limited = backend({ hosts: [ok.url], rateLimit: { ratePerSecond: 1, capacity: 1 } });
    await createEndpointProxy(route({ path: '/keep', backends: [limited] }), { pools, state })(req, never);
    state.commit();
    const rebuilt = createEndpointProxy(route({ path: '/keep', backends: [limited] }), { pools, state });
    state.commit();
    assert.equal((await failure(rebuilt(req, never))).message, 'rate limit exceded');
    const changed = createEndpointProxy(route({ path: '/keep', backends: [{ ...limited, rateLimit: { ratePerSecond: 1, capacity: 2 } }] }), { pools, state });
    state.commit();
    assert.deepEqual((await changed(req, never)).data, { a: 1 });
    assert.equal(state.size, 1, 'the old bucket was dropped at commit');
  });
});
