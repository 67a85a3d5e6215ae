/**
 * `auth/validator` (spec §7.6) with krakend-jose semantics, compiled once per route: the token
 * from the header (optional `Bearer `) or the cookie, its signature against a JWK set (inline,
 * a file read when the runtime is built, or a URL fetched and cached across table swaps), `alg`,
 * `exp`/`nbf` with leeway, every `audience`, `issuer` → 401; roles (any of) and scopes → 403.
 * Claims are then propagated into request headers and into `JWT.<claim>` params for the URLs.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { type CryptoKey, type JSONWebKeySet, type JWK, type JWTPayload, importJWK, type JWTVerifyGetKey, createLocalJWKSet, createRemoteJWKSet, jwtVerify } from 'jose';
import type { JwtValidator } from '../ir/index.ts';
import { type GatewayError, type QosState, gatewayError } from '../proxy/index.ts';

/** The result of checking a request: the params with the JWT claims added, or the 401/403. */
export type AuthResult = { readonly params: Readonly<Record<string, string>>; readonly error?: undefined } | { readonly error: GatewayError };

/** Checks the JWT of one request; may write propagated claims into `req.headers`. */
export type Authorizer = (req: IncomingMessage, params: Readonly<Record<string, string>>) => Promise<AuthResult>;

/** How long a remote JWK set that failed to load is not asked again (jose's cooldown). */
const JWKS_COOLDOWN_MS = 30_000;
/** Timeout of one JWK set fetch. */
const JWKS_TIMEOUT_MS = 5_000;

/** HS* keys (`kty: oct`) of a local set, by `kid` (jose's JWK sets take asymmetric keys only). */
function symmetricKeys(jwks: JSONWebKeySet, alg: string): JWTVerifyGetKey {
  const keys = jwks.keys.filter((k) => k.kty === 'oct');
  const imported = new Map<JWK, Promise<CryptoKey | Uint8Array>>();
  return (header) => {
    const matching = keys.filter((k) => header.kid === undefined || k.kid === undefined || k.kid === header.kid);
    const jwk = matching.length === 1 ? matching[0]! : undefined;
    if (jwk === undefined) return Promise.reject(new Error('no single matching oct key in the JWK set'));
    let key = imported.get(jwk);
    if (key === undefined) imported.set(jwk, (key = importJWK(jwk, alg)));
    return key;
  };
}

function keyResolver(config: JwtValidator, state: QosState): JWTVerifyGetKey {
  const keys = config.keys;
  if (keys.kind !== 'url') {
    try {
      const jwks = keys.kind === 'inline' ? keys.jwks : JSON.parse(readFileSync(keys.path, 'utf8'));
      return config.alg.startsWith('HS') ? symmetricKeys(jwks as unknown as JSONWebKeySet, config.alg) : createLocalJWKSet(jwks as unknown as JSONWebKeySet);
    } catch (err) {
      // An unusable key set must not fail the whole table: every request of the route gets 401.
      return () => Promise.reject(err);
    }
  }
  if (config.alg.startsWith('HS')) {
    return state.get(JSON.stringify(['jwks-oct', keys.url, keys.cacheMs, config.alg]), () => remoteSymmetricKeys(keys.url, keys.cacheMs, config.alg));
  }
  return state.get(JSON.stringify(['jwks', keys.url, keys.cacheMs]), () =>
    createRemoteJWKSet(new URL(keys.url), { cacheMaxAge: keys.cacheMs, cooldownDuration: JWKS_COOLDOWN_MS, timeoutDuration: JWKS_TIMEOUT_MS }),
  );
}

/**
 * HS* keys of a remote set (jose's remote sets take asymmetric keys only): the set is fetched
 * once, kept for `cacheMs`, and a failed fetch is not retried for the cooldown.
 */
function remoteSymmetricKeys(url: string, cacheMs: number, alg: string): JWTVerifyGetKey {
  let current: { readonly at: number; readonly keys: Promise<JWTVerifyGetKey> } | null = null;
  const load = async (): Promise<JWTVerifyGetKey> => {
    const res = await fetch(url, { signal: AbortSignal.timeout(JWKS_TIMEOUT_MS), redirect: 'manual' });
    if (res.status !== 200) throw new Error(`JWK set ${url} answered ${res.status}`);
    const jwks = (await res.json()) as JSONWebKeySet;
    if (!Array.isArray(jwks?.keys)) throw new Error(`JWK set ${url} has no keys array`);
    return symmetricKeys(jwks, alg);
  };
  return async (header, token) => {
    const now = Date.now();
    if (current === null || now - current.at >= cacheMs) {
      const keys = load();
      current = { at: now, keys };
      // A failed fetch stays cached for the cooldown only, then the next request asks again.
      keys.catch(() => {
        current = { at: now - cacheMs + JWKS_COOLDOWN_MS, keys };
      });
    }
    return (await current.keys)(header, token);
  };
}

/** A claim by exact name, else by dot path into nested objects. */
export function claimAt(payload: Readonly<Record<string, unknown>>, path: string | readonly string[]): unknown {
  if (typeof path === 'string') {
    if (path in payload) return payload[path];
    path = path.split('.');
  }
  let value: unknown = payload;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/** A claim as header or URL text: strings as is, lists joined with `,`, objects as JSON. */
export function claimText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(claimText).join(',');
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function cookie(header: string | undefined, name: string): string {
  if (header === undefined) return '';
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at !== -1 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return '';
}

function tokenOf(req: IncomingMessage, config: JwtValidator): string {
  const raw = req.headers[config.authHeaderName];
  const header = (Array.isArray(raw) ? raw[0] : raw)?.trim() ?? '';
  if (header !== '') return /^bearer /i.test(header) ? header.slice(7).trim() : header;
  return cookie(req.headers.cookie, config.cookieKey);
}

function listOf(value: unknown, split: boolean): string[] {
  if (typeof value === 'string') return split ? value.split(' ').filter((s) => s !== '') : [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function audienceOk(payload: JWTPayload, required: readonly string[]): boolean {
  if (required.length === 0) return true;
  const aud = listOf(payload.aud, false);
  return required.every((a) => aud.includes(a));
}

function forbidden(payload: JWTPayload, config: JwtValidator): boolean {
  if (config.roles.length > 0) {
    const roles = listOf(claimAt(payload, config.rolesKey), false);
    if (!config.roles.some((r) => roles.includes(r))) return true;
  }
  if (config.scopes.length > 0) {
    const scopes = listOf(claimAt(payload, config.scopesKey), true);
    const has = (s: string) => scopes.includes(s);
    if (config.scopesMatcher === 'all' ? !config.scopes.every(has) : !config.scopes.some(has)) return true;
  }
  return false;
}

/** Compiles the validator of a route (JWK sets fetched from a URL live in `state`). */
export function createJwtValidator(config: JwtValidator, state: QosState): Authorizer {
  const getKey = keyResolver(config, state);
  const options = { algorithms: [config.alg], clockTolerance: config.leewayMs / 1000, ...(config.issuer !== '' ? { issuer: config.issuer } : {}) };
  return async (req, params) => {
    const token = tokenOf(req, config);
    if (token === '') return { error: gatewayError('KOAXY_UNAUTHORIZED') };
    let payload: JWTPayload;
    try {
      payload = (await jwtVerify(token, getKey, options)).payload;
    } catch (err) {
      return { error: gatewayError('KOAXY_UNAUTHORIZED', undefined, err) };
    }
    if (!audienceOk(payload, config.audience)) return { error: gatewayError('KOAXY_UNAUTHORIZED', 'token audience not accepted') };
    if (forbidden(payload, config)) return { error: gatewayError('KOAXY_FORBIDDEN') };
    for (const [claim, header] of config.propagateClaims) {
      const value = claimAt(payload, claim);
      // A client must not pass its own value for a header the gateway derives from the token.
      if (value === undefined) delete req.headers[header];
      else req.headers[header] = claimText(value);
    }
    if (config.urlClaims.length === 0) return { params };
    const withClaims: Record<string, string> = { ...params };
    for (const claim of config.urlClaims) {
      const value = claimAt(payload, claim);
      if (value !== undefined) withClaims[`JWT.${claim}`] = claimText(value);
    }
    return { params: withClaims };
  };
}
