import assert from 'node:assert/strict';
import { decodeBody } from './decode.ts';
import { DecodeError } from './decode-error.ts';
import { createEndpointProxy } from './endpoint-proxy.ts';
import { createFlatmap } from './flatmap.ts';
import { PoolRegistry } from './pool-registry.ts';
import { type TestBackend, backend, json, route, startBackend, text } from './testing.ts';
import type { ProxyRequest } from './types.ts';

const req: ProxyRequest = { params: {}, query: new Map(), headers: {}, body: null, bodyLength: null };
const never = new AbortController().signal;
const split = (...paths: string[]) => paths.map((p) => p.split('.'));

describe('flatmap_filter (spec §4.6, krakend/flatmap tree)', () => {
  const data = () => ({ collection: [{ id: 1, date: 'd1', secret: 's' }, { id: 2, date: 'd2', secret: 's' }], a: { b: 1 }, list: [1], other: [2, 3] });

  it('move relabels with * over list items, del removes by index and wildcard, append concatenates lists', () => {
    const out = createFlatmap([
      { type: 'move', args: split('collection.*.date', 'collection.*.created_at') },
      { type: 'del', args: split('collection.*.secret', 'collection.0') },
      { type: 'append', args: split('other', 'list') },
    ])(data());
    assert.deepEqual(out, { collection: [{ id: 2, created_at: 'd2' }], a: { b: 1 }, list: [1, 2, 3] });
  });

  it('move to a shorter path promotes, to a longer one embeds', () => {
    assert.deepEqual(createFlatmap([{ type: 'move', args: split('a.b', 'b') }])({ a: { b: 1, c: 2 } }), { a: { c: 2 }, b: 1 });
    assert.deepEqual(createFlatmap([{ type: 'move', args: split('x', 'y.z') }])({ x: 5 }), { y: { z: 5 } });
  });
});

describe('the xml decoder (spec §2.1, mxj rules)', () => {
  it('keeps the root element as key, attributes as -attr, every value a string, repeated elements as lists', () => {
    const body = Buffer.from('<?xml version="1.0"?><user type="admin"><name>Elliot</name><age>30</age><tag>a</tag><tag>b</tag></user>');
    assert.deepEqual(decodeBody('xml', false, body), { user: { '-type': 'admin', name: 'Elliot', age: '30', tag: ['a', 'b'] } });
    assert.deepEqual(decodeBody('xml', true, Buffer.from('<a>1</a>')), { collection: { a: '1' } });
  });

  it('fails on an empty or malformed body', () => {
    assert.throws(() => decodeBody('xml', false, Buffer.alloc(0)), DecodeError);
    assert.throws(() => decodeBody('xml', false, Buffer.from('<a><b></a>')), DecodeError);
  });
});

describe('static proxy and endpoint flatmap (data plane, spec §3.6, §3.7)', () => {
  const pools = new PoolRegistry();
  let ok: TestBackend;
  let other: TestBackend;
  let failing: TestBackend;
  let xml: TestBackend;
  before(async () => {
    ok = await startBackend(json({ name: 'a', email: 'some@email.com' }));
    other = await startBackend(json({ items: [{ id: 1, x: 'drop' }] }));
    failing = await startBackend(text('sad panda\n', 429));
    xml = await startBackend((_q, res) => {
      res.setHeader('content-type', 'application/xml');
      res.end('<user id="7"><name>Elliot</name></user>');
    });
  });
  after(async () => {
    await Promise.all([ok.close(), other.close(), failing.close(), xml.close()]);
    await pools.close();
  });

  it('errored: a failing single backend becomes an incomplete answer with the static data (lura test "static")', async () => {
    const r = route({ path: '/s', static: { strategy: 'errored', data: { foo: 42, bar: 'foobar' } }, backends: [backend({ hosts: [failing.url] })] });
    const result = await createEndpointProxy(r, { pools })(req, never);
    assert.deepEqual(result.data, { foo: 42, bar: 'foobar' });
    assert.equal(result.complete, false);
  });

  it('incomplete: merged into a partial answer; success/complete do not fire then', async () => {
    const backends = [backend({ hosts: [ok.url] }), backend({ hosts: [failing.url] })];
    const partial = await createEndpointProxy(route({ path: '/p', static: { strategy: 'incomplete', data: { s: true } }, backends }), { pools })(req, never);
    assert.deepEqual(partial.data, { name: 'a', email: 'some@email.com', s: true });
    const success = await createEndpointProxy(route({ path: '/q', static: { strategy: 'success', data: { s: true } }, backends }), { pools })(req, never);
    assert.equal(success.data['s'], undefined);
    const whole = await createEndpointProxy(route({ path: '/w', static: { strategy: 'complete', data: { s: true } }, backends: [backend({ hosts: [ok.url] })] }), { pools })(req, never);
    assert.equal(whole.data['s'], true);
  });

  it('endpoint flatmap runs on the merged answer of ≥2 backends, and is skipped when a backend failed', async () => {
    const ops = [{ type: 'del' as const, args: split('items.*.x', 'email') }];
    const merged = await createEndpointProxy(route({ path: '/f', flatmap: ops, backends: [backend({ hosts: [ok.url] }), backend({ hosts: [other.url] })] }), { pools })(req, never);
    assert.deepEqual(merged.data, { name: 'a', items: [{ id: 1 }] });
    const partial = await createEndpointProxy(route({ path: '/g', flatmap: ops, backends: [backend({ hosts: [ok.url] }), backend({ hosts: [failing.url] })] }), { pools })(req, never);
    assert.deepEqual(partial.data, { name: 'a', email: 'some@email.com' });
  });

  it('backend flatmap replaces allow/deny/mapping: target → ops → group', async () => {
    const b = backend({ hosts: [ok.url], allow: ['nothing'], mapping: [['name', 'n']], group: 'g', flatmap: [{ type: 'move', args: split('name', 'who') }] });
    const result = await createEndpointProxy(route({ path: '/b', backends: [b] }), { pools })(req, never);
    assert.deepEqual(result.data, { g: { who: 'a', email: 'some@email.com' } });
  });

  it('decodes an xml backend through the pipe', async () => {
    const result = await createEndpointProxy(route({ path: '/x', backends: [backend({ hosts: [xml.url], encoding: 'xml' })] }), { pools })(req, never);
    assert.deepEqual(result.data, { user: { '-id': '7', name: 'Elliot' } });
  });
});
