/**
 * The GatewayEndpoint API: the CRD's schema and static types from one TypeBox source, the API
 * coordinates, and the condition types and reasons of its status.
 *
 * Must not import: anything internal (api depends on nothing inside koaxy).
 * Invariant: the committed CRD (crds/) is exactly `renderCrdYaml()`; a test fails on drift.
 */
export * from './conditions.ts';
export * from './backend-schema.ts';
export * from './spec-schema.ts';
export {
  ROUTER_NS,
  ROUTER_NS_LEGACY,
  RATELIMIT_ROUTER_NS,
  RATELIMIT_PROXY_NS,
  CIRCUIT_BREAKER_NS,
  CIRCUIT_BREAKER_NS_LEGACY,
  HTTP_CACHE_NS,
  HTTP_CACHE_NS_LEGACY,
} from './qos-schema.ts';
export {
  CORS_NS,
  CORS_NS_LEGACY,
  JWT_VALIDATOR_NS,
  JWT_VALIDATOR_NS_LEGACY,
  JSON_SCHEMA_NS,
  JSON_SCHEMA_NS_LEGACY,
  JWT_ALGORITHMS,
} from './security-schema.ts';
export * from './status-schema.ts';
export * from './resource.ts';
export { DURATION_PATTERN, type CelRule } from './schema-helpers.ts';
export { buildCrd, renderCrdYaml, toStructural } from './crd.ts';
