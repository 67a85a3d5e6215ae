/**
 * Schemas of the KrakenD extra_config namespaces koaxy implements beyond backend/http and
 * proxy.sequential: static proxy and flatmap_filter (proxy), router options, rate limits,
 * circuit breaker and HTTP cache. Keys stay verbatim (snake_case) so KrakenD configs paste as is.
 */
import { Type } from '@sinclair/typebox';
import { DURATION_PATTERN } from './schema-helpers.ts';

/** The short name of the service router namespace (koaxy reads it per endpoint). */
export const ROUTER_NS = 'router';
/** The legacy name of the router namespace. */
export const ROUTER_NS_LEGACY = 'github_com/luraproject/lura/router/gin';
/** The endpoint rate-limit namespace (no legacy spelling). */
export const RATELIMIT_ROUTER_NS = 'qos/ratelimit/router';
/** The backend rate-limit namespace (no legacy spelling). */
export const RATELIMIT_PROXY_NS = 'qos/ratelimit/proxy';
/** The short name of the circuit-breaker namespace. */
export const CIRCUIT_BREAKER_NS = 'qos/circuit-breaker';
/** The legacy name of the circuit-breaker namespace. */
export const CIRCUIT_BREAKER_NS_LEGACY = 'github.com/devopsfaith/krakend-circuitbreaker/gobreaker';
/** The short name of the HTTP-cache namespace. */
export const HTTP_CACHE_NS = 'qos/http-cache';
/** The legacy name of the HTTP-cache namespace. */
export const HTTP_CACHE_NS_LEGACY = 'github.com/devopsfaith/krakend-httpcache';

const goDuration = (description: string) => Type.String({ description, maxLength: 64, pattern: DURATION_PATTERN });
const rate = (description: string) => Type.Number({ description, minimum: 0, maximum: 1e9 });
const count = (description: string, minimum = 0) => Type.Integer({ description, minimum, maximum: 1e9 });

/** `flatmap_filter`: operations on the flattened answer (spec §4.6). */
export const flatmapFilterSchema = Type.Array(
  Type.Object(
    {
      type: Type.Unsafe<'move' | 'del' | 'append'>({ type: 'string', enum: ['move', 'del', 'append'], description: 'move [src, dst], del [paths...] or append [src, dst].' }),
      args: Type.Array(Type.String({ maxLength: 256 }), { description: 'Dot paths; * matches any key or index, numbers index lists.', minItems: 1, maxItems: 16 }),
    },
    { description: 'One flatmap operation.' },
  ),
  { description: 'Operations applied in order to the flattened answer; replaces allow, deny and mapping (endpoint level: only with 2 or more backends).', maxItems: 32 },
);

/** `proxy.static`: data merged into the answer when the strategy matches (spec §3.6). */
export const staticProxySchema = Type.Object(
  {
    strategy: Type.Optional(
      Type.Unsafe<'always' | 'success' | 'errored' | 'complete' | 'incomplete'>({
        type: 'string',
        enum: ['always', 'success', 'errored', 'complete', 'incomplete'],
        default: 'always',
        description: 'When to add the data: always, success (no backend failed), errored, complete, incomplete.',
      }),
    ),
    data: Type.Optional(Type.Unsafe<Record<string, unknown>>({ type: 'object', description: 'Keys copied over the answer.', 'x-kubernetes-preserve-unknown-fields': true })),
  },
  { description: 'Static data added to the answer (a failing backend + errored answers 200 with it).' },
);

/** The router namespace, read per endpoint by koaxy. */
export const routerOptionsSchema = Type.Object(
  {
    return_error_msg: Type.Optional(Type.Boolean({ description: 'A failed request answers with its error text instead of an empty body (KrakenD service option, per endpoint in koaxy).' })),
  },
  { description: 'KrakenD router options that koaxy applies to this endpoint.', 'x-kubernetes-preserve-unknown-fields': true },
);

/** `qos/ratelimit/router` (spec §7.1). */
export const routerRateLimitSchema = Type.Object(
  {
    max_rate: Type.Optional(rate('Requests per every for all clients together; 503 beyond it. 0 disables.')),
    capacity: Type.Optional(count('Bucket size of the global limit; default: the per-second rate (at least 1).')),
    every: Type.Optional(goDuration('Period of max_rate and client_max_rate (Go duration, at least 1s).')),
    client_max_rate: Type.Optional(rate('Requests per every for each client; 429 beyond it. 0 disables.')),
    client_capacity: Type.Optional(count('Bucket size of each client.')),
    strategy: Type.Optional(Type.Unsafe<'ip' | 'header' | 'param'>({ type: 'string', enum: ['ip', 'header', 'param'], description: 'How a client is identified: ip, header or param.' })),
    key: Type.Optional(Type.String({ maxLength: 256, description: 'Header (header, or ip from a header) or endpoint param (param) naming the client.' })),
  },
  { description: 'Token-bucket rate limits of the endpoint.', 'x-kubernetes-preserve-unknown-fields': true },
);

/** `qos/ratelimit/proxy` (spec §7.2). */
export const proxyRateLimitSchema = Type.Object(
  {
    max_rate: Type.Optional(rate('Calls per every to this backend; a limited call fails like a backend error.')),
    capacity: Type.Optional(count('Bucket size; default: the per-second rate (at least 1).')),
    every: Type.Optional(goDuration('Period of max_rate (Go duration, at least 1s).')),
  },
  { description: 'Token-bucket rate limit of the calls to this backend.', 'x-kubernetes-preserve-unknown-fields': true },
);

/** `qos/circuit-breaker` (spec §7.3). */
export const circuitBreakerSchema = Type.Object(
  {
    interval: Type.Optional(count('Seconds after which the failure counters of the closed state reset; 0 never.')),
    timeout: Type.Optional(count('Seconds the breaker stays open before letting one call through; 0 means 60.')),
    max_errors: Type.Optional(count('The breaker opens when consecutive failures exceed this.')),
    name: Type.Optional(Type.String({ maxLength: 256, description: 'Name used in logs.' })),
    log_status_change: Type.Optional(Type.Boolean({ description: 'Log state changes.' })),
  },
  { description: 'Circuit breaker around this backend (open: calls fail at once with circuit breaker is open).', 'x-kubernetes-preserve-unknown-fields': true },
);

/** `qos/http-cache` (spec §7.4). */
export const httpCacheSchema = Type.Object(
  {
    shared: Type.Optional(Type.Boolean({ description: 'Use one cache shared by every backend that sets shared.' })),
    max_items: Type.Optional(count('Most answers kept (least recently used evicted); default 1024.', 1)),
    max_size: Type.Optional(count('Most bytes kept; default 33554432 (32 MiB).', 1)),
  },
  { description: 'RFC 7234 private cache of GET answers of this backend, bounded in memory.', 'x-kubernetes-preserve-unknown-fields': true },
);
