/**
 * Normalises the security and validation namespaces of an endpoint into the route table
 * (spec §7.5–§7.7): CORS with rs/cors defaults, the JWT validator with krakend-jose defaults,
 * and the JSON Schema of the request body. The CRD schema already checked types; what is left
 * here is what one object can still get wrong (key sources, URLs, the JSON Schema itself).
 */
import { Ajv } from 'ajv';
import {
  CORS_NS,
  CORS_NS_LEGACY,
  JSON_SCHEMA_NS,
  JSON_SCHEMA_NS_LEGACY,
  JWT_VALIDATOR_NS,
  JWT_VALIDATOR_NS_LEGACY,
  type GatewayEndpointSpec,
} from '../api/index.ts';
import type { CorsConfig, JwkSource, JwtValidator, Route } from '../ir/index.ts';
import { parseDurationMs } from './duration.ts';
import { namespaceValue } from './extra-config.ts';
import type { Problem } from './types.ts';
import { placeholders } from './url-pattern.ts';

type Raw = Readonly<Record<string, unknown>>;

/** Seconds a fetched JWK set is kept when `cache_duration` is not set (krakend-jose: 15 min). */
export const DEFAULT_JWK_CACHE_SECONDS = 900;

const JWT_FIELD = `spec.extraConfig[${JWT_VALIDATOR_NS}]`;
const SCHEMA_FIELD = `spec.extraConfig[${JSON_SCHEMA_NS}]`;
const DRAFTS = /^https?:\/\/json-schema\.org\/draft-0[467]\/schema#?$/;

function strings(raw: Raw, key: string): string[] {
  const value = raw[key];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function str(raw: Raw, key: string, fallback: string): string {
  const value = raw[key];
  return typeof value === 'string' && value !== '' ? value : fallback;
}

function jwtRaw(spec: GatewayEndpointSpec): Raw | undefined {
  return namespaceValue(spec.extraConfig, JWT_VALIDATOR_NS, JWT_VALIDATOR_NS_LEGACY);
}

/** `security/cors` with rs/cors v1.11 defaults, or undefined when the endpoint has none. */
export function corsConfig(spec: GatewayEndpointSpec): CorsConfig | undefined {
  const raw = namespaceValue(spec.extraConfig, CORS_NS, CORS_NS_LEGACY);
  if (raw === undefined) return undefined;
  const origins = strings(raw, 'allow_origins').map((o) => o.toLowerCase());
  const methods = strings(raw, 'allow_methods').map((m) => m.toUpperCase());
  const headers = strings(raw, 'allow_headers').map((h) => h.toLowerCase());
  const maxAge = typeof raw['max_age'] === 'string' ? (parseDurationMs(raw['max_age']) ?? 0) : 0;
  const status = raw['options_success_status'];
  return {
    allowOrigins: origins.length === 0 ? ['*'] : origins,
    allowMethods: methods.length === 0 ? ['GET', 'POST', 'HEAD'] : methods,
    // rs/cors always allows Origin besides the listed headers.
    allowHeaders: headers.length === 0 || headers.includes('*') ? ['*'] : [...new Set([...headers, 'origin'])],
    exposeHeaders: strings(raw, 'expose_headers'),
    allowCredentials: raw['allow_credentials'] === true,
    allowPrivateNetwork: raw['allow_private_network'] === true,
    optionsPassthrough: raw['options_passthrough'] === true,
    optionsSuccessStatus: typeof status === 'number' ? status : 204,
    maxAgeSeconds: Math.floor(maxAge / 1000),
  };
}

function jwkSource(raw: Raw): JwkSource {
  const inline = raw['jwk_local'];
  if (inline !== null && typeof inline === 'object') return { kind: 'inline', jwks: inline as Record<string, unknown> };
  if (typeof raw['jwk_local_path'] === 'string' && raw['jwk_local_path'] !== '') return { kind: 'file', path: raw['jwk_local_path'] };
  const seconds = typeof raw['cache_duration'] === 'number' ? raw['cache_duration'] : DEFAULT_JWK_CACHE_SECONDS;
  return { kind: 'url', url: str(raw, 'jwk_url', ''), cacheMs: seconds * 1000 };
}

/** Claims the backend URLs of `spec` use as `{JWT.<claim>}`, sorted. */
export function urlClaims(spec: GatewayEndpointSpec): string[] {
  const claims = spec.backends.flatMap((b) => placeholders(b.urlPattern).filter((p) => p.startsWith('JWT.')).map((p) => p.slice(4)));
  return [...new Set(claims)].sort();
}

/** `auth/validator` with krakend-jose defaults, or undefined when the endpoint has none. */
export function jwtValidator(spec: GatewayEndpointSpec): JwtValidator | undefined {
  const raw = jwtRaw(spec);
  if (raw === undefined) return undefined;
  const rolesKey = str(raw, 'roles_key', 'roles');
  const scopesKey = str(raw, 'scopes_key', '');
  const claims = Array.isArray(raw['propagate_claims']) ? (raw['propagate_claims'] as string[][]) : [];
  return {
    alg: str(raw, 'alg', 'RS256'),
    keys: jwkSource(raw),
    audience: strings(raw, 'audience'),
    issuer: str(raw, 'issuer', ''),
    roles: strings(raw, 'roles'),
    rolesKey: raw['roles_key_is_nested'] === true ? rolesKey.split('.') : [rolesKey],
    // krakend-jose checks scopes only when scopes_key is set.
    scopes: scopesKey === '' ? [] : strings(raw, 'scopes'),
    scopesKey: scopesKey === '' ? [] : scopesKey.split('.'),
    scopesMatcher: raw['scopes_matcher'] === 'all' ? 'all' : 'any',
    authHeaderName: str(raw, 'auth_header_name', 'Authorization').toLowerCase(),
    cookieKey: str(raw, 'cookie_key', 'access_token'),
    propagateClaims: claims.map(([claim, header]) => [claim ?? '', (header ?? '').toLowerCase()] as const),
    leewayMs: typeof raw['leeway'] === 'string' ? (parseDurationMs(raw['leeway']) ?? 1000) : 1000,
    urlClaims: urlClaims(spec),
  };
}

/** The endpoint's JSON Schema as validated (`$schema` of drafts 4/6/7 dropped), or undefined. */
export function jsonSchema(spec: GatewayEndpointSpec): Record<string, unknown> | undefined {
  const raw = namespaceValue(spec.extraConfig, JSON_SCHEMA_NS, JSON_SCHEMA_NS_LEGACY);
  if (raw === undefined) return undefined;
  const { $schema, ...rest } = raw;
  return typeof $schema === 'string' && DRAFTS.test($schema) ? rest : { ...raw };
}

/** Endpoint-level security options for the route. */
export function securityOptions(spec: GatewayEndpointSpec): Pick<Route, 'cors' | 'jwt' | 'jsonSchema'> {
  const out: { cors?: CorsConfig; jwt?: JwtValidator; jsonSchema?: Record<string, unknown> } = {};
  const cors = corsConfig(spec);
  if (cors !== undefined) out.cors = cors;
  const jwt = jwtValidator(spec);
  if (jwt !== undefined) out.jwt = jwt;
  const schema = jsonSchema(spec);
  if (schema !== undefined) out.jsonSchema = schema;
  return out;
}

function invalid(field: string, message: string): Problem {
  return { reason: 'Invalid', field, message };
}

function jwkProblems(raw: Raw): Problem[] {
  const sources = ['jwk_url', 'jwk_local_path', 'jwk_local'].filter((key) => raw[key] !== undefined && raw[key] !== '');
  if (sources.length !== 1) return [invalid(JWT_FIELD, `needs exactly one of jwk_url, jwk_local_path or jwk_local (got ${sources.length === 0 ? 'none' : sources.join(', ')})`)];
  const local = raw['jwk_local'];
  if (local !== undefined && !Array.isArray((local as Raw)['keys'])) return [invalid(`${JWT_FIELD}.jwk_local`, 'must be a JWK set: {"keys": [...]}')];
  if (typeof raw['jwk_url'] !== 'string') return [];
  let url: URL;
  try {
    url = new URL(raw['jwk_url']);
  } catch {
    return [invalid(`${JWT_FIELD}.jwk_url`, 'must be an absolute URL')];
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && raw['disable_jwk_security'] === true)) return [];
  return [invalid(`${JWT_FIELD}.jwk_url`, 'must use https (set disable_jwk_security: true to allow http)')];
}

let schemaChecker: Ajv | undefined;

/** Why a JSON Schema cannot be compiled, or null. */
export function jsonSchemaError(schema: Record<string, unknown>): string | null {
  schemaChecker ??= new Ajv({ allErrors: true, strict: false });
  try {
    schemaChecker.compile(schema);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    schemaChecker.removeSchema(schema);
  }
}

/** Problems of the security namespaces and of `{JWT.x}` placeholders; `[]` when valid. */
export function securityProblems(spec: GatewayEndpointSpec): Problem[] {
  const problems: Problem[] = [];
  const raw = jwtRaw(spec);
  if (raw !== undefined) problems.push(...jwkProblems(raw));
  else {
    spec.backends.forEach((backend, i) => {
      const claim = placeholders(backend.urlPattern).find((p) => p.startsWith('JWT.'));
      if (claim !== undefined) problems.push(invalid(`spec.backends[${i}].urlPattern`, `{${claim}} needs an ${JWT_VALIDATOR_NS} on the endpoint`));
    });
  }
  const schema = jsonSchema(spec);
  const error = schema === undefined ? null : jsonSchemaError(schema);
  if (error !== null) problems.push(invalid(SCHEMA_FIELD, `is not a valid JSON Schema: ${error}`));
  return problems;
}

/** Warnings for security options that have no effect as written. */
export function securityWarnings(spec: GatewayEndpointSpec): string[] {
  const raw = jwtRaw(spec);
  if (raw === undefined || strings(raw, 'scopes').length === 0 || str(raw, 'scopes_key', '') !== '') return [];
  return [`${JWT_FIELD}.scopes: ignored without scopes_key (KrakenD checks scopes only when scopes_key is set)`];
}
