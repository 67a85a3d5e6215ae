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
  /** `proxy.flatmap_filter`: replaces allow/deny/mapping (target → ops → group); absent for none. */
  readonly flatmap?: readonly FlatmapOp[];
  /** `qos/ratelimit/proxy`: a token bucket shared by every call of this backend. */
  readonly rateLimit?: TokenBucketConfig;
  /** `qos/circuit-breaker`: gobreaker around the backend call. */
  readonly circuitBreaker?: CircuitBreakerConfig;
  /** `qos/http-cache`: an RFC 7234 private cache of GET/HEAD answers. */
  readonly httpCache?: HttpCacheConfig;
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
  /**
   * `proxy.sequential_propagated_params` (sequential only): params every later backend gets —
   * `resp<N>_<dot.path>` (a field of backend N's formatted data) or `resp<N>` (the raw body of
   * no-op backend N); absent for none.
   */
  readonly propagatedParams?: readonly string[];
  readonly backends: readonly Backend[];
  /** `proxy.static`: data copied over the answer when the strategy matches (spec §3.6). */
  readonly static?: StaticProxy;
  /** Endpoint-level `proxy.flatmap_filter` on the merged answer; only set with ≥ 2 backends. */
  readonly flatmap?: readonly FlatmapOp[];
  /** `router.return_error_msg`: a failed request's body is its error text (spec §1.6). */
  readonly returnErrorMsg?: boolean;
  /** `qos/ratelimit/router`: global and per-client token buckets (spec §7.1). */
  readonly rateLimit?: RouterRateLimit;
  /** `security/cors`: preflight answers at this path and CORS headers on actual requests (spec §7.5). */
  readonly cors?: CorsConfig;
  /** `auth/validator`: the JWT every request must carry, checked before the rate limit (spec §7.6). */
  readonly jwt?: JwtValidator;
  /** `validation/json-schema`: the JSON Schema the request body must satisfy (spec §7.7). */
  readonly jsonSchema?: Readonly<Record<string, unknown>>;
}

/** One `flatmap_filter` operation; args are dot paths split into segments (`*` any key/index). */
export interface FlatmapOp {
  readonly type: 'move' | 'del' | 'append';
  readonly args: readonly (readonly string[])[];
}

/** When static data is copied over the answer (lura `proxy/static.go`). */
export type StaticStrategy = 'always' | 'success' | 'errored' | 'complete' | 'incomplete';

/** The endpoint's static proxy. */
export interface StaticProxy {
  readonly strategy: StaticStrategy;
  readonly data: Readonly<Record<string, unknown>>;
}

/** A token bucket: `ratePerSecond` tokens refill per second, at most `capacity` held. */
export interface TokenBucketConfig {
  readonly ratePerSecond: number;
  readonly capacity: number;
}

/** `qos/ratelimit/router` after KrakenD's defaults: a global bucket and/or one per client. */
export interface RouterRateLimit {
  /** Shared by every client (503 when empty); absent when `max_rate` is 0. */
  readonly global?: TokenBucketConfig;
  /** One bucket per client key (429 when empty or when the key is missing). */
  readonly client?: TokenBucketConfig & {
    readonly strategy: 'ip' | 'header' | 'param';
    /** Header name (lower-cased) for `header` and `ip`, param name for `param`; `''` for none. */
    readonly key: string;
  };
}

/** gobreaker settings (spec §7.3). */
export interface CircuitBreakerConfig {
  /** Closed-state counters reset every `intervalMs`; 0 never. */
  readonly intervalMs: number;
  /** Open → half-open after `timeoutMs`. */
  readonly timeoutMs: number;
  /** Trips when consecutive failures exceed this. */
  readonly maxErrors: number;
}

/** Bounds of one backend's HTTP cache (LRU). */
export interface HttpCacheConfig {
  /** One cache shared by every backend with `shared: true` (else one per backend). */
  readonly shared: boolean;
  readonly maxItems: number;
  readonly maxSizeBytes: number;
}

/** `security/cors` after rs/cors defaults (spec §7.5). */
export interface CorsConfig {
  /** Lower-cased origins; `*` allows any, one `*` inside a value is a wildcard. */
  readonly allowOrigins: readonly string[];
  /** Upper-cased methods a preflight may ask for (and actual requests may use). */
  readonly allowMethods: readonly string[];
  /** Lower-cased header names a preflight may ask for; `*` allows any. */
  readonly allowHeaders: readonly string[];
  /** `Access-Control-Expose-Headers` of actual requests, as written. */
  readonly exposeHeaders: readonly string[];
  readonly allowCredentials: boolean;
  readonly allowPrivateNetwork: boolean;
  /** Let the preflight reach the router instead of answering it. */
  readonly optionsPassthrough: boolean;
  /** Status of an answered preflight (204 by default). */
  readonly optionsSuccessStatus: number;
  /** `Access-Control-Max-Age` in seconds; 0 for none. */
  readonly maxAgeSeconds: number;
}

/** Where the JWT validator finds its keys. */
export type JwkSource =
  /** Inline keys (`jwk_local`, a koaxy key) as a JWK set. */
  | { readonly kind: 'inline'; readonly jwks: Readonly<Record<string, unknown>> }
  /** `jwk_local_path`: a JWK set file read when the runtime is built. */
  | { readonly kind: 'file'; readonly path: string }
  /** `jwk_url`: fetched and cached for `cacheMs`. */
  | { readonly kind: 'url'; readonly url: string; readonly cacheMs: number };

/** `auth/validator` with KrakenD's defaults applied (spec §7.6). */
export interface JwtValidator {
  /** The only accepted `alg` (e.g. `RS256`). */
  readonly alg: string;
  readonly keys: JwkSource;
  /** Every listed audience must be in the token's `aud`; empty for no check. */
  readonly audience: readonly string[];
  /** Required `iss`; `''` for no check. */
  readonly issuer: string;
  /** Any one of these roles is required; empty for no check. */
  readonly roles: readonly string[];
  /** Claim path of the roles (one segment unless `roles_key_is_nested`). */
  readonly rolesKey: readonly string[];
  /** Required scopes; empty for no check. */
  readonly scopes: readonly string[];
  /** Claim path of the scopes (dot path), a space-separated string or a list. */
  readonly scopesKey: readonly string[];
  readonly scopesMatcher: 'any' | 'all';
  /** Lower-cased header carrying the token (optional `Bearer ` prefix). */
  readonly authHeaderName: string;
  /** Cookie read when the header is absent. */
  readonly cookieKey: string;
  /** `[claim path, lower-cased header]` pairs written into the client request. */
  readonly propagateClaims: readonly (readonly [string, string])[];
  /** Clock skew allowed on `exp`/`nbf`/`iat`. */
  readonly leewayMs: number;
  /** Claim paths the backend URLs use as `{JWT.<claim>}`. */
  readonly urlClaims: readonly string[];
}

/** The whole table the data plane serves. */
export interface RouteTable {
  /** Content hash of `routes` (hex); equal tables have equal versions. */
  readonly version: string;
  /** Routes sorted by `path`, then `method`. */
  readonly routes: readonly Route[];
}
