/**
 * The test backends of KrakenD's own end-to-end suites, on 127.0.0.1:0: CE's mock backend
 * (`krakend-ce/tests/integration.go`: /param_forwarding/, /collection/, /delayed/, /xml,
 * /redirect/), a stand-in for KrakenD itself (`/__debug` and gin's 404, which CE's config calls
 * as http://127.0.0.1:8080) and lura's b1…b12 (`lura/test/integration_test.go`).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type JWK, SignJWT } from 'jose';
import { type Upstream, startUpstream } from '../e2e/helpers.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** Go's `json.NewEncoder(w).Encode(v)`: sorted keys (maps), HTML-safe escaping, a trailing newline. */
export function goJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value)).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
}

/** Go's canonical header key (`x-y-z` → `X-Y-Z`). */
function canonical(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

/** The request headers as Go's `r.Header` (canonical keys, value lists), without Host and Connection. */
function goHeaders(req: IncomingMessage, drop: readonly string[] = []): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    if (name === 'host' || name === 'connection' || drop.includes(name)) continue;
    (out[canonical(name)] ??= []).push(req.rawHeaders[i + 1]!);
  }
  return out;
}

function goQuery(url: URL): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of url.searchParams) (out[k] ??= []).push(v);
  return out;
}

function json(res: ServerResponse, value: unknown, extra: Record<string, string | string[]> = {}): void {
  res.writeHead(200, { 'content-type': 'application/json', ...extra });
  res.end(goJson(value));
}

/** Go's `http.Error`. */
function goError(res: ServerResponse, message: string, status: number): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
  res.end(`${message}\n`);
}

function loopbackXff(req: IncomingMessage): boolean {
  const xff = req.headers['x-forwarded-for'];
  return xff === '127.0.0.1' || xff === '::1' || xff === '::ffff:127.0.0.1';
}

async function start(handler: Handler): Promise<Upstream> {
  return startUpstream((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, res, Buffer.concat(chunks).toString('utf8')));
  });
}

const ceEcho: Handler = (req, res, body) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const echo: Record<string, unknown> = { foo: 42, headers: goHeaders(req, ['x-forwarded-for']), path: url.pathname, query: goQuery(url) };
  if (url.searchParams.has('dump_body')) echo['body'] = body;
  json(res, echo, { 'set-cookie': ['test1=test1', 'test2=test2'] });
};

const XML = `<?xml version="1.0" encoding="UTF-8"?>
<user type="admin">
  <name>Elliot</name>
  <social>
    <facebook>https://facebook.com</facebook>
    <twitter>https://twitter.com</twitter>
    <youtube>https://youtube.com</youtube>
  </social>
</user>`;

/**
 * CE's `/jwk/symmetric` set (`sim1` A128KW, `sim2` HS256), with fresh random secrets each run:
 * CE's published tokens are signed with its fixed secret and expired on 2025-01-01.
 */
function symmetricJwks(): { keys: JWK[] } {
  return {
    keys: [
      { kty: 'oct', alg: 'A128KW', k: randomBytes(16).toString('base64url'), kid: 'sim1' },
      { kty: 'oct', k: randomBytes(64).toString('base64url'), kid: 'sim2', alg: 'HS256' },
    ],
  };
}

/** The ServeMux subtrees of CE's mock: a request for the root without its slash is redirected. */
const SUBTREES = ['/param_forwarding', '/collection', '/delayed', '/redirect'];

const ceMock = (jwks: { keys: JWK[] }): Handler => (req, res, body) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const path = url.pathname;
  if (path === '/jwk/symmetric') return json(res, jwks);
  if (SUBTREES.includes(path)) {
    // Go's ServeMux: 301 to the subtree root, query kept (Go's client then adds a Referer).
    const location = `${path}/${url.search}`;
    res.writeHead(301, { location, 'content-type': 'text/html; charset=utf-8' });
    return void res.end(`<a href="${location}">Moved Permanently</a>.\n\n`);
  }
  const routed = path.startsWith('/param_forwarding/') || path === '/xml' || path.startsWith('/collection/') || path.startsWith('/delayed/') || path.startsWith('/redirect/');
  if (!routed) return goError(res, '404 page not found', 404);
  if (!loopbackXff(req)) return goError(res, 'invalid X-Forwarded-For', 400);
  if (path === '/xml') {
    res.writeHead(200, { 'content-type': 'application/xml; charset=utf-8' });
    return void res.end(XML);
  }
  if (path.startsWith('/collection/')) return json(res, Array.from({ length: 10 }, (_, i) => ({ path, i })));
  if (path.startsWith('/delayed/')) return void setTimeout(() => ceEcho(req, res, body), 200);
  if (path.startsWith('/redirect/')) {
    const status = Number(url.searchParams.get('status') ?? '301');
    url.pathname = '/param_forwarding/';
    res.writeHead(status, { location: `${url.pathname}${url.search}` });
    return void res.end();
  }
  ceEcho(req, res, body);
};

/** KrakenD itself as CE's config calls it: `/__debug…` answers pong, anything else gin's 404. */
const krakendSelf: Handler = (req, res) => {
  // gin's c.JSON: no trailing newline (a no-op backend propagates these exact bytes, sequential_4).
  if ((req.url ?? '').startsWith('/__debug')) return void res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end('{"message":"pong"}');
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('404 page not found');
};

/** Running backends and the placeholder → origin substitutions for the KrakenD configs. */
export interface Backends {
  /** Exact strings of the KrakenD configs and what replaces them. */
  readonly substitutions: ReadonlyMap<string, string>;
  /** Signs `claims` with the key `header.kid` of CE's `/jwk/symmetric` set (its `alg`). */
  signJwt(header: Readonly<Record<string, string>>, claims: Readonly<Record<string, unknown>>): Promise<string>;
  close(): Promise<void>;
}

function luraHandlers(b7: () => string): Record<string, Handler> {
  const emailName: Handler = (_req, res) => json(res, { email: 'some@email.com', name: 'a' });
  return {
    b1: (req, res, body) => {
      const h = req.headers;
      if (h['content-type'] !== 'application/json' || h['authorization'] !== 'bearer AuthorizationToken' || h['x-y-z'] !== 'x-y-z' || body !== '{"foo":"bar"}') {
        return goError(res, 'bad request forwarding', 400);
      }
      json(res, { path: new URL(req.url ?? '/', 'http://x').pathname });
    },
    b2: (_req, res) => json(res, [{ body: 'some content', date: '123456789' }, { body: 'some other content', date: '123496789' }]),
    b3: emailName,
    b4: (_req, res) => goError(res, 'sad panda', 429),
    b5: (req, res, body) => void setTimeout(() => emailName(req, res, body), 1000),
    b6: (req, res) => {
      if (!loopbackXff(req)) return goError(res, 'invalid X-Forwarded-For', 400);
      const url = new URL(req.url ?? '/', 'http://x');
      json(res, { path: url.pathname, query: goQuery(url), headers: goHeaders(req, ['x-forwarded-for']) });
    },
    b7: (req, res) => json(res, { path: new URL(req.url ?? '/', 'http://x').pathname, random: 42 }),
    b8: (_req, res) => void res.writeHead(301, { location: b7() }).end(),
    b9: (_req, res) => void res.writeHead(302, { location: b7() }).end(),
    b11: (req, res) => json(res, { headers: goHeaders(req) }),
    // b12's source is not in the lura revision read for the spec; rebuilt from §3.1: every POST
    // backend must receive the whole client body.
    b12: (req, res, body) => (body === '{"foo":"bar"}' ? json(res, { path: new URL(req.url ?? '/', 'http://x').pathname, random: 42 }) : goError(res, 'body not received', 400)),
  };
}

/** Starts every backend of both suites. */
export async function startBackends(): Promise<Backends> {
  const upstreams: Upstream[] = [];
  const substitutions = new Map<string, string>();
  const add = async (placeholder: string, handler: Handler): Promise<string> => {
    const upstream = await start(handler);
    upstreams.push(upstream);
    substitutions.set(placeholder, upstream.origin);
    return upstream.origin;
  };
  const jwks = symmetricJwks();
  await add('http://127.0.0.1:8081', ceMock(jwks));
  await add('http://127.0.0.1:8080', krakendSelf);
  let b7 = '';
  for (const [name, handler] of Object.entries(luraHandlers(() => b7))) {
    const origin = await add(`{{.${name}}}`, handler);
    if (name === 'b7') b7 = origin;
  }
  const signJwt = (header: Readonly<Record<string, string>>, claims: Readonly<Record<string, unknown>>): Promise<string> => {
    const key = jwks.keys.find((k) => k.kid === header['kid']);
    if (key?.k === undefined || key.alg === undefined) throw new Error(`no key ${header['kid']} in CE's JWK set`);
    return new SignJWT({ ...claims }).setProtectedHeader({ alg: key.alg, ...header }).sign(Buffer.from(key.k, 'base64url'));
  };
  return { substitutions, signJwt, close: async () => void (await Promise.all(upstreams.map((u) => u.close()))) };
}
