/**
 * KrakenD `extra_config` namespaces: both spellings (the short one wins, spec §0), the error
 * policy of `backend/http` (spec §1.5), the sequential strategy, and warnings for what koaxy
 * does not implement.
 */
import {
  BACKEND_HTTP_NS,
  BACKEND_HTTP_NS_LEGACY,
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
  readonly keys: readonly string[];
}

const ENDPOINT_NAMESPACES: readonly KnownNamespace[] = [{ short: PROXY_NS, legacy: PROXY_NS_LEGACY, keys: ['sequential'] }];
const BACKEND_NAMESPACES: readonly KnownNamespace[] = [
  { short: BACKEND_HTTP_NS, legacy: BACKEND_HTTP_NS_LEGACY, keys: ['return_error_details', 'return_error_code'] },
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
    if (name === entry.legacy && extra[entry.short] !== undefined) {
      warnings.push(`${field}[${name}]: ignored because ${entry.short} is also set (the short spelling wins)`);
      continue;
    }
    const value = extra[name];
    for (const key of Object.keys(value !== null && typeof value === 'object' ? value : {}).sort()) {
      if (!entry.keys.includes(key)) warnings.push(`${field}[${name}].${key}: not implemented by koaxy, ignored`);
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
