/**
 * The factory (lura `proxy/factory.go`): one call per route at table build time assembles the
 * whole stack, read top to bottom —
 *   request body JSON Schema (`validation/json-schema`, 400 before any backend call)
 *   → endpoint deadline (route timeout)
 *   → static data (`proxy.static`) → endpoint flatmap (≥ 2 backends)
 *   → merge (parallel or sequential, 85 % of the timeout; skipped for a single backend)
 *   → per backend: concurrent calls (when > 1) → circuit breaker → proxy rate limit → request building → round robin → send →
 *     status policy → decode → entity formatter.
 */
import { finished } from 'node:stream';
import type { Backend, Route } from '../ir/index.ts';
import { type BackendProxyDeps, createBackendProxy } from './backend-proxy.ts';
import { CircuitBreaker, withCircuitBreaker, withProxyRateLimit } from './circuit-breaker.ts';
import { HttpCache } from './http-cache.ts';
import { QosState } from './qos-state.ts';
import { TokenBucket } from './token-bucket.ts';
import { withDeadline } from './deadline.ts';
import { toGatewayError } from './errors.ts';
import { createParallelMerge, createSequentialMerge, isResponseParam } from './merge-proxy.ts';
import { withFlatmap, withStatic } from './static-proxy.ts';
import { withJsonSchema } from './json-schema.ts';
import type { Proxy, ProxyResult } from './types.ts';

/** Share of the endpoint timeout concurrent calls may use (lura `NewConcurrentMiddleware`). */
export const CONCURRENT_TIMEOUT_SHARE = 0.75;

/** Outcome of one backend call, for metrics. */
export type BackendOutcome = 'ok' | 'incomplete' | 'error';

/** Dependencies of {@link createEndpointProxy}. */
export interface EndpointProxyDeps extends BackendProxyDeps {
  /** Called once per backend at build time; the returned function is told every call's outcome. */
  readonly observeBackend?: (route: Route, backend: Backend) => (outcome: BackendOutcome) => void;
}

function observed(next: Proxy, observe: (outcome: BackendOutcome) => void): Proxy {
  return (req, signal) =>
    next(req, signal).then(
      (result) => {
        observe(result.complete ? 'ok' : 'incomplete');
        return result;
      },
      (error: unknown) => {
        observe('error');
        throw error;
      },
    );
}

/**
 * `concurrent_calls` (spec §3.4): `n` identical calls, the first complete answer wins and the
 * others are cancelled; when none is complete, the last answer or error seen is returned.
 */
function createConcurrentProxy(next: Proxy, n: number, timeoutMs: number): Proxy {
  const ms = Math.floor(timeoutMs * CONCURRENT_TIMEOUT_SHARE);
  return (req, parent) =>
    new Promise<ProxyResult>((resolve, reject) => {
      const deadline = withDeadline(parent, ms);
      let pending = n;
      let last: { ok: true; result: ProxyResult } | { ok: false; error: unknown } | null = null;
      const settle = (outcome: NonNullable<typeof last>): void => {
        last = outcome;
        if (outcome.ok && outcome.result.complete) {
          // The losers are cancelled, unless the winner still streams a no-op body under the signal.
          if (outcome.result.noop === undefined) deadline.cancel();
          else deadline.dispose();
          resolve(outcome.result);
        } else if (--pending === 0) {
          deadline.dispose();
          if (last.ok) resolve(last.result);
          else reject(toGatewayError(last.error));
        }
      };
      for (let i = 0; i < n; i++) next(req, deadline.signal).then((result) => settle({ ok: true, result }), (error: unknown) => settle({ ok: false, error }));
    });
}

/** Bounds the whole request by the route timeout; a no-op body keeps the deadline until it ends. */
function withEndpointDeadline(inner: Proxy, timeoutMs: number): Proxy {
  return async (req, parent) => {
    const deadline = withDeadline(parent, timeoutMs);
    let result: ProxyResult;
    try {
      result = await inner(req, deadline.signal);
    } catch (err) {
      deadline.dispose();
      throw err;
    }
    if (result.noop === undefined) deadline.dispose();
    else finished(result.noop.body, () => deadline.dispose());
    return result;
  };
}

/**
 * One backend with its QoS layers (spec §0.1 step 6: circuit breaker → proxy rate limit → call
 * through the HTTP cache). Their state is looked up in `state` by route, backend and config, so
 * an unchanged backend keeps it across table swaps.
 */
function createBackendStack(route: Route, backend: Backend, deps: BackendProxyDeps, state: QosState): Proxy {
  const id = (feature: string, config: unknown): string => JSON.stringify([feature, route.id, backend.index, backend.hosts, backend.urlPattern, config]);
  const cacheConfig = backend.httpCache;
  const cache =
    cacheConfig === undefined
      ? undefined
      : state.get(cacheConfig.shared ? JSON.stringify(['http-cache:shared', cacheConfig]) : id('http-cache', cacheConfig), () => new HttpCache(cacheConfig, state.now));
  let proxy = createBackendProxy(backend, deps, { cache });
  const limit = backend.rateLimit;
  if (limit !== undefined) proxy = withProxyRateLimit(proxy, state.get(id('ratelimit', limit), () => new TokenBucket(limit, state.now)), state.now);
  const breaker = backend.circuitBreaker;
  if (breaker !== undefined) proxy = withCircuitBreaker(proxy, state.get(id('breaker', breaker), () => new CircuitBreaker(breaker, state.now)));
  return proxy;
}

/** Assembles the proxy stack of `route` (see the file comment for the order). */
export function createEndpointProxy(route: Route, deps: EndpointProxyDeps): Proxy {
  const state = deps.state ?? new QosState();
  const backends = route.backends.map((backend) => {
    let proxy = createBackendStack(route, backend, deps, state);
    if (deps.observeBackend !== undefined) proxy = observed(proxy, deps.observeBackend(route, backend));
    return route.concurrentCalls > 1 ? createConcurrentProxy(proxy, route.concurrentCalls, route.timeoutMs) : proxy;
  });
  if (backends.length === 0) throw new Error(`route ${route.id} has no backends`);
  let inner: Proxy;
  if (backends.length === 1) inner = backends[0]!;
  else if (route.strategy === 'sequential') {
    const respParams = route.backends.map((b) => b.url.flatMap((p) => (p.kind === 'param' && isResponseParam(p.name) ? [p.name] : [])));
    inner = createSequentialMerge(backends, respParams, route.timeoutMs, route.propagatedParams);
  } else inner = createParallelMerge(backends, route.timeoutMs);
  if (route.flatmap !== undefined && route.flatmap.length > 0 && backends.length > 1) inner = withFlatmap(inner, route.flatmap);
  if (route.static !== undefined) inner = withStatic(inner, route.static);
  const proxy = withEndpointDeadline(inner, route.timeoutMs);
  // validation/json-schema runs before static and merge (spec §0.1 step 5).
  return route.jsonSchema === undefined ? proxy : withJsonSchema(proxy, route.jsonSchema);
}
