/**
 * gin's router redirects, on by default in KrakenD (spec §1.8, §6.2; lura sets
 * `RedirectTrailingSlash` and `RedirectFixedPath`): a request that matches no route of its method
 * is redirected when the same method has a route at
 *   1. the path with its trailing slash added or removed (`/foo/` ↔ `/foo`), or
 *   2. the cleaned path (`//`, `/./`, `/../` resolved) matched case-insensitively (`/StAtic`),
 *      trailing slash fixed too;
 * with 301 for GET and 307 for any other method, `Location` the canonical path (the route's own
 * spelling of its static segments, the request's param values) and the query kept.
 * Only misses pay for this; the case-insensitive index is built per table on its first miss.
 */
import type { ServerResponse } from 'node:http';
import type { TableRuntime } from './runtime.ts';

/** KrakenD's health endpoint on the data port (spec §6.2); a GET route of every table. */
export const HEALTH_PATH = '/__health';

/** A redirect the router answers instead of 404/405. */
export interface Redirect {
  readonly status: 301 | 307;
  /** Escaped path plus `?query` when the request had one. */
  readonly location: string;
}

const ROUTER_UNSAFE_ALL = /[%?#]/g;
const ROUTER_ESCAPES: Record<string, string> = { '%': '%25', '?': '%3F', '#': '%23' };

/** A decoded path as find-my-way must see it (it decodes again). */
export function routerSafe(path: string): string {
  return path.replace(ROUTER_UNSAFE_ALL, (c) => ROUTER_ESCAPES[c]!);
}

/**
 * gin's `cleanPath`: Go's `path.Clean` (`.`/`..` resolved, repeated `/` collapsed, never above
 * the root) that also keeps a trailing slash.
 */
export function cleanPath(path: string): string {
  if (path === '') return '/';
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  const clean = `/${out.join('/')}`;
  return clean.length > 1 && path.endsWith('/') ? `${clean}/` : clean;
}

const KEEP = /[A-Za-z0-9\-_.~$&+,/:;=@]/;

/** Go's `url.URL.EscapedPath` of a decoded path (mode encodePath: UTF-8 bytes, upper-case hex). */
export function escapePath(path: string): string {
  let out = '';
  for (const ch of path) {
    if (ch.length === 1 && KEEP.test(ch)) out += ch;
    else for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function toggleSlash(path: string): string {
  return path.endsWith('/') ? path.slice(0, -1) : `${path}/`;
}

/** One level of the case-insensitive index: static segments lower-cased, or one `{param}`. */
interface Level {
  readonly statics: Map<string, Level>;
  param: Level | null;
  /** The route path ending here (first one wins when two differ only in case). */
  template: string | null;
}

const level = (): Level => ({ statics: new Map(), param: null, template: null });
/** Most levels one lookup visits (static-before-param backtracking stays bounded). */
const MAX_VISITS = 4096;

/**
 * Every route path of a table (and `/__health` for GET) by method, as a tree of whole segments
 * (params are whole segments, spec-rules.ts), static ones lower-cased. Built in one pass over
 * the routes, cheap enough to build on a table's first miss.
 */
class CaseInsensitiveIndex {
  readonly #roots = new Map<string, Level>();

  constructor(table: TableRuntime) {
    const templates: [string, string][] = table.table.routes.map((r) => [r.method, r.path]);
    templates.push(['GET', HEALTH_PATH]);
    for (const [method, template] of templates) {
      let node = this.#roots.get(method);
      if (node === undefined) this.#roots.set(method, (node = level()));
      for (const segment of template.split('/').slice(1)) {
        if (segment.startsWith('{') && segment.endsWith('}')) node = node.param ??= level();
        else {
          const key = segment.toLowerCase();
          let next = node.statics.get(key);
          if (next === undefined) node.statics.set(key, (next = level()));
          node = next;
        }
      }
      node.template ??= template;
    }
  }

  /** The route path whose static segments match `path`'s case-insensitively (static before param), or null. */
  find(method: string, path: string): string | null {
    const root = this.#roots.get(method);
    if (root === undefined) return null;
    const segments = path.toLowerCase().split('/').slice(1);
    let visits = 0;
    const walk = (node: Level, i: number): string | null => {
      if (++visits > MAX_VISITS) return null;
      if (i === segments.length) return node.template;
      const next = node.statics.get(segments[i]!);
      return (next === undefined ? null : walk(next, i + 1)) ?? (node.param === null || segments[i] === '' ? null : walk(node.param, i + 1));
    };
    return walk(root, 0);
  }
}

const indexes = new WeakMap<TableRuntime, CaseInsensitiveIndex>();

function indexOf(table: TableRuntime): CaseInsensitiveIndex {
  let index = indexes.get(table);
  if (index === undefined) indexes.set(table, (index = new CaseInsensitiveIndex(table)));
  return index;
}

/** The template's static segments with the request's param segments (both split on `/`). */
function canonical(template: string, path: string): string {
  const want = template.split('/');
  const have = path.split('/');
  return want.map((segment, i) => (segment.startsWith('{') && segment.endsWith('}') ? (have[i] ?? '') : segment)).join('/');
}

function exists(table: TableRuntime, method: string, path: string): boolean {
  return (method === 'GET' && path === HEALTH_PATH) || table.find(method, routerSafe(path)) !== null;
}

/** gin's fixed path: the canonical path of the cleaned, case-insensitive (and slash-fixed) match. */
function fixedPath(table: TableRuntime, method: string, path: string): string | null {
  const index = indexOf(table);
  const clean = cleanPath(path);
  for (const candidate of [clean, toggleSlash(clean)]) {
    if (candidate === '') continue;
    const template = index.find(method, candidate);
    if (template !== null) return canonical(template, candidate);
  }
  return null;
}

/**
 * The redirect gin answers for a `method` + decoded `path` that matched no route, or null.
 * `rawQuery` is the request's query as received. A target that would leave the origin
 * (`//host`) is never produced.
 */
export function findRedirect(table: TableRuntime, method: string, path: string, rawQuery: string): Redirect | null {
  if (path === '/' || method === 'CONNECT') return null;
  if (method !== 'GET' && !table.methods.includes(method as never)) return null;
  let target: string | null = null;
  const slashed = toggleSlash(path);
  if (slashed !== '' && exists(table, method, slashed)) target = slashed;
  else target = fixedPath(table, method, path);
  if (target === null || target === path || !target.startsWith('/') || target.startsWith('//')) return null;
  const location = escapePath(target) + (rawQuery === '' ? '' : `?${rawQuery}`);
  return { status: method === 'GET' ? 301 : 307, location };
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };

function htmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * Writes the redirect as Go's `http.Redirect` does: `Location`, and for GET a
 * `text/html; charset=utf-8` body `<a href="…">Moved Permanently</a>.` (no body otherwise).
 */
export function writeRedirect(res: ServerResponse, method: string, redirect: Redirect): void {
  res.statusCode = redirect.status;
  res.setHeader('Location', redirect.location);
  if (method !== 'GET') {
    res.end();
    return;
  }
  const body = `<a href="${htmlEscape(redirect.location)}">Moved Permanently</a>.\n\n`;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}
