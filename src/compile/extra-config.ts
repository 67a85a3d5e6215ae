/**
 * KrakenD `extra_config` namespaces: both spellings (the short one wins, spec §0), the error
 * policy of `backend/http` (spec §1.5), the sequential strategy, and warnings for what koaxy
 * does not implement.
 */
import {
  BACKEND_HTTP_NS,
  BACKEND_HTTP_NS_LEGACY,
  CORS_NS,
  CORS_NS_LEGACY,
  JSON_SCHEMA_NS,
  JSON_SCHEMA_NS_LEGACY,
  JWT_VALIDATOR_NS,
  JWT_VALIDATOR_NS_LEGACY,
  CIRCUIT_BREAKER_NS,
  CIRCUIT_BREAKER_NS_LEGACY,
  HTTP_CACHE_NS,
  HTTP_CACHE_NS_LEGACY,
  RATELIMIT_PROXY_NS,
  RATELIMIT_ROUTER_NS,
  ROUTER_NS,
  ROUTER_NS_LEGACY,
  PROXY_NS,
  PROXY_NS_LEGACY,
  type BackendSpec,
  type GatewayEndpointSpec,
} from '../api/index.ts';
import type { ErrorPolicy } from '../ir/index.ts';

type Namespaces = Readonly<Record<string, unknown>> | undefined;

/** A namespace koaxy implements: its two spellings and the keys it reads. */
interface KnownNamespace {
  readonly short: string;
  readonly legacy: string;
  /** `'*'`: the value is a document of its own (a JSON Schema), every key is read. */
  readonly keys: readonly string[] | '*';
}

const ENDPOINT_NAMESPACES: readonly KnownNamespace[] = [
  { short: PROXY_NS, legacy: PROXY_NS_LEGACY, keys: ['sequential', 'sequential_propagated_params', 'static', 'flatmap_filter'] },
  { short: ROUTER_NS, legacy: ROUTER_NS_LEGACY, keys: ['return_error_msg'] },
  { short: RATELIMIT_ROUTER_NS, legacy: RATELIMIT_ROUTER_NS, keys: ['max_rate', 'capacity', 'every', 'client_max_rate', 'client_capacity', 'strategy', 'key'] },
  {
    short: CORS_NS,
    legacy: CORS_NS_LEGACY,
    keys: ['allow_origins', 'allow_methods', 'allow_headers', 'expose_headers', 'allow_credentials', 'allow_private_network', 'options_passthrough', 'options_success_status', 'max_age'],
  },
  {
    short: JWT_VALIDATOR_NS,
    legacy: JWT_VALIDATOR_NS_LEGACY,
    keys: ['alg', 'jwk_url', 'jwk_local_path', 'jwk_local', 'disable_jwk_security', 'cache', 'cache_duration', 'audience', 'issuer', 'roles', 'roles_key', 'roles_key_is_nested', 'scopes', 'scopes_key', 'scopes_matcher', 'cookie_key', 'auth_header_name', 'propagate_claims', 'leeway'],
  },
  { short: JSON_SCHEMA_NS, legacy: JSON_SCHEMA_NS_LEGACY, keys: '*' },
];
const BACKEND_NAMESPACES: readonly KnownNamespace[] = [
  { short: BACKEND_HTTP_NS, legacy: BACKEND_HTTP_NS_LEGACY, keys: ['return_error_details', 'return_error_code'] },
  { short: PROXY_NS, legacy: PROXY_NS_LEGACY, keys: ['flatmap_filter'] },
  { short: RATELIMIT_PROXY_NS, legacy: RATELIMIT_PROXY_NS, keys: ['max_rate', 'capacity', 'every'] },
  { short: CIRCUIT_BREAKER_NS, legacy: CIRCUIT_BREAKER_NS_LEGACY, keys: ['interval', 'timeout', 'max_errors', 'name', 'log_status_change'] },
  { short: HTTP_CACHE_NS, legacy: HTTP_CACHE_NS_LEGACY, keys: ['shared', 'max_items', 'max_size'] },
];

/** The value of a namespace under either spelling; the short spelling wins when both are set. */
export function namespaceValue(extra: Namespaces, short: string, legacy: string): Readonly<Record<string, unknown>> | undefined {
  const value = extra?.[short] ?? extra?.[legacy];
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The error policy of a backend (spec §1.5, including KrakenD's quirk for an empty name). */
export function errorPolicy(backend: BackendSpec): ErrorPolicy {
  const http = namespaceValue(backend.extraConfig, BACKEND_HTTP_NS, BACKEND_HTTP_NS_LEGACY);
  if (http === undefined) return { kind: 'default' };
  if ('return_error_details' in http) {
    const name = http['return_error_details'];
    return typeof name === 'string' && name !== '' ? { kind: 'details', name } : { kind: 'default' };
  }
  return http['return_error_code'] === true ? { kind: 'code' } : { kind: 'default' };
}

/** `'sequential'` when the endpoint's proxy namespace says `sequential: true`. */
export function strategy(spec: GatewayEndpointSpec): 'parallel' | 'sequential' {
  const proxy = namespaceValue(spec.extraConfig, PROXY_NS, PROXY_NS_LEGACY);
  return proxy?.['sequential'] === true ? 'sequential' : 'parallel';
}

function levelWarnings(extra: Namespaces, known: readonly KnownNamespace[], field: string): string[] {
  if (extra === undefined) return [];
  const warnings: string[] = [];
  for (const name of Object.keys(extra).sort()) {
    const entry = known.find((ns) => ns.short === name || ns.legacy === name);
    if (entry === undefined) {
      warnings.push(`${field}[${name}]: namespace not implemented by koaxy, ignored`);
      continue;
    }
    if (name === entry.legacy && entry.legacy !== entry.short && extra[entry.short] !== undefined) {
      warnings.push(`${field}[${name}]: ignored because ${entry.short} is also set (the short spelling wins)`);
      continue;
    }
    const value = extra[name];
    for (const key of Object.keys(value !== null && typeof value === 'object' ? value : {}).sort()) {
      if (entry.keys !== '*' && !entry.keys.includes(key)) warnings.push(`${field}[${name}].${key}: not implemented by koaxy, ignored`);
    }
  }
  return warnings;
}

/** Warnings for namespaces and keys koaxy keeps but does not act on. */
export function extraConfigWarnings(spec: GatewayEndpointSpec): string[] {
  const warnings = levelWarnings(spec.extraConfig, ENDPOINT_NAMESPACES, 'spec.extraConfig');
  spec.backends.forEach((backend, i) => warnings.push(...levelWarnings(backend.extraConfig, BACKEND_NAMESPACES, `spec.backends[${i}].extraConfig`)));
  return warnings;
}
