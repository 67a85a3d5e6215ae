/**
 * Schemas of the security and validation namespaces of an endpoint: `security/cors`,
 * `auth/validator` (JWT) and `validation/json-schema`. Keys stay verbatim (snake_case) so
 * KrakenD configs paste as is; `jwk_local` (inline keys) is a koaxy addition.
 */
import { Type } from '@sinclair/typebox';
import { DURATION_PATTERN } from './schema-helpers.ts';

/** The short name of the CORS namespace. */
export const CORS_NS = 'security/cors';
/** The legacy name of the CORS namespace. */
export const CORS_NS_LEGACY = 'github_com/devopsfaith/krakend-cors';
/** The short name of the JWT validator namespace. */
export const JWT_VALIDATOR_NS = 'auth/validator';
/** The legacy name of the JWT validator namespace. */
export const JWT_VALIDATOR_NS_LEGACY = 'github.com/devopsfaith/krakend-jose/validator';
/** The short name of the JSON Schema namespace. */
export const JSON_SCHEMA_NS = 'validation/json-schema';
/** The legacy name of the JSON Schema namespace. */
export const JSON_SCHEMA_NS_LEGACY = 'github.com/devopsfaith/krakend-jsonschema';

/** JWT signature algorithms accepted in `alg` (KrakenD's list). */
export const JWT_ALGORITHMS = ['EdDSA', 'HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512'] as const;

const goDuration = (description: string) => Type.String({ description, maxLength: 64, pattern: DURATION_PATTERN });
const names = (description: string) => Type.Array(Type.String({ maxLength: 256 }), { description, maxItems: 64 });
const text = (description: string) => Type.String({ description, maxLength: 2048 });

/** `security/cors` (spec §7.5; rs/cors semantics). */
export const corsSchema = Type.Object(
  {
    allow_origins: Type.Optional(names('Origins allowed (case-insensitive); * for any, or one * inside a value as a wildcard. Default: ["*"].')),
    allow_methods: Type.Optional(names('Methods a preflight may ask for. Default: GET, POST, HEAD.')),
    allow_headers: Type.Optional(names('Headers a preflight may ask for (case-insensitive); * for any. Default: ["*"].')),
    expose_headers: Type.Optional(names('Access-Control-Expose-Headers of actual requests.')),
    allow_credentials: Type.Optional(Type.Boolean({ description: 'Send Access-Control-Allow-Credentials: true.' })),
    allow_private_network: Type.Optional(Type.Boolean({ description: 'Answer Access-Control-Request-Private-Network preflights.' })),
    options_passthrough: Type.Optional(Type.Boolean({ description: 'Let preflights reach the router after adding the headers instead of answering them.' })),
    options_success_status: Type.Optional(Type.Integer({ description: 'Status of an answered preflight. Default 204.', minimum: 200, maximum: 299 })),
    max_age: Type.Optional(goDuration('Access-Control-Max-Age of preflights (Go duration, whole seconds sent).')),
    debug: Type.Optional(Type.Boolean({ description: 'KrakenD logs CORS decisions; koaxy ignores it.' })),
  },
  {
    description: 'CORS of this endpoint (KrakenD: service level). koaxy answers the preflight of the endpoint path before routing and adds CORS headers to actual requests.',
    'x-kubernetes-preserve-unknown-fields': true,
  },
);

/** `auth/validator` (spec §7.6; krakend-jose semantics). */
export const jwtValidatorSchema = Type.Object(
  {
    alg: Type.Optional(Type.Unsafe<(typeof JWT_ALGORITHMS)[number]>({ type: 'string', enum: [...JWT_ALGORITHMS], default: 'RS256', description: 'The only signature algorithm accepted.' })),
    jwk_url: Type.Optional(text('URL of the JWK set (https unless disable_jwk_security); fetched and cached.')),
    jwk_local_path: Type.Optional(text('Path of a JWK set file, read by the gateway when it loads the route.')),
    jwk_local: Type.Optional(
      Type.Unsafe<Record<string, unknown>>({ type: 'object', description: 'koaxy: an inline JWK set ({"keys": [...]}), instead of jwk_url or jwk_local_path.', 'x-kubernetes-preserve-unknown-fields': true }),
    ),
    disable_jwk_security: Type.Optional(Type.Boolean({ description: 'Allow a plain http jwk_url.' })),
    cache: Type.Optional(Type.Boolean({ description: 'KrakenD: cache the JWK set. koaxy always caches it.' })),
    cache_duration: Type.Optional(Type.Integer({ description: 'Seconds the fetched JWK set is kept. Default 900.', minimum: 1, maximum: 86400 })),
    audience: Type.Optional(names('Every listed audience must be in the token aud.')),
    issuer: Type.Optional(text('Required token iss.')),
    roles: Type.Optional(names('The token must hold at least one of these roles (403 otherwise).')),
    roles_key: Type.Optional(Type.String({ maxLength: 256, description: 'Claim holding the roles. Default roles.' })),
    roles_key_is_nested: Type.Optional(Type.Boolean({ description: 'roles_key is a dot path into nested claims.' })),
    scopes: Type.Optional(names('Scopes required (403 otherwise); needs scopes_key.')),
    scopes_key: Type.Optional(Type.String({ maxLength: 256, description: 'Claim (dot path) holding the scopes: a space-separated string or a list.' })),
    scopes_matcher: Type.Optional(Type.Unsafe<'any' | 'all'>({ type: 'string', enum: ['any', 'all'], default: 'any', description: 'any: one scope is enough; all: every scope.' })),
    cookie_key: Type.Optional(Type.String({ maxLength: 256, description: 'Cookie read when the header has no token. Default access_token.' })),
    auth_header_name: Type.Optional(Type.String({ maxLength: 256, description: 'Header carrying the token (optional Bearer prefix). Default Authorization.' })),
    propagate_claims: Type.Optional(
      Type.Array(Type.Array(Type.String({ maxLength: 256 }), { minItems: 2, maxItems: 2, description: '[claim, header]' }), {
        description: 'Copy claims into request headers ([claim, header] pairs); list the headers in inputHeaders to reach backends.',
        maxItems: 64,
      }),
    ),
    leeway: Type.Optional(goDuration('Clock skew accepted on exp, nbf and iat (Go duration). Default 1s.')),
    operation_debug: Type.Optional(Type.Boolean({ description: 'KrakenD logs validation failures; koaxy ignores it.' })),
  },
  { description: 'Require a valid JWT on this endpoint: 401 without one, 403 when roles or scopes do not match.', 'x-kubernetes-preserve-unknown-fields': true },
);

/** `validation/json-schema`: a JSON Schema document (spec §7.7). */
export const jsonSchemaSchema = Type.Unsafe<Record<string, unknown>>({
  type: 'object',
  description: 'A JSON Schema (draft 7) the request body must satisfy; 400 otherwise. An invalid schema rejects the resource.',
  'x-kubernetes-preserve-unknown-fields': true,
});
