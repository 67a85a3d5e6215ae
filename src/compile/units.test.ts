import assert from 'node:assert/strict';
import { compile, createOriginMatcher, parseDurationMs, parseUrlPattern, sanitiseHost, standalonePolicy, tableVersion, type ResourceInput } from './index.ts';
import { MAX_MESSAGE } from './messages.ts';

describe('parseDurationMs()', () => {
  it('reads Go durations into whole milliseconds', () => {
    assert.equal(parseDurationMs('2s'), 2000);
    assert.equal(parseDurationMs('500ms'), 500);
    assert.equal(parseDurationMs('1m30s'), 90_000);
    assert.equal(parseDurationMs('1h2m3.5s'), 3_723_500);
    assert.equal(parseDurationMs('1.5h'), 5_400_000);
    assert.equal(parseDurationMs('1500us'), 1);
    assert.equal(parseDurationMs('1500µs'), 1);
    assert.equal(parseDurationMs('999999ns'), 0);
    assert.equal(parseDurationMs('0'), 0);
    assert.equal(parseDurationMs('0s'), 0);
  });

  it('rejects what the CRD rule rejects', () => {
    for (const text of ['', '2', '300', '-1s', '+1s', '.5s', '1.s', '2 s', '2sec', '1d', 's', '1m 30s']) {
      assert.equal(parseDurationMs(text), null, text);
    }
  });
});

describe('sanitiseHost()', () => {
  it('adds http:// and drops a trailing slash like KrakenD', () => {
    assert.deepEqual(sanitiseHost('supu'), { ok: true, origin: 'http://supu' });
    assert.deepEqual(sanitiseHost('https://supu.local/'), { ok: true, origin: 'https://supu.local' });
    assert.deepEqual(sanitiseHost('supu_42.local:8080/'), { ok: true, origin: 'http://supu_42.local:8080' });
    assert.deepEqual(sanitiseHost('http://127.0.0.1:8081'), { ok: true, origin: 'http://127.0.0.1:8081' });
  });

  it('rejects paths, other schemes, odd ports and junk', () => {
    for (const host of ['http://h/base', 'ftp://h', 'HTTP://h', 'http://h:8', 'http://h:99999', 'http://h%', 'http://user@h', 'http://[::1]:80', '']) {
      assert.equal(sanitiseHost(host).ok, false, host);
    }
  });
});

describe('createOriginMatcher()', () => {
  it('matches * within a host label or port, never across / or :', () => {
    const matches = createOriginMatcher(['http://127.0.0.1:*', 'http://*.shop.svc.cluster.local:*']);
    assert.equal(matches('http://127.0.0.1:8080'), true);
    assert.equal(matches('http://127.0.0.1'), true, 'no port is tried as :80');
    assert.equal(matches('http://api.shop.svc.cluster.local:80'), true);
    assert.equal(matches('http://169.254.169.254'), false);
    assert.equal(matches('https://127.0.0.1:443'), false);
    assert.equal(matches('http://127.0.0.1.evil.com:80'), false);
  });

  it('allows everything with a lone * and nothing with no globs', () => {
    assert.equal(createOriginMatcher(['*'])('http://anything:1'), true);
    assert.equal(createOriginMatcher([])('http://127.0.0.1:80'), false);
  });
});

describe('parseUrlPattern()', () => {
  it('splits text and params and marks params after ? as inQuery', () => {
    assert.deepEqual(parseUrlPattern('/users/{id}/x?expand={id}&v=1'), [
      { kind: 'text', text: '/users/' },
      { kind: 'param', name: 'id', inQuery: false },
      { kind: 'text', text: '/x?expand=' },
      { kind: 'param', name: 'id', inQuery: true },
      { kind: 'text', text: '&v=1' },
    ]);
  });

  it('adds the leading / like CleanPath and keeps sequential and JWT placeholders', () => {
    assert.deepEqual(parseUrlPattern('a/{resp0_user.id}{JWT.sub}'), [
      { kind: 'text', text: '/a/' },
      { kind: 'param', name: 'resp0_user.id', inQuery: false },
      { kind: 'param', name: 'JWT.sub', inQuery: false },
    ]);
  });

  it('leaves braces that are not placeholders as text', () => {
    assert.deepEqual(parseUrlPattern('/a/{}/{b c}'), [{ kind: 'text', text: '/a/{}/{b c}' }]);
  });
});

function resource(name: string, endpoint: string, hosts: string[]): ResourceInput {
  return {
    metadata: { name, namespace: 'ns', generation: 1, creationTimestamp: '2024-01-01T00:00:00Z' },
    spec: { endpoint, backends: [{ hosts, urlPattern: '/x' }] },
  };
}

describe('compile() versions and bounds', () => {
  it('gives equal tables equal versions whatever the key order, and different tables different ones', () => {
    const { table } = compile([resource('a', '/a', ['http://127.0.0.1:8001']), resource('b', '/b', ['http://127.0.0.1:8002'])], standalonePolicy());
    const reordered = JSON.parse(JSON.stringify(table.routes), (_key, value: unknown) =>
      value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).reverse()) : value,
    );
    assert.equal(tableVersion(reordered), table.version);
    assert.match(table.version, /^[0-9a-f]{64}$/);
    assert.equal(table.routes.length, 2);
    const other = compile([resource('a', '/a', ['http://127.0.0.1:8001'])], standalonePolicy()).table;
    assert.notEqual(other.version, table.version);
    assert.equal(compile([], standalonePolicy()).table.version, tableVersion([]));
  });

  it('keeps messages and problem lists bounded', () => {
    const hosts = Array.from({ length: 200 }, (_, i) => `ftp://${'h'.repeat(300)}${i}`);
    const [outcome] = compile([resource('big', '/big', hosts)], standalonePolicy()).outcomes;
    assert.ok(outcome !== undefined && outcome.message.length <= MAX_MESSAGE);
    assert.ok(outcome.problems.length <= 32);
    assert.ok(outcome.problems.every((p) => p.message.length <= 512));
  });

  it('does not mutate its input', () => {
    const input = resource('a', '/a', ['http://127.0.0.1:8001']);
    const before = JSON.stringify(input);
    compile([input], standalonePolicy());
    assert.equal(JSON.stringify(input), before);
  });
});
