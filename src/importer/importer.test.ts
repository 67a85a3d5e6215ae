import assert from 'node:assert/strict';
import { baseName, importKrakend, uniqueNames } from './index.ts';

const backend = { host: ['api.local:8080/'], url_pattern: 'users/{id}' };

describe('importKrakend', () => {
  it('refuses anything but a KrakenD v3 configuration, naming $.version', () => {
    const result = importKrakend({ version: 2, endpoints: [] });
    assert.equal(result.errors[0]?.path, '$.version');
    assert.match(result.errors[0]!.message, /^must be 3/);
    assert.deepEqual(result.resources, []);
  });

  it('folds service defaults and sanitises hosts like KrakenD', () => {
    const result = importKrakend(
      { version: 3, timeout: '5s', cache_ttl: '60s', output_encoding: 'negotiate', host: ['svc:9000'], extra_config: { router: { return_error_msg: true } },
        endpoints: [{ endpoint: '/users/{id}', backend: [backend, { url_pattern: '/x' }] }] },
      { namespace: 'shop' },
    );
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.resources[0], {
      apiVersion: 'gateway.koaxy.dev/v1alpha1',
      kind: 'GatewayEndpoint',
      metadata: { name: 'get-users-id', namespace: 'shop' },
      spec: {
        endpoint: '/users/{id}', method: 'GET', outputEncoding: 'negotiate', timeout: '5s', cacheTTL: '60s',
        extraConfig: { router: { return_error_msg: true } },
        backends: [{ hosts: ['http://api.local:8080'], urlPattern: '/users/{id}' }, { hosts: ['http://svc:9000'], urlPattern: '/x' }],
      },
    });
  });

  it('lists what it cannot carry over by JSON path and skips endpoints koaxy cannot serve', () => {
    const result = importKrakend({ version: 3, endpoints: [
      { endpoint: '/a', method: 'HEAD', backend: [backend] },
      { endpoint: '/b', backend: [{ ...backend, sd: 'dns', timeout: '1s' }] },
      { endpoint: '/c', headers_to_pass: ['X'], backend: [backend] },
    ] });
    assert.deepEqual(result.resources.map((r) => r.spec.endpoint), ['/c']);
    const paths = result.unsupported.map((p) => p.path);
    for (const path of ['$.endpoints[0].method', '$.endpoints[1].backend[0].sd', '$.endpoints[1].backend[0].timeout', '$.endpoints[2].headers_to_pass']) assert.ok(paths.includes(path), path);
  });

  it('reports wrong types as errors naming the field', () => {
    const result = importKrakend({ version: 3, endpoints: [{ endpoint: '/a', timeout: 3, backend: [] }] });
    assert.deepEqual(result.errors.map((e) => e.path), ['$.endpoints[0].backend', '$.endpoints[0].timeout']);
  });
});

describe('resource names', () => {
  it('derives DNS-1123 names from method and path', () => {
    assert.equal(baseName('GET', '/users/{id}'), 'get-users-id');
    assert.equal(baseName('POST', '/'), 'post-root');
    assert.equal(baseName('GET', `/${'x'.repeat(100)}`).length, 63);
  });

  it('deduplicates deterministically without taking a name another endpoint holds', () => {
    assert.deepEqual(uniqueNames(['get-a', 'get-a', 'get-a-2', 'get-a']), ['get-a', 'get-a-3', 'get-a-2', 'get-a-4']);
  });
});
