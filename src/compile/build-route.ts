/**
 * Turns a valid, defaulted spec and its resolved origins into an IR route: every default
 * applied, names normalised, URL patterns parsed (spec §3.8, §5.3, §5.4).
 */
import type { BackendSpec, GatewayEndpointSpec } from '../api/index.ts';
import type { Backend, BackendEncoding, HeaderFilter, QueryFilter, Route } from '../ir/index.ts';
import { parseDurationMs } from './duration.ts';
import { errorPolicy, strategy } from './extra-config.ts';
import { backendOptions, routeOptions } from './qos-config.ts';
import { securityOptions } from './security-config.ts';
import { endpointParams, parseUrlPattern } from './url-pattern.ts';
import { propagatedParams } from './sequential.ts';

/** KrakenD's default endpoint timeout, also used for `timeout: 0`. */
export const DEFAULT_TIMEOUT_MS = 2000;

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Endpoint header filter: `[]` → `['content-type']`, any `*` → `'*'`, names lower-cased. */
export function headerFilter(names: readonly string[] | undefined): HeaderFilter {
  if (names === undefined || names.length === 0) return ['content-type'];
  if (names.includes('*')) return '*';
  return sortedUnique(names.map((name) => name.toLowerCase()));
}

/** Endpoint query filter: `[]` → none, any `*` → `'*'`, exact (case-sensitive) keys. */
export function queryFilter(names: readonly string[] | undefined): QueryFilter {
  if (names === undefined || names.length === 0) return [];
  if (names.includes('*')) return '*';
  return sortedUnique(names);
}

function backendEncoding(spec: GatewayEndpointSpec, backend: BackendSpec): BackendEncoding {
  if (spec.outputEncoding === 'no-op') return 'no-op';
  return backend.encoding ?? 'json';
}

function buildBackend(spec: GatewayEndpointSpec, backend: BackendSpec, index: number, origins: readonly string[]): Backend {
  const mapping = Object.entries(backend.mapping ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    index,
    hosts: origins,
    urlPattern: backend.urlPattern,
    url: parseUrlPattern(backend.urlPattern),
    method: backend.method ?? spec.method ?? 'GET',
    encoding: backendEncoding(spec, backend),
    isCollection: backend.isCollection ?? false,
    target: backend.target ?? '',
    allow: backend.allow ?? [],
    deny: backend.deny ?? [],
    mapping,
    group: backend.group ?? '',
    errorPolicy: errorPolicy(backend),
    inputHeaders: backend.inputHeaders === undefined || backend.inputHeaders.length === 0 ? null : backend.inputHeaders.map((h) => h.toLowerCase()),
    inputQueryStrings: backend.inputQueryStrings === undefined || backend.inputQueryStrings.length === 0 ? null : [...backend.inputQueryStrings],
    ...backendOptions(backend),
  };
}

/** Builds the route of a resource (`origins[i]` are backend i's resolved hosts). */
export function buildRoute(key: string, generation: number, spec: GatewayEndpointSpec, origins: readonly (readonly string[])[]): Route {
  const method = spec.method ?? 'GET';
  const timeoutMs = parseDurationMs(spec.timeout ?? '2s') ?? DEFAULT_TIMEOUT_MS;
  const propagated = propagatedParams(spec);
  return {
    id: `${method} ${spec.endpoint}`,
    source: { key, generation },
    method,
    path: spec.endpoint,
    params: endpointParams(spec.endpoint),
    outputEncoding: spec.outputEncoding ?? 'json',
    timeoutMs: timeoutMs === 0 ? DEFAULT_TIMEOUT_MS : timeoutMs,
    cacheTtlMs: parseDurationMs(spec.cacheTTL ?? '0s') ?? 0,
    concurrentCalls: spec.concurrentCalls ?? 1,
    inputHeaders: headerFilter(spec.inputHeaders),
    inputQueryStrings: queryFilter(spec.inputQueryStrings),
    strategy: strategy(spec),
    backends: spec.backends.map((backend, i) => buildBackend(spec, backend, i, origins[i] ?? [])),
    ...(propagated !== undefined ? { propagatedParams: propagated } : {}),
    ...routeOptions(spec),
    ...securityOptions(spec),
  };
}
