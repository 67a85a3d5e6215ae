/**
 * From the client's HTTP request to a `ProxyRequest` (spec §5.3, §5.4, §5.5): endpoint query
 * and header filters, the gateway-set headers, and the body (streamed to a single backend,
 * buffered when several backends each need a copy, bounded either way). Compiled per route.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { Transform, type TransformCallback } from 'node:stream';
import type { Route } from '../ir/index.ts';
import { type HeaderMap, type ProxyRequest, gatewayError, isHopByHop, parseQuery } from '../proxy/index.ts';

const NO_QUERY: ReadonlyMap<string, readonly string[]> = new Map();

/** Counts the bytes of a client body of unknown length and fails once it exceeds the limit. */
export class BoundedBody extends Transform {
  readonly #limit: number;
  #seen = 0;
  #exceeded = false;

  constructor(limit: number) {
    super();
    this.#limit = limit;
  }

  /** True once the body went over the limit (the gateway then answers 413). */
  get exceeded(): boolean {
    return this.#exceeded;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#seen += chunk.length;
    if (this.#seen > this.#limit) {
      this.#exceeded = true;
      callback(gatewayError('KOAXY_BODY_TOO_LARGE'));
      return;
    }
    callback(null, chunk);
  }
}

/** How a route hands the client body to its backends. */
type BodyMode = 'stream' | 'buffer' | 'none';

function bodyModeOf(route: Route): BodyMode {
  // The JSON Schema reads the whole body before any backend sees it.
  if (route.jsonSchema !== undefined) return 'buffer';
  if (route.backends.length === 1 && route.concurrentCalls <= 1) return 'stream';
  const copies = route.concurrentCalls > 1 || route.backends.some((b) => b.method !== 'GET');
  return copies ? 'buffer' : 'none';
}

/** gin's `ClientIP()` over one header with every proxy trusted: the left-most IP when all are valid. */
function ipFromHeader(value: string | string[] | undefined): string | null {
  if (typeof value !== 'string' || value === '') return null;
  const items = value.split(',');
  for (let i = items.length - 1; i >= 0; i--) {
    const ip = items[i]!.trim();
    if (isIP(ip) === 0) return null;
    if (i === 0) return ip;
  }
  return null;
}

/** The single client IP sent as `X-Forwarded-For` (spec §5.4). */
export function clientIp(req: IncomingMessage): string {
  const fromHeaders = ipFromHeader(req.headers['x-forwarded-for']) ?? ipFromHeader(req.headers['x-real-ip']);
  if (fromHeaders !== null) return fromHeaders;
  const address = req.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

async function readAll(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw gatewayError('KOAXY_BODY_TOO_LARGE');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/** Options shared by every route's reader. */
export interface ReaderOptions {
  /** Value of `X-Krakend`, reused in `User-Agent` / `X-Forwarded-Via`. */
  readonly versionHeader: string;
  readonly maxBodyBytes: number;
}

/** Builds the `ProxyRequest` of one client request; rejects with 413 when the body is too large. */
export type RequestReader = (req: IncomingMessage, rawQuery: string, params: Readonly<Record<string, string>>) => Promise<ProxyRequest> | ProxyRequest;

/** Compiles the endpoint-level request building of `route`. */
export function createRequestReader(route: Route, options: ReaderOptions): RequestReader {
  const headerNames = route.inputHeaders === '*' ? null : route.inputHeaders.map((h) => h.toLowerCase()).filter((h) => !isHopByHop(h) && h !== 'host');
  const queryKeys = route.inputQueryStrings === '*' ? null : route.inputQueryStrings;
  const agent = `KrakenD ${options.versionHeader}`;
  const mode = bodyModeOf(route);
  const limit = options.maxBodyBytes;

  const readHeaders = (req: IncomingMessage): HeaderMap => {
    const out: Record<string, string | string[]> = {};
    if (headerNames === null) {
      const connection = req.headers.connection;
      // RFC 9110 §7.6.1: headers named in Connection are hop-by-hop too.
      const named = connection !== undefined && connection.includes(',') ? new Set(connection.toLowerCase().split(',').map((t) => t.trim())) : null;
      for (const name in req.headers) if (!isHopByHop(name) && name !== 'host' && named?.has(name) !== true) out[name] = req.headers[name]!;
    } else {
      for (const name of headerNames) {
        const value = req.headers[name];
        if (value !== undefined) out[name] = value;
      }
    }
    out['x-forwarded-for'] = clientIp(req);
    if (req.headers.host !== undefined) out['x-forwarded-host'] = req.headers.host;
    if (out['user-agent'] === undefined) out['user-agent'] = agent;
    else out['x-forwarded-via'] = agent;
    return out;
  };

  const readQuery = (raw: string): ReadonlyMap<string, readonly string[]> => {
    if (raw === '' || (queryKeys !== null && queryKeys.length === 0)) return NO_QUERY;
    const all = parseQuery(raw);
    if (queryKeys === null) return all;
    const out = new Map<string, readonly string[]>();
    for (const key of queryKeys) {
      const values = all.get(key);
      if (values !== undefined) out.set(key, values);
    }
    return out;
  };

  return (req, rawQuery, params) => {
    const base = { params, query: readQuery(rawQuery), headers: readHeaders(req) };
    const declared = req.headers['content-length'];
    const length = declared === undefined ? null : Number(declared);
    const hasBody = length === null ? req.headers['transfer-encoding'] !== undefined : length > 0;
    if (!hasBody || mode === 'none') return { ...base, body: null, bodyLength: null };
    if (length !== null && length > limit) throw gatewayError('KOAXY_BODY_TOO_LARGE');
    if (mode === 'buffer') return readAll(req, limit).then((body) => ({ ...base, body, bodyLength: body.length }));
    // A declared length is enforced by Node's parser; only a chunked body needs counting.
    const body = length !== null ? req : req.pipe(new BoundedBody(limit));
    // The backend request sees the failure; the gateway reads `exceeded` to answer 413.
    if (body !== req) body.on('error', () => {});
    return { ...base, body, bodyLength: length };
  };
}
