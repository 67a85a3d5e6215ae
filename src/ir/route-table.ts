/**
 * The route table: the intermediate representation between the compiler and the data plane.
 *
 * Job: describe every served route with defaults applied, names normalised and URL templates
 * parsed, so the data plane never re-reads or re-validates a resource.
 * Must not import: anything internal (this folder depends on nothing).
 * Invariant: plain, readonly, JSON-serialisable data. A table written with JSON.stringify and
 * read back with JSON.parse is the same table (the controller hands it to the proxy that way).
 */

/** HTTP methods an endpoint or backend may use (KrakenD's five; HEAD/OPTIONS are not routes). */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Endpoint `outputEncoding`: which renderer writes the client response. */
export type OutputEncoding = 'json' | 'json-collection' | 'string' | 'no-op' | 'negotiate' | 'xml' | 'yaml';

/** Backend `encoding`: which decoder reads the backend body. */
export type BackendEncoding = 'json' | 'safejson' | 'string' | 'xml' | 'no-op';

/**
 * A header filter: `'*'` forwards every client header; otherwise the lower-cased names to
 * forward. The compiler turns KrakenD's empty default into `['content-type']`.
 */
export type HeaderFilter = '*' | readonly string[];

/** A query-string filter: `'*'` forwards every key; otherwise the exact, case-sensitive keys. */
export type QueryFilter = '*' | readonly string[];

/** One piece of a parsed backend `urlPattern`. */
export type UrlPart =
  | { readonly kind: 'text'; readonly text: string }
  /** `{name}`: replaced by the endpoint param `name`; `inQuery` when it stands after the `?`. */
  | { readonly kind: 'param'; readonly name: string; readonly inQuery: boolean };

/** How a backend's non-200/201 HTTP answers reach the client (spec §1.2–§1.5). */
export type ErrorPolicy =
  | { readonly kind: 'default' }
  /** `return_error_details: name`: the failure becomes data under `error_<name>`, status 200. */
  | { readonly kind: 'details'; readonly name: string }
  /** `return_error_code: true`: a single failing backend passes its status code through. */
  | { readonly kind: 'code' };

/** One backend of a route, with every default applied. */
export interface Backend {
  /** Position in the endpoint's `backends` list; the merge order (later wins on collisions). */
  readonly index: number;
  /** Origins without trailing slash, e.g. `http://10.0.0.7:8080`; round robin in this order. */
  readonly hosts: readonly string[];
  /** The `urlPattern` as written, for messages and the debug endpoint. */
  readonly urlPattern: string;
  /** `urlPattern` parsed into text and param parts. */
  readonly url: readonly UrlPart[];
  /** Method sent to the backend (defaults to the endpoint's). */
  readonly method: HttpMethod;
  /** Decoder; forced to `no-op` when the endpoint's output is `no-op`. */
  readonly encoding: BackendEncoding;
  /** Expect a JSON array and wrap it as `{"collection": [...]}`. */
  readonly isCollection: boolean;
  /** Dot path extracted before filtering; `''` for none. */
  readonly target: string;
  /** Dot paths to keep (wins over `deny` when non-empty). */
  readonly allow: readonly string[];
  /** Dot paths to remove (ignored when `allow` is non-empty). */
  readonly deny: readonly string[];
  /** Top-level renames as `[from, to]` pairs, sorted by `from` so the result is deterministic. */
  readonly mapping: readonly (readonly [string, string])[];
  /** Wrap the backend's data under this key; `''` for none. */
  readonly group: string;
  /** What a non-200/201 answer becomes. */
  readonly errorPolicy: ErrorPolicy;
  /** Backend-level header filter applied after the endpoint's; `null` for none. */
  readonly inputHeaders: readonly string[] | null;
  /** Backend-level query filter applied after the endpoint's (`*` not special); `null` for none. */
  readonly inputQueryStrings: readonly string[] | null;
}

/** One served endpoint: a method and a path, answered by one or more backends. */
export interface Route {
  /** `METHOD path`, e.g. `GET /users/{id}`; unique within a table. */
  readonly id: string;
  /** The resource that produced this route (`namespace/name`) and its generation. */
  readonly source: { readonly key: string; readonly generation: number };
  readonly method: HttpMethod;
  /** KrakenD endpoint path with `{param}` segments, e.g. `/users/{id}`. */
  readonly path: string;
  /** Names of the `{param}` segments of `path`, in order. */
  readonly params: readonly string[];
  readonly outputEncoding: OutputEncoding;
  /** Whole-request deadline; the parallel merge uses 85 % of it. */
  readonly timeoutMs: number;
  /** `Cache-Control: public, max-age=floor(cacheTtlMs/1000)` on complete responses when non-zero. */
  readonly cacheTtlMs: number;
  /** Identical requests sent per backend, first complete answer wins (spec §3.4). */
  readonly concurrentCalls: number;
  /** Client headers forwarded to backends. */
  readonly inputHeaders: HeaderFilter;
  /** Client query keys forwarded to backends. */
  readonly inputQueryStrings: QueryFilter;
  /** How backends are combined. */
  readonly strategy: 'parallel' | 'sequential';
  readonly backends: readonly Backend[];
}

/** The whole table the data plane serves. */
export interface RouteTable {
  /** Content hash of `routes` (hex); equal tables have equal versions. */
  readonly version: string;
  /** Routes sorted by `path`, then `method`. */
  readonly routes: readonly Route[];
}
