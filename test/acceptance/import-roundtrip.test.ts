/**
 * `koaxy import-krakend` on KrakenD's own sample configurations (CE's tests/fixtures/krakend.json
 * and lura's test/lura.json): every supported field of every endpoint and backend is carried
 * over, field by field, and koaxy's compiler accepts every imported resource.
 */
import assert from 'node:assert/strict';
import { compile, standalonePolicy } from '../../src/compile/index.ts';
import { importKrakend } from '../../src/importer/index.ts';
import { krakendConfigText, substitute } from './cases.ts';

type Json = Record<string, unknown>;

const ENDPOINT_FIELDS = [
  ['endpoint', 'endpoint'],
  ['timeout', 'timeout'],
  ['cache_ttl', 'cacheTTL'],
  ['output_encoding', 'outputEncoding'],
  ['concurrent_calls', 'concurrentCalls'],
  ['input_headers', 'inputHeaders'],
  ['input_query_strings', 'inputQueryStrings'],
] as const;

const BACKEND_FIELDS = [
  ['url_pattern', 'urlPattern'],
  ['is_collection', 'isCollection'],
  ['target', 'target'],
  ['allow', 'allow'],
  ['deny', 'deny'],
  ['mapping', 'mapping'],
  ['group', 'group'],
  ['input_headers', 'inputHeaders'],
  ['input_query_strings', 'inputQueryStrings'],
  ['extra_config', 'extraConfig'],
] as const;

function checkBackend(source: Json, imported: Json, service: Json, where: string): void {
  for (const [from, to] of BACKEND_FIELDS) if (source[from] !== undefined) assert.deepEqual(imported[to], source[from], `${where}.${from}`);
  const hosts = (source['host'] ?? service['host']) as string[];
  assert.deepEqual(imported['hosts'], hosts.map((h) => (h.includes('://') ? h : `http://${h}`).replace(/\/$/, '')), `${where}.host`);
  assert.equal(imported['method'], (source['method'] as string | undefined)?.toUpperCase(), `${where}.method`);
  if (source['encoding'] !== 'rss') assert.equal(imported['encoding'], source['encoding'], `${where}.encoding`);
}

function checkConfig(name: string): void {
  const config = JSON.parse(substitute(krakendConfigText(name), new Map([['{{.', 'http://b-'], ['}}', '.test']]))) as Json;
  const result = importKrakend(config, { namespace: 'shop' });
  assert.deepEqual(result.errors, []);
  const endpoints = config['endpoints'] as Json[];
  assert.equal(result.resources.length, endpoints.length, 'one resource per endpoint');
  const serviceRouter = ((config['extra_config'] as Json)['router'] as Json) ?? {};
  endpoints.forEach((source, i) => {
    const where = `$.endpoints[${i}]`;
    const resource = result.resources[i]!;
    const spec = resource.spec as unknown as Json;
    assert.equal(resource.metadata.namespace, 'shop');
    assert.match(resource.metadata.name, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    for (const [from, to] of ENDPOINT_FIELDS) {
      const expected = source[from] ?? (from === 'endpoint' || from === 'concurrent_calls' || from.startsWith('input') ? undefined : config[from]);
      assert.deepEqual(spec[to], expected, `${where}.${from}`);
    }
    assert.equal(spec['method'], ((source['method'] as string | undefined) ?? 'GET').toUpperCase(), `${where}.method`);
    const extra = spec['extraConfig'] as Json;
    for (const [ns, value] of Object.entries((source['extra_config'] as Json | undefined) ?? {})) assert.deepEqual(extra[ns], value, `${where}.extra_config.${ns}`);
    assert.deepEqual(extra['router'], { return_error_msg: serviceRouter['return_error_msg'] }, `${where}: service router.return_error_msg folded in`);
    const backends = spec['backends'] as Json[];
    (source['backend'] as Json[]).forEach((b, j) => checkBackend(b, backends[j]!, config, `${where}.backend[${j}]`));
  });
  const inputs = result.resources.map((r) => ({ ...r, metadata: { name: r.metadata.name, namespace: 'shop', generation: 1, creationTimestamp: '2026-01-01T00:00:00Z' } }));
  const rejected = compile(inputs, standalonePolicy()).outcomes.filter((o) => !o.accepted);
  assert.deepEqual(rejected.map((o) => `${o.key}: ${o.message}`), [], 'every imported resource compiles');
}

describe('koaxy import-krakend on KrakenD sample configurations', () => {
  it("round-trips every supported field of CE's tests/fixtures/krakend.json", () => checkConfig('ce'));
  it("round-trips every supported field of lura's test/lura.json", () => checkConfig('lura'));

  it('names the fields it cannot carry over by JSON path', () => {
    const result = importKrakend(JSON.parse(krakendConfigText('ce')));
    const paths = result.unsupported.map((p) => p.path);
    assert.ok(paths.includes('$.port'));
    assert.ok(paths.includes('$.extra_config["security/bot-detector"]'));
    assert.ok(paths.some((p) => /^\$\.endpoints\[\d+\]\.backend\[0\]\.encoding$/.test(p)), 'rss encoding');
  });
});
