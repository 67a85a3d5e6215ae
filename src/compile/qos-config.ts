/**
 * Normalises the extra_config namespaces beyond backend/http into the route table (spec §1.6,
 * §3.6, §4.6, §7.1–§7.4): KrakenD's defaults applied, rates per second, durations in ms. The
 * schema already checked types and ranges; what is left here is semantics and warnings.
 */
import {
  CIRCUIT_BREAKER_NS,
  CIRCUIT_BREAKER_NS_LEGACY,
  HTTP_CACHE_NS,
  HTTP_CACHE_NS_LEGACY,
  PROXY_NS,
  PROXY_NS_LEGACY,
  RATELIMIT_PROXY_NS,
  RATELIMIT_ROUTER_NS,
  ROUTER_NS,
  ROUTER_NS_LEGACY,
  type BackendSpec,
  type GatewayEndpointSpec,
} from '../api/index.ts';
import type { Backend, FlatmapOp, Route, RouterRateLimit, StaticProxy, TokenBucketConfig } from '../ir/index.ts';
import { parseDurationMs } from './duration.ts';
import { namespaceValue } from './extra-config.ts';

type Raw = Readonly<Record<string, unknown>>;

/** Default `max_items` of `qos/http-cache`. */
export const DEFAULT_CACHE_ITEMS = 1024;
/** Default `max_size` (bytes) of `qos/http-cache`. */
export const DEFAULT_CACHE_BYTES = 32 * 1024 * 1024;

function num(raw: Raw, key: string): number {
  const value = raw[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** The per-second rate of `max_rate` per `every` (at least 1s, spec §7.1). */
function perSecond(maxRate: number, every: unknown): number {
  const everyMs = Math.max(1000, (typeof every === 'string' ? parseDurationMs(every) : null) ?? 1000);
  return (maxRate * 1000) / everyMs;
}

/** KrakenD's capacity default: the integer per-second rate, or 1 when `rateForTest` < 1. */
function capacity(explicit: number, rate: number, rateForTest: number): number {
  if (explicit > 0) return Math.floor(explicit);
  return rateForTest < 1 ? 1 : Math.max(1, Math.floor(rate));
}

function bucket(raw: Raw): TokenBucketConfig | undefined {
  const max = num(raw, 'max_rate');
  if (max <= 0) return undefined;
  const rate = perSecond(max, raw['every']);
  return { ratePerSecond: rate, capacity: capacity(num(raw, 'capacity'), rate, rate) };
}

/** `flatmap_filter` ops split into segments; undefined when empty. */
function flatmapOps(raw: Raw | undefined): FlatmapOp[] | undefined {
  const list = raw?.['flatmap_filter'];
  if (!Array.isArray(list) || list.length === 0) return undefined;
  return (list as { type: FlatmapOp['type']; args: string[] }[]).map((op) => ({ type: op.type, args: op.args.map((arg) => arg.split('.')) }));
}

/** `qos/ratelimit/router` → global and client buckets (client only with a known strategy). */
export function routerRateLimit(spec: GatewayEndpointSpec): RouterRateLimit | undefined {
  const raw = namespaceValue(spec.extraConfig, RATELIMIT_ROUTER_NS, RATELIMIT_ROUTER_NS);
  if (raw === undefined) return undefined;
  const global = bucket(raw);
  const clientMax = num(raw, 'client_max_rate');
  const strategy = raw['strategy'] as 'ip' | 'header' | 'param' | undefined;
  let client: RouterRateLimit['client'];
  if (clientMax > 0 && strategy !== undefined) {
    const rate = perSecond(clientMax, raw['every']);
    const globalRate = global?.ratePerSecond ?? 0;
    const key = typeof raw['key'] === 'string' ? raw['key'] : '';
    client = { ratePerSecond: rate, capacity: capacity(num(raw, 'client_capacity'), rate, globalRate), strategy, key: strategy === 'param' ? key : key.toLowerCase() };
  }
  if (global === undefined && client === undefined) return undefined;
  return { ...(global !== undefined ? { global } : {}), ...(client !== undefined ? { client } : {}) };
}

/** Endpoint-level options: static proxy, flatmap (≥ 2 backends), return_error_msg, router rate limit. */
export function routeOptions(spec: GatewayEndpointSpec): Pick<Route, 'static' | 'flatmap' | 'returnErrorMsg' | 'rateLimit'> {
  const proxy = namespaceValue(spec.extraConfig, PROXY_NS, PROXY_NS_LEGACY);
  const out: { static?: StaticProxy; flatmap?: FlatmapOp[]; returnErrorMsg?: boolean; rateLimit?: RouterRateLimit } = {};
  const rawStatic = proxy?.['static'] as { strategy?: StaticProxy['strategy']; data?: Record<string, unknown> } | undefined;
  if (rawStatic !== undefined) out.static = { strategy: rawStatic.strategy ?? 'always', data: rawStatic.data ?? {} };
  const ops = spec.backends.length > 1 ? flatmapOps(proxy) : undefined;
  if (ops !== undefined) out.flatmap = ops;
  if (namespaceValue(spec.extraConfig, ROUTER_NS, ROUTER_NS_LEGACY)?.['return_error_msg'] === true) out.returnErrorMsg = true;
  const rateLimit = routerRateLimit(spec);
  if (rateLimit !== undefined) out.rateLimit = rateLimit;
  return out;
}

/** Backend-level options: flatmap, proxy rate limit, circuit breaker, HTTP cache. */
export function backendOptions(backend: BackendSpec): Pick<Backend, 'flatmap' | 'rateLimit' | 'circuitBreaker' | 'httpCache'> {
  const out: { -readonly [K in 'flatmap' | 'rateLimit' | 'circuitBreaker' | 'httpCache']?: Backend[K] } = {};
  const ops = flatmapOps(namespaceValue(backend.extraConfig, PROXY_NS, PROXY_NS_LEGACY));
  if (ops !== undefined) out.flatmap = ops;
  const limit = namespaceValue(backend.extraConfig, RATELIMIT_PROXY_NS, RATELIMIT_PROXY_NS);
  const rateLimit = limit === undefined ? undefined : bucket(limit);
  if (rateLimit !== undefined) out.rateLimit = rateLimit;
  const cb = namespaceValue(backend.extraConfig, CIRCUIT_BREAKER_NS, CIRCUIT_BREAKER_NS_LEGACY);
  if (cb !== undefined) out.circuitBreaker = { intervalMs: num(cb, 'interval') * 1000, timeoutMs: num(cb, 'timeout') * 1000, maxErrors: num(cb, 'max_errors') };
  const cache = namespaceValue(backend.extraConfig, HTTP_CACHE_NS, HTTP_CACHE_NS_LEGACY);
  if (cache !== undefined) {
    out.httpCache = { shared: cache['shared'] === true, maxItems: num(cache, 'max_items') || DEFAULT_CACHE_ITEMS, maxSizeBytes: num(cache, 'max_size') || DEFAULT_CACHE_BYTES };
  }
  return out;
}

/** Warnings for options koaxy accepts but that have no effect as written. */
export function qosWarnings(spec: GatewayEndpointSpec): string[] {
  const warnings: string[] = [];
  const proxy = namespaceValue(spec.extraConfig, PROXY_NS, PROXY_NS_LEGACY);
  if (spec.backends.length < 2 && Array.isArray(proxy?.['flatmap_filter'])) {
    warnings.push('spec.extraConfig[proxy].flatmap_filter: ignored with a single backend (KrakenD applies it only to merged answers; put it on the backend)');
  }
  const rl = namespaceValue(spec.extraConfig, RATELIMIT_ROUTER_NS, RATELIMIT_ROUTER_NS);
  if (rl !== undefined && num(rl, 'client_max_rate') > 0 && rl['strategy'] === undefined) {
    warnings.push(`spec.extraConfig[${RATELIMIT_ROUTER_NS}].client_max_rate: ignored without strategy (ip, header or param)`);
  }
  return warnings;
}
