/**
 * The request pipeline: lura's proxy layer in TypeScript.
 *
 * Job: turn one route of the table into a `Proxy` — a function from an endpoint-filtered request
 * and an AbortSignal to data + completeness + backend errors — built once per route at table
 * build time (backend URL templates, filters, round robin, pools, formatters).
 * Must not import: `src/api` (CRD types), `src/gateway`, Koa or any HTTP-server concern; it knows
 * only `src/ir`.
 * Invariant: per request, nothing is compiled or allocated that could have been built once per
 * table; partial aggregation is a result, a total failure is a rejected `GatewayError`.
 */
export { createEndpointProxy, CONCURRENT_TIMEOUT_SHARE, type EndpointProxyDeps, type BackendOutcome } from './endpoint-proxy.ts';
export { createBackendProxy, errorDetails, type BackendProxyDeps } from './backend-proxy.ts';
export { createParallelMerge, createSequentialMerge, MERGE_TIMEOUT_SHARE } from './merge-proxy.ts';
export { withDeadline, type Deadline } from './deadline.ts';
export { PoolRegistry, originOf, type PoolRegistryOptions } from './pool-registry.ts';
export { HOP_BY_HOP, isHopByHop, createUrlBuilder, createQueryFilter, createHeaderBuilder, createRoundRobin } from './request-builder.ts';
export { escapedPath, encodeQuery, parseQuery, pathUnescape, queryEscape, queryUnescape, UrlEscapeError } from './url.ts';
export { ERRORS, GatewayError, BackendStatusError, MergeError, gatewayError, toGatewayError, type ErrorCode, type ErrorSpec } from './errors.ts';
export type { Proxy, ProxyRequest, ProxyResult, ProxyData, NoopResponse, HeaderMap } from './types.ts';
export { QosState, type Clock } from './qos-state.ts';
export { TokenBucket, KeyedBuckets } from './token-bucket.ts';
export { CircuitBreaker } from './circuit-breaker.ts';
export { HttpCache } from './http-cache.ts';
export { withJsonSchema, BodyValidationError } from './json-schema.ts';
