/**
 * Serving KrakenD configurations through koaxy: import with `koaxy import-krakend`'s importer,
 * write the YAML, start a standalone gateway in process, send a case's request with a Go-like
 * client and compare the answer with KrakenD's expectation.
 */
import assert from 'node:assert/strict';
import { Ajv } from 'ajv';
import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Standalone } from '../../src/cli/standalone.ts';
import { renderResources } from '../../src/cli/import-krakend.ts';
import { compile, standalonePolicy } from '../../src/compile/index.ts';
import { importKrakend } from '../../src/importer/index.ts';
import { startGateway, waitFor } from '../e2e/helpers.ts';
import { type AcceptanceCase, koaxyExpectation, krakendConfigText, substitute } from './cases.ts';

/** The `X-Krakend` value of the test gateway, and so its `User-Agent`. */
export const KOAXY_AGENT = 'KrakenD Version koaxy-test';

/** A served KrakenD configuration. */
export interface Served {
  readonly gateway: Standalone;
  close(): Promise<void>;
}

/** Imports the config with the backends' origins and serves it. */
export async function serveConfig(name: string, substitutions: ReadonlyMap<string, string>): Promise<Served> {
  const result = importKrakend(JSON.parse(substitute(krakendConfigText(name), substitutions)));
  assert.deepEqual(result.errors, [], `import of ${name}.json`);
  const dir = mkdtempSync(join(tmpdir(), `koaxy-acceptance-${name}-`));
  writeFileSync(join(dir, 'endpoints.yaml'), renderResources(result));
  const gateway = await startGateway([dir]);
  await waitFor(gateway, () => gateway.version() !== null, 'the first table');
  return {
    gateway,
    close: async () => {
      await gateway.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function routeRegExp(endpoint: string): RegExp {
  return new RegExp(`^${endpoint.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
}

/**
 * The features a case needs that koaxy's compiler still warns about (`not implemented`), found
 * by importing and compiling its config: such a case is listed as pending, never run.
 */
export function pendingFeatures(kase: AcceptanceCase): string[] {
  const result = importKrakend(JSON.parse(krakendConfigText(kase.config)));
  const path = kase.in.url.split('?')[0]!;
  const method = kase.in.method ?? 'GET';
  const resource = result.resources.find((r) => (r.spec.method ?? 'GET') === method && routeRegExp(r.spec.endpoint).test(path));
  if (resource === undefined) return [];
  const input = { ...resource, metadata: { name: resource.metadata.name, namespace: 'default', generation: 1, creationTimestamp: '2026-01-01T00:00:00Z' } };
  const warnings = compile([input], standalonePolicy()).outcomes.flatMap((o) => o.warnings);
  return (kase.requires ?? []).filter((feature) => {
    const dot = feature.indexOf('.');
    const [ns, key] = dot < 0 ? [feature, ''] : [feature.slice(0, dot), feature.slice(dot + 1)];
    return warnings.some((w) => w.includes(`[${ns}]: namespace not implemented`) || (key !== '' && w.includes(`[${ns}].${key}:`)));
  });
}

/** A raw answer. */
export interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

interface Outgoing {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Sends the case's request (its `{{var}}`s filled from `vars`) like Go's client
 * (`User-Agent: Go-http-client/1.1`, `Accept-Encoding: gzip`), following redirects the way
 * `http.Client` does (at most 10; 301/302/303 turn a non-GET/HEAD into a GET without body; a
 * `Referer` is added), as CE's test runner does (`router_redirect`).
 */
export async function send(origin: string, kase: AcceptanceCase, vars: Readonly<Record<string, string>> = {}): Promise<Answer> {
  const headers: Record<string, string> = { 'User-Agent': 'Go-http-client/1.1', 'Accept-Encoding': 'gzip' };
  for (const [name, value] of Object.entries(fill(kase.in.header ?? {}, vars) as Record<string, string>)) {
    for (const existing of Object.keys(headers)) if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
    headers[name] = value;
  }
  let out: Outgoing = { url: `${origin}${kase.in.url}`, method: kase.in.method ?? 'GET', headers, body: kase.in.body ?? '' };
  for (let hops = 0; ; hops++) {
    const answer = await sendOnce(out);
    const location = answer.headers['location'];
    if (!REDIRECTS.has(answer.status) || typeof location !== 'string' || hops === 10) return answer;
    const next: Record<string, string> = { ...out.headers, Referer: out.url };
    const rewrite = answer.status <= 303 && out.method !== 'GET' && out.method !== 'HEAD';
    if (rewrite) for (const name of Object.keys(next)) if (/^content-(length|type)$/i.test(name)) delete next[name];
    out = { url: new URL(location, out.url).toString(), method: rewrite ? 'GET' : out.method, headers: next, body: rewrite ? '' : out.body };
  }
}

function sendOnce({ url, method, headers: given, body }: Outgoing): Promise<Answer> {
  const headers = { ...given };
  if (body !== '' || method !== 'GET') headers['Content-Length'] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function fill(value: unknown, vars: Readonly<Record<string, string>>): unknown {
  if (typeof value === 'string') return value.replace(/\{\{(\w+)\}\}/g, (m, k: string) => vars[k] ?? m);
  if (Array.isArray(value)) return value.map((v) => fill(v, vars));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, vars)]));
  return value;
}

/** Asserts the answer matches KrakenD's expectation of the case (with koaxy's documented differences). */
export function assertAnswer(kase: AcceptanceCase, answer: Answer, vars: Readonly<Record<string, string>>): void {
  const out = fill(koaxyExpectation(kase), vars) as AcceptanceCase['out'];
  assert.equal(answer.status, out.status_code, `status (body: ${answer.body.slice(0, 300)})`);
  for (const [name, expected] of Object.entries(out.header ?? {})) {
    const actual = answer.headers[name.toLowerCase()];
    if (expected.length === 1 && expected[0] === '') assert.equal(actual, undefined, `header ${name} must be absent`);
    else assert.deepEqual(Array.isArray(actual) ? actual : actual === undefined ? [] : [actual], [...expected], `header ${name}`);
  }
  if (out.body_text !== undefined) assert.equal(answer.body, out.body_text, 'body (byte for byte)');
  if (out.schema !== undefined) assertSchema(out.schema, answer.body);
  else if (out.body !== undefined) assert.deepEqual(JSON.parse(answer.body), out.body, 'body (structurally)');
}

/** CE's `schema` check; ajv speaks draft 7, so a `$schema` naming draft 4 is dropped (the keywords used are the same). */
function assertSchema(schema: Readonly<Record<string, unknown>>, body: string): void {
  const { $schema: _draft, ...rest } = schema;
  const validate = new Ajv({ allErrors: true, strict: false }).compile(rest);
  assert.ok(validate(JSON.parse(body)), `body ${body.slice(0, 300)} does not match the schema: ${JSON.stringify(validate.errors)}`);
}
