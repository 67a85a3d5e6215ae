import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Standalone } from '../../src/cli/standalone.ts';
import { type Upstream, startGateway, startUpstream, waitFor } from './helpers.ts';

/** The endpoint, with the error-details namespace spelled `namespace`. */
function detailError(name: string, endpoint: string, origin: string, namespace: string, firstPattern = '/foo'): string {
  return `apiVersion: gateway.koaxy.dev/v1alpha1
kind: GatewayEndpoint
metadata: { name: ${name} }
spec:
  endpoint: ${endpoint}
  cacheTTL: 60s
  backends:
    - hosts: ["${origin}"]
      urlPattern: ${firstPattern}
      extraConfig: { ${namespace}: { return_error_details: backend_a } }
    - hosts: ["${origin}"]
      urlPattern: /var
      extraConfig: { ${namespace}: { return_error_details: backend_b } }
`;
}

describe('return_error_details end to end (files → compile → proxy)', () => {
  let upstream: Upstream;
  let gateway: Standalone;
  let dir: string;

  before(async () => {
    upstream = await startUpstream((req, res) => {
      if (req.url === '/foo') {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        return void res.end('404 page not found\n');
      }
      if (req.url === '/var') {
        res.writeHead(500, { 'content-type': 'application/json' });
        return void res.end('{"error":"boom"}');
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"email":"some@email.com","name":"a"}');
    });
    dir = mkdtempSync(join(tmpdir(), 'koaxy-detail-'));
    writeFileSync(
      join(dir, 'endpoints.yaml'),
      [
        detailError('short', '/detail_error', upstream.origin, 'backend/http'),
        detailError('legacy', '/detail_error_legacy', upstream.origin, 'github.com/devopsfaith/krakend/http'),
        detailError('partial', '/detail_error_partial', upstream.origin, 'backend/http', '/ok'),
      ].join('---\n'),
    );
    gateway = await startGateway([dir]);
    await waitFor(gateway, () => gateway.version() !== null, 'the table');
  });

  after(async () => {
    await gateway.close();
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const bothFailed = {
    error_backend_a: { http_status_code: 404, http_body: '404 page not found\n', http_body_encoding: 'text/plain; charset=utf-8' },
    error_backend_b: { http_status_code: 500, http_body: '{"error":"boom"}', http_body_encoding: 'application/json' },
  };

  for (const [path, label] of [['/detail_error', 'backend/http'], ['/detail_error_legacy', 'github.com/devopsfaith/krakend/http']] as const) {
    it(`returns 200 with both error objects and X-Krakend-Completed: false under ${label}`, async () => {
      const res = await fetch(`${gateway.data.url}${path}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-krakend-completed'), 'false');
      assert.equal(res.headers.get('cache-control'), null);
      assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
      const text = await res.text();
      assert.deepEqual(JSON.parse(text), bothFailed);
      assert.match(text, /^\{"error_backend_a":\{"http_status_code":404,"http_body":"404 page not found\\n","http_body_encoding":"text\/plain; charset=utf-8"\},"error_backend_b":\{"http_status_code":500,/);
    });
  }

  it('merges the data of a backend that succeeds beside the error object', async () => {
    const res = await fetch(`${gateway.data.url}/detail_error_partial`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-krakend-completed'), 'false');
    assert.deepEqual(await res.json(), { email: 'some@email.com', name: 'a', error_backend_b: bothFailed.error_backend_b });
  });
});
