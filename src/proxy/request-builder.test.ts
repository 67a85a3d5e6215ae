import assert from 'node:assert/strict';
import { createHeaderBuilder, createQueryFilter, createRoundRobin, createUrlBuilder } from './request-builder.ts';
import { backend, parsePattern } from './testing.ts';

describe('createUrlBuilder() (lura request_test GeneratePath, balancing_test)', () => {
  const none = new Map<string, string[]>();

  it('fills path params escaped and query params as inserted', () => {
    const build = createUrlBuilder(parsePattern('/users/{id}/x?channel={channel}&v=1'));
    assert.equal(build({ id: 'a b', channel: 'i OS&x' }, none), '/users/a%20b/x?channel=i%20OS&x&v=1');
  });

  it('appends the forwarded query with & after a pattern query, with ? otherwise', () => {
    const q = new Map([['limit', ['10']]]);
    assert.equal(createUrlBuilder(parsePattern('/foo?channel=iOS'))({}, q), '/foo?channel=iOS&limit=10');
    assert.equal(createUrlBuilder(parsePattern('/foo'))({}, q), '/foo?limit=10');
    assert.equal(createUrlBuilder(parsePattern('/foo?'))({}, q), '/foo?limit=10');
  });

  it('sends / for an empty pattern', () => {
    assert.equal(createUrlBuilder(parsePattern(''))({}, none), '/');
  });
});

describe('createQueryFilter() (lura query_strings_filter_test)', () => {
  const query = new Map([
    ['a', ['1']],
    ['b', ['2', '3']],
    ['*', ['4']],
  ]);

  it('keeps only the listed keys; * is not special at backend level', () => {
    assert.deepEqual([...createQueryFilter(['b', 'z'])(query)], [['b', ['2', '3']]]);
    assert.deepEqual([...createQueryFilter(['*'])(query)], [['*', ['4']]]);
    assert.deepEqual([...createQueryFilter([])(query)], []);
  });

  it('passes everything through without a list', () => {
    assert.equal(createQueryFilter(null)(query), query);
  });
});

describe('createHeaderBuilder() (lura headers_filter_test)', () => {
  const headers = { 'x-a': '1', 'x-b': ['2', '3'], 'user-agent': 'KrakenD Version test', connection: 'close', host: 'h' };

  it('keeps listed names only, and blocks everything with [""] (BlockAll)', () => {
    const build = createHeaderBuilder(backend({ hosts: ['http://h'], inputHeaders: ['x-b'] }));
    assert.deepEqual(build(headers, null), { 'x-b': ['2', '3'], 'accept-encoding': 'gzip', 'user-agent': 'Go-http-client/1.1' });
    const none = createHeaderBuilder(backend({ hosts: ['http://h'], inputHeaders: [''] }));
    assert.deepEqual(Object.keys(none(headers, null)).sort(), ['accept-encoding', 'user-agent']);
  });

  it('passes everything but hop-by-hop and Host without a list (AllowAll), and sets Content-Length', () => {
    const build = createHeaderBuilder(backend({ hosts: ['http://h'] }));
    assert.deepEqual(build(headers, 7), { 'x-a': '1', 'x-b': ['2', '3'], 'user-agent': 'KrakenD Version test', 'accept-encoding': 'gzip', 'content-length': '7' });
  });

  it('does not ask for gzip on a no-op backend (the stream passes through untouched)', () => {
    assert.equal(createHeaderBuilder(backend({ hosts: ['http://h'], encoding: 'no-op' }))({}, null)['accept-encoding'], undefined);
  });
});

describe('createRoundRobin() (sd loadbalancing_test)', () => {
  it('cycles through the hosts in declared order', () => {
    const next = createRoundRobin(3);
    assert.deepEqual([next(), next(), next(), next(), next()], [0, 1, 2, 0, 1]);
    const single = createRoundRobin(1);
    assert.deepEqual([single(), single()], [0, 0]);
  });
});
