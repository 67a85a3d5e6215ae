/**
 * The per-backend stack (spec §0.1 step 6, lura `proxy/http.go` + `transport/http/client`):
 * query filter → URL build → round robin → header filter → send (redirects followed like Go's
 * client) → status policy → decode → entity formatter. Built once per backend per table.
 */
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { Dispatcher } from 'undici';
import type { Backend } from '../ir/index.ts';
import { DecodeError, decodeBody } from './decode.ts';
import { BackendStatusError, GatewayError, gatewayError } from './errors.ts';
import { createEntityFormatter } from './formatter.ts';
import { markGoStruct } from './json.ts';
import type { CachedAnswer, HttpCache } from './http-cache.ts';
import type { PoolRegistry } from './pool-registry.ts';
import type { QosState } from './qos-state.ts';
import { type OutgoingHeaders, createHeaderBuilder, createQueryFilter, createRoundRobin, createUrlBuilder, isHopByHop } from './request-builder.ts';
import type { Proxy, ProxyData, ProxyRequest, ProxyResult } from './types.ts';

const gunzipAsync = promisify(gunzip);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

/** What one backend proxy needs from its table. */
export interface BackendProxyDeps {
  /** Pools shared across tables; the backend acquires its hosts' pools at build time. */
  readonly pools: PoolRegistry;
  /** Limiters, breakers and caches kept across tables. @default fresh state per build */
  readonly state?: QosState;
}

/** Per-backend options the endpoint factory resolves from the shared state. */
export interface BackendProxyOptions {
  /** The `qos/http-cache` of this backend (GET answers only). */
  readonly cache?: HttpCache | undefined;
}

interface Call {
  dispatcher: Dispatcher;
  origin: string;
  path: string;
  method: string;
  headers: OutgoingHeaders;
  body: ProxyRequest['body'];
}

/** Sends `call`, following redirects the way Go's `http.Client` does (spec §1.1 item 3). */
async function send(call: Call, pools: PoolRegistry, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
  for (let hops = 0; ; hops++) {
    const res = await call.dispatcher.request({ origin: call.origin, path: call.path, method: call.method as Dispatcher.HttpMethod, headers: call.headers, body: call.body, signal });
    const location = REDIRECTS.has(res.statusCode) ? res.headers.location : undefined;
    if (typeof location !== 'string') return res;
    // A body stream cannot be replayed: 307/308 with a body are answered as they are.
    if (res.statusCode >= 307 && call.body !== null) return res;
    await res.body.dump();
    if (hops + 1 >= MAX_REDIRECTS) throw new Error(`stopped after ${MAX_REDIRECTS} redirects`);
    const next = new URL(location, call.origin + call.path);
    const headers: OutgoingHeaders = { ...call.headers };
    if (res.statusCode <= 303) {
      if (call.method !== 'GET' && call.method !== 'HEAD') call.method = 'GET';
      call.body = null;
      delete headers['content-length'];
      delete headers['content-type'];
    }
    if (next.origin !== call.origin) {
      delete headers.authorization;
      delete headers.cookie;
      call.dispatcher = pools.dispatcherFor(next.origin);
    }
    call = { ...call, origin: next.origin, path: next.pathname + next.search, headers };
  }
}

async function readBody(res: Dispatcher.ResponseData, gzipped: boolean): Promise<Buffer> {
  const raw = Buffer.from(await res.body.arrayBuffer());
  const encoding = res.headers['content-encoding'];
  if (gzipped && (encoding === 'gzip' || encoding === 'x-gzip') && raw.length > 0) {
    try {
      return await gunzipAsync(raw);
    } catch (err) {
      throw new DecodeError(`gzip: ${(err as Error).message}`, { cause: err });
    }
  }
  return raw;
}

function header(res: CachedAnswer, name: string): string {
  const value = res.headers[name];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

/** The error object of `return_error_details` (lura `HTTPResponseError`), fields in struct order. */
export function errorDetails(statusCode: number, body: Buffer, contentType: string): ProxyData {
  const detail: ProxyData = markGoStruct({ http_status_code: statusCode });
  if (body.length > 0) detail.http_body = body.toString('utf8');
  if (contentType !== '') detail.http_body_encoding = contentType;
  return detail;
}

function noopResult(res: Dispatcher.ResponseData): ProxyResult {
  const headers: Record<string, string | string[]> = {};
  for (const name in res.headers) {
    const value = res.headers[name];
    if (value !== undefined && !isHopByHop(name)) headers[name] = value;
  }
  return { data: {}, complete: true, errors: [], noop: { status: res.statusCode, headers, body: res.body } };
}

function classify(err: unknown, signal: AbortSignal, what: string): GatewayError {
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    return reason instanceof GatewayError ? reason : gatewayError('KOAXY_CLIENT_CANCELED', undefined, reason);
  }
  if (err instanceof GatewayError) return err;
  if (err instanceof DecodeError) return gatewayError('KOAXY_BACKEND_DECODE', `${what}: ${err.message}`, err);
  return gatewayError('KOAXY_BACKEND_UNREACHABLE', `${what}: ${(err as Error).message ?? String(err)}`, err);
}

/**
 * Creates the proxy of one backend. Only 200/201 succeed (spec §1.1); other statuses follow
 * `backend.errorPolicy`: `default` fails, `details` becomes `{"error_<name>": …}` data (not
 * formatted, incomplete, not an error), `code` fails with a `BackendStatusError`.
 */
export function createBackendProxy(backend: Backend, deps: BackendProxyDeps, options: BackendProxyOptions = {}): Proxy {
  const buildUrl = createUrlBuilder(backend.url);
  const filterQuery = createQueryFilter(backend.inputQueryStrings);
  const buildHeaders = createHeaderBuilder(backend);
  const nextHost = createRoundRobin(backend.hosts.length);
  const targets = backend.hosts.map((host) => ({ origin: new URL(host).origin, base: host, dispatcher: deps.pools.acquire(host) as Dispatcher }));
  const noop = backend.encoding === 'no-op';
  const format = noop ? null : createEntityFormatter(backend);
  const policy = backend.errorPolicy;
  const label = `[${backend.method} ${backend.urlPattern}]`;
  const cache = noop || backend.method !== 'GET' ? null : (options.cache ?? null);

  return async (req, signal) => {
    const target = targets[nextHost()]!;
    let url = target.base;
    try {
      const pathAndQuery = buildUrl(req.params, filterQuery(req.query));
      url = target.base + pathAndQuery;
      const basePath = target.base.length > target.origin.length ? target.base.slice(target.origin.length) : '';
      const call: Call = { dispatcher: target.dispatcher, origin: target.origin, path: basePath + pathAndQuery, method: backend.method, headers: buildHeaders(req.headers, req.bodyLength), body: req.body };
      let res = cache?.lookup(url, call.headers) ?? null;
      if (res === null) {
        const sent = await send(call, deps.pools, signal);
        if (noop) return noopResult(sent);
        res = { statusCode: sent.statusCode, headers: sent.headers, body: await readBody(sent, true) };
        cache?.store(url, call.headers, res);
      }
      const { body, statusCode: status } = res;
      if (status !== 200 && status !== 201) {
        const message = `invalid status code ${status} ${label}: ${url}`;
        if (policy.kind === 'details') return { data: { [`error_${policy.name}`]: errorDetails(status, body, header(res, 'content-type')) }, complete: false, errors: [] };
        if (policy.kind === 'code') throw new BackendStatusError(status, body, header(res, 'content-type'), message);
        throw gatewayError('KOAXY_BACKEND_STATUS', message);
      }
      const data = decodeBody(backend.encoding, backend.isCollection, body);
      return { data: format!(data) as ProxyData, complete: true, errors: [] };
    } catch (err) {
      throw classify(err, signal, `${backend.method} ${url}`);
    }
  };
}
