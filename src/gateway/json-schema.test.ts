import assert from 'node:assert/strict';
import { type TestBackend, backend, json, route, startBackend, table } from '../proxy/testing.ts';
import { type TestGateway, VERSION_HEADER, send, startGateway } from './testing.ts';

const SCHEMA = { type: 'object', required: ['number'], properties: { number: { type: 'integer' }, tags: { type: 'array', maxItems: 1 } } };

describe('validation/json-schema (spec §7.7)', () => {
  let upstream: TestBackend;
  let gw: TestGateway;

  before(async () => {
    upstream = await startBackend(json({ ok: true }));
    gw = await startGateway(
      table([
        route({ path: '/loud', method: 'POST', jsonSchema: SCHEMA, returnErrorMsg: true, backends: [backend({ hosts: [upstream.url], method: 'POST' })] }),
        route({ path: '/quiet', method: 'POST', jsonSchema: SCHEMA, backends: [backend({ hosts: [upstream.url], method: 'POST' })] }),
        route({
          path: '/multi',
          jsonSchema: SCHEMA,
          backends: [backend({ hosts: [upstream.url], urlPattern: '/a' }), backend({ hosts: [upstream.url], urlPattern: '/b' })],
        }),
      ]),
    );
  });

  after(async () => {
    await gw.close();
    await upstream.close();
  });

  const post = (path: string, body?: string, chunked = false) =>
    send(gw.url, path, { method: path === '/multi' ? 'GET' : 'POST', headers: { 'content-type': 'application/json' }, ...(body !== undefined ? { body } : {}), chunked });

  it('answers 400 before any backend call, with X-Krakend and X-Krakend-Completed: false, the violations under return_error_msg', async () => {
    const calls = upstream.received.length;
    const cases: [string | undefined, string][] = [
      [undefined, 'could not validate an empty body'],
      ['', 'could not validate an empty body'],
      ['{"nope": 1}', '- (root): number is required'],
      ['{"number": "7", "tags": [1, 2]}', '- number: Invalid type. Expected: integer, given: string\n- tags: must NOT have more than 1 items'],
    ];
    for (const [body, message] of cases) {
      const res = await post('/loud', body);
      assert.equal(res.status, 400, String(body));
      assert.equal(res.body, message);
      assert.equal(res.headers['x-krakend'], VERSION_HEADER);
      assert.equal(res.headers['x-krakend-completed'], 'false');
      assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
    }
    const notJson = await post('/loud', '{"number":');
    assert.equal(notJson.status, 400);
    assert.match(notJson.body, /JSON/);
    assert.equal(upstream.received.length, calls);
  });

  it('answers 400 with an empty body without return_error_msg', async () => {
    const res = await post('/quiet', '{}');
    assert.equal(res.status, 400);
    assert.equal(res.body, '');
    assert.equal(res.headers['content-type'], undefined);
    assert.equal(res.headers['x-krakend-completed'], 'false');
    assert.equal(res.headers['x-krakend'], VERSION_HEADER);
  });

  it('passes a valid body (sized or chunked) to the backend unchanged', async () => {
    for (const chunked of [false, true]) {
      const res = await post('/quiet', '{"number": 7}', chunked);
      assert.equal(res.status, 200);
      assert.equal(res.body, '{"ok":true}');
      const seen = upstream.received.at(-1)!;
      assert.equal(seen.method, 'POST');
      assert.equal(seen.body, '{"number": 7}');
    }
  });

  it('validates the body of a GET with several backends, and each backend receives it', async () => {
    const before = upstream.received.length;
    assert.equal((await post('/multi', '{}')).status, 400);
    const res = await post('/multi', '{"number": 1}');
    assert.equal(res.status, 200);
    const seen = upstream.received.slice(before).map((r) => `${r.url} ${r.body}`).sort();
    assert.deepEqual(seen, ['/a {"number": 1}', '/b {"number": 1}']);
  });
});
