/**
 * The runtime of one route table, built off the request path: a find-my-way router (radix tree,
 * cost independent of the number of routes), and per route its proxy stack, request reader and
 * bound metric children. It counts its requests in flight so the gateway knows when an old
 * table has drained.
 */
import FindMyWay from 'find-my-way';
import type { HttpMethod, Route, RouteTable } from '../ir/index.ts';
import { type EndpointProxyDeps, type Proxy, QosState, createEndpointProxy, originOf } from '../proxy/index.ts';
import { type ReaderOptions, type RequestReader, createRequestReader } from './client-request.ts';
import type { GatewayMetrics } from './metrics.ts';
import { type RouterLimiter, createRouterLimiter } from './rate-limit.ts';
import { type Cors, createCors } from './cors.ts';
import { type Authorizer, createJwtValidator } from './jwt-validator.ts';

/** Everything a request needs about its route, built once per table. */
export interface RouteRuntime {
  readonly route: Route;
  readonly proxy: Proxy;
  readonly read: RequestReader;
  /** Router param keys (`p0`, `p1`, …) paired with the route's param names. */
  readonly params: readonly (readonly [string, string])[];
  /** The `Cache-Control` value of complete responses, or null. */
  readonly cacheControl: string | null;
  /** `qos/ratelimit/router`, checked before the handler (no X-Krakend on its 429/503); null for none. */
  readonly limit: RouterLimiter | null;
  /** `security/cors` of the route (preflights of its path, headers of actual requests); null for none. */
  readonly cors: Cors | null;
  /** `auth/validator`, checked before the rate limit (401/403 without X-Krakend); null for none. */
  readonly authorize: Authorizer | null;
  /** Records one answered request: its status and duration (metric children bound per route). */
  readonly observe: (method: string, status: number, seconds: number) => void;
}

/** The `find-my-way` path of a KrakenD endpoint path: `{x}` → positional `:pN`, `:` escaped. */
export function routerPath(path: string): { path: string; keys: string[] } {
  const keys: string[] = [];
  const out = path.replace(/\{([^}/]+)\}|:/g, (match) => {
    if (match === ':') return '::';
    const key = `p${keys.length}`;
    keys.push(key);
    return `:${key}`;
  });
  return { path: out, keys };
}

/** Inputs of {@link TableRuntime}. */
export interface RuntimeDeps extends EndpointProxyDeps, ReaderOptions {
  readonly metrics: GatewayMetrics;
}

/** One table's router and route runtimes, with its in-flight request count. */
export class TableRuntime {
  /** The table this runtime serves. */
  readonly table: RouteTable;
  /** Origins of every backend host, for closing pools no table uses any more. */
  readonly origins: ReadonlySet<string>;
  /** Methods that have at least one route (for 405 detection). */
  readonly methods: readonly HttpMethod[];
  readonly #router: FindMyWay.Instance<FindMyWay.HTTPVersion.V1>;
  #inFlight = 0;
  #retired = false;
  #onDrained: (() => void) | null = null;

  constructor(table: RouteTable, deps: RuntimeDeps) {
    this.table = table;
    this.#router = FindMyWay({ caseSensitive: true, ignoreTrailingSlash: false, ignoreDuplicateSlashes: false, maxParamLength: 65_535 });
    const origins = new Set<string>();
    const methods = new Set<HttpMethod>();
    const stateful = { ...deps, state: deps.state ?? new QosState() };
    for (const route of table.routes) {
      for (const backend of route.backends) for (const host of backend.hosts) origins.add(originOf(host));
      methods.add(route.method);
      const { path, keys } = routerPath(route.path);
      this.#router.on(route.method, path, () => {}, buildRoute(route, keys, stateful));
    }
    this.origins = origins;
    this.methods = [...methods];
  }

  /** The route matching `method` and the decoded `path`, with its raw router params, or null. */
  find(method: string, path: string): { runtime: RouteRuntime; params: Record<string, string | undefined> } | null {
    const found = this.#router.find(method as FindMyWay.HTTPMethod, path);
    if (found === null) return null;
    return { runtime: found.store as RouteRuntime, params: found.params };
  }

  /** True when `path` matches a route of another method (the client gets 405, not 404). */
  matchesOtherMethod(method: string, path: string): boolean {
    return this.methods.some((m) => m !== method && this.#router.find(m, path) !== null);
  }

  /** Counts a request that started on this table. */
  enter(): void {
    this.#inFlight++;
  }

  /** Counts a request as finished; fires the drain callback when a retired table empties. */
  leave(): void {
    this.#inFlight--;
    if (this.#retired && this.#inFlight === 0) this.#drained();
  }

  /** Requests in flight on this table. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Marks the table as replaced; `onDrained` runs once its last request finished. */
  retire(onDrained: () => void): void {
    this.#retired = true;
    this.#onDrained = onDrained;
    if (this.#inFlight === 0) this.#drained();
  }

  #drained(): void {
    const callback = this.#onDrained;
    this.#onDrained = null;
    callback?.();
  }
}

function createObserver(route: Route, metrics: GatewayMetrics): RouteRuntime['observe'] {
  let duration: { observe(seconds: number): void } | null = null;
  const counters = new Map<number, { inc(): void }>();
  return (method, status, seconds) => {
    let counter = counters.get(status);
    if (counter === undefined) {
      const values = [route.id, method, String(status)];
      counters.set(status, (counter = metrics.requests.labels(...values)));
      metrics.routeChildren.track(metrics.requests, values);
    }
    counter.inc();
    if (duration === null) {
      duration = metrics.duration.labels(route.id);
      metrics.routeChildren.track(metrics.duration, [route.id]);
    }
    duration.observe(seconds);
  };
}

function buildRoute(route: Route, keys: readonly string[], deps: RuntimeDeps & { readonly state: QosState }): RouteRuntime {
  return {
    limit: createRouterLimiter(route, deps.state),
    cors: route.cors === undefined ? null : createCors(route.cors),
    authorize: route.jwt === undefined ? null : createJwtValidator(route.jwt, deps.state),
    route,
    proxy: createEndpointProxy(route, deps),
    read: createRequestReader(route, deps),
    params: keys.map((key, i) => [key, route.params[i] ?? key] as const),
    cacheControl: route.cacheTtlMs > 0 ? `public, max-age=${Math.floor(route.cacheTtlMs / 1000)}` : null,
    observe: createObserver(route, deps.metrics),
  };
}
