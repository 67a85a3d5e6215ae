/**
 * Backend request building (spec §5.1–§5.4, lura `request.go`, `balancing.go`,
 * `headers_filter.go`, `query_strings_filter.go`): everything here is compiled once per backend
 * at table build time and returns a per-request function that only concatenates.
 */
import type { Backend, UrlPart } from '../ir/index.ts';
import type { HeaderMap } from './types.ts';
import { encodeQuery, escapedPath, rawQuery } from './url.ts';

/** Headers never forwarded in either direction (RFC 9110 §7.6.1 hop-by-hop, plus `Host`). */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** True for a header name that must never cross the gateway (`proxy-*` included). */
export function isHopByHop(name: string): boolean {
  return HOP_BY_HOP.has(name) || name.startsWith('proxy-');
}

type Piece = string | { readonly param: string; readonly placeholder: string };

interface UrlTemplate {
  readonly path: readonly Piece[];
  /** Null when the pattern has no `?`. */
  readonly query: readonly Piece[] | null;
}

function placeholderOf(name: string): string {
  // Go leaves an unfilled placeholder as its template text, `{{.Name}}` (spec §5.1).
  return `{{.${name.charAt(0).toUpperCase()}${name.slice(1)}}}`;
}

function splitTemplate(parts: readonly UrlPart[]): UrlTemplate {
  const path: Piece[] = [];
  let query: Piece[] | null = null;
  for (const part of parts) {
    if (part.kind === 'param') {
      const piece = { param: part.name, placeholder: placeholderOf(part.name) };
      (part.inQuery && query !== null ? query : part.inQuery ? (query = []) : path).push(piece);
      continue;
    }
    const at = query === null ? part.text.indexOf('?') : -1;
    if (at === -1) (query ?? path).push(part.text);
    else {
      path.push(part.text.slice(0, at));
      query = [part.text.slice(at + 1)];
    }
  }
  return { path, query };
}

function fill(pieces: readonly Piece[], params: Readonly<Record<string, string>>): string {
  let out = '';
  for (const piece of pieces) out += typeof piece === 'string' ? piece : (params[piece.param] ?? piece.placeholder);
  return out;
}

/** Builds `path?query` for one request: params filled, forwarded query appended (spec §5.2). */
export type UrlBuilder = (params: Readonly<Record<string, string>>, query: ReadonlyMap<string, readonly string[]>) => string;

/**
 * Compiles a backend's parsed `urlPattern`: path values escaped like Go's `URL.EscapedPath`,
 * query-part values as inserted, the client query appended sorted and form-encoded (`&` when the
 * pattern already has a query). Throws `UrlEscapeError` at request time for a bad escape.
 */
export function createUrlBuilder(parts: readonly UrlPart[]): UrlBuilder {
  const template = splitTemplate(parts);
  const staticPath = template.path.every((p) => typeof p === 'string') ? escapedPath(fill(template.path, {})) || '/' : null;
  return (params, query) => {
    const path = staticPath ?? (escapedPath(fill(template.path, params)) || '/');
    let q = template.query === null ? '' : rawQuery(fill(template.query, params));
    if (query.size > 0) {
      const forwarded = encodeQuery(query);
      if (forwarded !== '') q = q === '' ? forwarded : `${q}&${forwarded}`;
    }
    return q === '' ? path : `${path}?${q}`;
  };
}

/** Backend-level query filter: exact keys, `*` not special; null means pass everything. */
export function createQueryFilter(keys: readonly string[] | null): (query: ReadonlyMap<string, readonly string[]>) => ReadonlyMap<string, readonly string[]> {
  if (keys === null) return (query) => query;
  const allowed = new Set(keys);
  return (query) => {
    if (query.size === 0) return query;
    const out = new Map<string, readonly string[]>();
    for (const [key, values] of query) if (allowed.has(key)) out.set(key, values);
    return out;
  };
}

/** Mutable outgoing headers by lower-cased name. */
export type OutgoingHeaders = Record<string, string | string[]>;

/**
 * Backend-level header filter plus the transport headers Go's client adds: `Accept-Encoding:
 * gzip` (decoded backends only; the gateway gunzips), `User-Agent: Go-http-client/1.1` when the
 * filter removed the gateway's, and `Content-Length` for a body of known length.
 */
export function createHeaderBuilder(backend: Backend): (headers: HeaderMap, bodyLength: number | null) => OutgoingHeaders {
  const allowed = backend.inputHeaders === null ? null : new Set(backend.inputHeaders.map((h) => h.toLowerCase()));
  const acceptGzip = backend.encoding !== 'no-op';
  return (headers, bodyLength) => {
    const out: OutgoingHeaders = {};
    for (const name in headers) {
      if (allowed !== null && !allowed.has(name)) continue;
      // `expect` is the transport's business (undici refuses it); the length is set below.
      if (isHopByHop(name) || name === 'host' || name === 'content-length' || name === 'expect') continue;
      out[name] = headers[name] as string | string[];
    }
    if (acceptGzip && out['accept-encoding'] === undefined) out['accept-encoding'] = 'gzip';
    if (out['user-agent'] === undefined) out['user-agent'] = 'Go-http-client/1.1';
    if (bodyLength !== null) out['content-length'] = String(bodyLength);
    return out;
  };
}

/** Round robin over `hosts` in declared order (DESIGN §6: deterministic, unlike KrakenD). */
export function createRoundRobin(count: number): () => number {
  if (count <= 1) return () => 0;
  let next = 0;
  return () => {
    const i = next;
    next = (next + 1) % count;
    return i;
  };
}
