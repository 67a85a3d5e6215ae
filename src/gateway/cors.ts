/**
 * `security/cors` (spec §7.5) with rs/cors v1.11 semantics, compiled once per route. KrakenD
 * wraps the whole server; koaxy has no service-level config, so a route's CORS answers the
 * preflights of its path (before routing: 204, no X-Krakend, never the backend) and decorates
 * the actual requests it serves.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CorsConfig } from '../ir/index.ts';
import { resolveRoute } from './match.ts';
import type { TableRuntime } from './runtime.ts';

/** A route's compiled CORS handling. */
export interface Cors {
  /** Answers a preflight (or only adds its headers under `options_passthrough`); true when answered. */
  preflight(req: IncomingMessage, res: ServerResponse): boolean;
  /** Adds the CORS headers of an actual request to `res`. */
  actual(req: IncomingMessage, res: ServerResponse): void;
}

const PREFLIGHT_VARY = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';

type OriginCheck = (origin: string) => boolean;

function originCheck(allowed: readonly string[]): OriginCheck | null {
  if (allowed.includes('*')) return null;
  const exact = new Set(allowed.filter((o) => !o.includes('*')));
  const wildcards = allowed
    .filter((o) => o.includes('*'))
    .map((o) => {
      const at = o.indexOf('*');
      return { prefix: o.slice(0, at), suffix: o.slice(at + 1) };
    });
  return (origin) => {
    const lower = origin.toLowerCase();
    if (exact.has(lower)) return true;
    return wildcards.some((w) => lower.length >= w.prefix.length + w.suffix.length && lower.startsWith(w.prefix) && lower.endsWith(w.suffix));
  };
}

function first(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** Compiles `config` into the preflight and actual-request handlers. */
export function createCors(config: CorsConfig): Cors {
  const allowedOrigin = originCheck(config.allowOrigins);
  const methods = new Set(config.allowMethods);
  const headersAll = config.allowHeaders.includes('*');
  const headers = new Set(config.allowHeaders);
  const expose = config.exposeHeaders.join(', ');
  const maxAge = config.maxAgeSeconds > 0 ? String(config.maxAgeSeconds) : null;
  const vary = config.allowPrivateNetwork ? `${PREFLIGHT_VARY}, Access-Control-Request-Private-Network` : PREFLIGHT_VARY;
  const methodAllowed = (method: string): boolean => method === 'OPTIONS' || methods.has(method);
  const headersAllowed = (requested: string): boolean =>
    headersAll ||
    requested
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .every((h) => h === '' || headers.has(h));
  const allowOrigin = (res: ServerResponse, origin: string): void => {
    res.setHeader('Access-Control-Allow-Origin', allowedOrigin === null ? '*' : origin);
    if (config.allowCredentials) res.setHeader('Access-Control-Allow-Credentials', 'true');
  };

  const addPreflightHeaders = (req: IncomingMessage, res: ServerResponse): void => {
    res.setHeader('Vary', vary);
    const origin = first(req.headers.origin);
    if (origin === '' || (allowedOrigin !== null && !allowedOrigin(origin))) return;
    const method = first(req.headers['access-control-request-method']).toUpperCase();
    const requested = req.headers['access-control-request-headers'];
    const requestedText = Array.isArray(requested) ? requested.join(', ') : (requested ?? '');
    if (!methodAllowed(method) || !headersAllowed(requestedText)) return;
    allowOrigin(res, origin);
    res.setHeader('Access-Control-Allow-Methods', method);
    if (requestedText !== '') res.setHeader('Access-Control-Allow-Headers', requestedText);
    if (config.allowPrivateNetwork && first(req.headers['access-control-request-private-network']) === 'true') {
      res.setHeader('Access-Control-Allow-Private-Network', 'true');
    }
    if (maxAge !== null) res.setHeader('Access-Control-Max-Age', maxAge);
  };

  return {
    preflight(req, res) {
      addPreflightHeaders(req, res);
      if (config.optionsPassthrough) return false;
      res.statusCode = config.optionsSuccessStatus;
      res.end();
      return true;
    },
    actual(req, res) {
      res.appendHeader('Vary', 'Origin');
      const origin = first(req.headers.origin);
      if (origin === '' || (allowedOrigin !== null && !allowedOrigin(origin)) || !methodAllowed(req.method ?? '')) return;
      allowOrigin(res, origin);
      if (expose !== '') res.setHeader('Access-Control-Expose-Headers', expose);
    },
  };
}

/** True for a CORS preflight: `OPTIONS` with `Access-Control-Request-Method`. */
export function isPreflight(req: IncomingMessage): boolean {
  return req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
}

/**
 * The CORS of the routes at a preflight's path: the route of the requested method when it has
 * CORS, else the first route at that path that has one; null when none does.
 */
export function corsAtPath(table: TableRuntime, req: IncomingMessage): Cors | null {
  const url = req.url ?? '/';
  const requested = first(req.headers['access-control-request-method']).toUpperCase();
  let fallback: Cors | null = null;
  for (const method of table.methods) {
    const match = resolveRoute(table, method, url);
    if (match.kind !== 'hit' || match.runtime.cors === null) continue;
    if (method === requested) return match.runtime.cors;
    fallback ??= match.runtime.cors;
  }
  return fallback;
}
