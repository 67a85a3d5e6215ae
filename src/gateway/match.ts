/**
 * Route matching the way gin does it in KrakenD (spec §1.8, §5.1, DESIGN §7): the path is
 * percent-decoded BEFORE routing (so `%2F` is a `/`), then every matched param goes through
 * lura's param checker — a param that still holds a `%XX` escape, `?` or `#` is a 400, so a
 * double-encoded `..%252F` can never reach a backend path as `../`.
 */
import { type GatewayError, UrlEscapeError, gatewayError, pathUnescape } from '../proxy/index.ts';
import type { RouteRuntime, TableRuntime } from './runtime.ts';
import { HEALTH_PATH, type Redirect, findRedirect } from './redirect.ts';

/** The route a request matched, with its decoded params, or why none matched. */
export type Match =
  | { readonly kind: 'hit'; readonly runtime: RouteRuntime; readonly params: Readonly<Record<string, string>>; readonly rawQuery: string }
  | { readonly kind: 'miss'; readonly error: GatewayError }
  /** No route, but gin's router answers: a trailing-slash or fixed-path redirect (redirect.ts). */
  | { readonly kind: 'redirect'; readonly redirect: Redirect }
  /** `GET /__health` (spec §6.2). */
  | { readonly kind: 'health' };

const ROUTER_UNSAFE = /[%?#]/;
const ROUTER_UNSAFE_ALL = /[%?#]/g;
const ROUTER_ESCAPES: Record<string, string> = { '%': '%25', '?': '%3F', '#': '%23' };

/** lura's `paramChecker` on one decoded param value; null when it passes. */
export function checkParam(value: string): GatewayError | null {
  if (value.includes('%')) {
    try {
      if (pathUnescape(value) !== value) return gatewayError('KOAXY_ENCODED_URL_PARAMS');
    } catch (err) {
      if (err instanceof UrlEscapeError) return gatewayError('KOAXY_INVALID_URL_ESCAPE', `error: ${err.message}`);
      throw err;
    }
  }
  if (value.includes('?') || value.includes('#')) return gatewayError('KOAXY_ENCODED_URL_PARAMS');
  return null;
}

/** What gin answers without a route: `/__health`, a redirect (before 405, like gin), 405 or 404. */
function routerMiss(table: TableRuntime, method: string, path: string, routed: string, rawQuery: string): Match {
  if (path === HEALTH_PATH) return method === 'GET' ? { kind: 'health' } : { kind: 'miss', error: gatewayError('KOAXY_METHOD_NOT_ALLOWED') };
  const redirect = findRedirect(table, method, path, rawQuery);
  if (redirect !== null) return { kind: 'redirect', redirect };
  const code = table.matchesOtherMethod(method, routed) ? 'KOAXY_METHOD_NOT_ALLOWED' : 'KOAXY_ROUTE_NOT_FOUND';
  return { kind: 'miss', error: gatewayError(code) };
}

/** Matches `method` + request-target `url` against the table and checks the params. */
export function resolveRoute(table: TableRuntime, method: string, url: string): Match {
  const q = url.indexOf('?');
  const rawPath = q === -1 ? url : url.slice(0, q);
  let path: string;
  try {
    path = pathUnescape(rawPath);
  } catch {
    return { kind: 'miss', error: gatewayError('KOAXY_BAD_REQUEST_URL') };
  }
  // find-my-way decodes again; re-escape what it would otherwise interpret.
  const routed = ROUTER_UNSAFE.test(path) ? path.replace(ROUTER_UNSAFE_ALL, (c) => ROUTER_ESCAPES[c]!) : path;
  const found = table.find(method, routed);
  if (found === null) return routerMiss(table, method, path, routed, q === -1 ? '' : url.slice(q + 1));
  const params: Record<string, string> = {};
  for (const [key, name] of found.runtime.params) {
    const value = found.params[key] ?? '';
    const problem = checkParam(value);
    if (problem !== null) return { kind: 'miss', error: problem };
    params[name] = value;
  }
  return { kind: 'hit', runtime: found.runtime, params, rawQuery: q === -1 ? '' : url.slice(q + 1) };
}
