/**
 * Schema of `GatewayEndpoint.spec`: KrakenD's `endpoint` object with Kubernetes-style field names.
 */
import { Type, type Static } from '@sinclair/typebox';
import { BackendSchema, HTTP_METHODS, type BackendSpec } from './backend-schema.ts';
import { duration, stringEnum, stringList, type CelRule } from './schema-helpers.ts';
import {
  CORS_NS,
  CORS_NS_LEGACY,
  corsSchema,
  JSON_SCHEMA_NS,
  JSON_SCHEMA_NS_LEGACY,
  jsonSchemaSchema,
  JWT_VALIDATOR_NS,
  JWT_VALIDATOR_NS_LEGACY,
  jwtValidatorSchema,
} from './security-schema.ts';
import { flatmapFilterSchema, RATELIMIT_ROUTER_NS, ROUTER_NS, ROUTER_NS_LEGACY, routerOptionsSchema, routerRateLimitSchema, staticProxySchema } from './qos-schema.ts';

/** Endpoint output encodings (renderers). */
export const OUTPUT_ENCODINGS = ['json', 'json-collection', 'string', 'no-op', 'negotiate', 'xml', 'yaml'] as const;

/** The short name of the endpoint proxy namespace (sequential, flatmap_filter, static). */
export const PROXY_NS = 'proxy';

/** The legacy (long) name of the endpoint proxy namespace. */
export const PROXY_NS_LEGACY = 'github.com/devopsfaith/krakend/proxy';

/** Regex (RE2 and JavaScript) of a placeholder in a backend `urlPattern` (KrakenD's loose pattern). */
export const URL_PLACEHOLDER_PATTERN = '[{][A-Za-z0-9_.:/-]+[}]';

/** Regex of an endpoint path whose `{param}`s are whole segments with KrakenD's strict names. */
export const ENDPOINT_SEGMENTS_PATTERN = '^(/([^/{}]*|[{][A-Za-z0-9_-]+[}]))*$';

/** Regex (unanchored, like KrakenD's) of the paths KrakenD reserves for itself. */
export const RESERVED_PATH_PATTERN = '/__(debug|echo|health)(/.*)?$';

const endpointRules: CelRule[] = [
  { rule: "self.startsWith('/')", message: 'must start with /' },
  { rule: "!self.contains('*')", message: 'must not contain *: wildcards are a KrakenD Enterprise feature that KrakenD CE cannot route' },
  { rule: `!self.matches('${RESERVED_PATH_PATTERN}')`, message: 'is reserved by KrakenD (/__debug, /__echo, /__health)' },
  {
    rule: `self.matches('${ENDPOINT_SEGMENTS_PATTERN}')`,
    message:
      "each {param} must be a whole path segment named with letters, digits, _ or - (e.g. /files/{name}); KrakenD would register /files/{name}.json as a param named 'name.json'",
  },
];

const proxyOptions = Type.Object(
  {
    sequential: Type.Optional(Type.Boolean({ description: 'Call the backends one after another instead of in parallel.' })),
    sequential_propagated_params: Type.Optional(
      stringList(
        'With sequential: values of earlier answers given to every later backend as params: resp<N>_<dot.path> (a field of backend N, as {resp<N>_<dot.path>} in a urlPattern), resp<N> (the raw body of no-op backend N, as {resp<N>}).',
        32,
      ),
    ),
    static: Type.Optional(staticProxySchema),
    flatmap_filter: Type.Optional(flatmapFilterSchema),
  },
  {
    description: 'KrakenD proxy options of the endpoint.',
    'x-kubernetes-preserve-unknown-fields': true,
  },
);

const endpointExtraConfig = Type.Object(
  {
    [PROXY_NS]: Type.Optional(proxyOptions),
    [PROXY_NS_LEGACY]: Type.Optional({ ...proxyOptions, description: 'Legacy spelling of proxy; proxy wins when both are present.' }),
    [ROUTER_NS]: Type.Optional(routerOptionsSchema),
    [ROUTER_NS_LEGACY]: Type.Optional({ ...routerOptionsSchema, description: 'Legacy spelling of router; router wins when both are present.' }),
    [RATELIMIT_ROUTER_NS]: Type.Optional(routerRateLimitSchema),
    [CORS_NS]: Type.Optional(corsSchema),
    [CORS_NS_LEGACY]: Type.Optional({ ...corsSchema, description: 'Legacy spelling of security/cors; security/cors wins when both are present.' }),
    [JWT_VALIDATOR_NS]: Type.Optional(jwtValidatorSchema),
    [JWT_VALIDATOR_NS_LEGACY]: Type.Optional({ ...jwtValidatorSchema, description: 'Legacy spelling of auth/validator; auth/validator wins when both are present.' }),
    [JSON_SCHEMA_NS]: Type.Optional(jsonSchemaSchema),
    [JSON_SCHEMA_NS_LEGACY]: Type.Optional({ ...jsonSchemaSchema, description: 'Legacy spelling of validation/json-schema; validation/json-schema wins when both are present.' }),
  },
  {
    description:
      'KrakenD endpoint extra_config namespaces, keys verbatim. proxy is typed; other namespaces are kept, and the controller warns about those koaxy does not implement.',
    'x-kubernetes-preserve-unknown-fields': true,
  },
);

const specRules: CelRule[] = [
  {
    rule: `self.backends.all(b, b.urlPattern.findAll('${URL_PLACEHOLDER_PATTERN}').all(p, p.startsWith('{resp') || p.startsWith('{JWT.') || self.endpoint.indexOf(p) >= 0))`,
    message: 'every {param} of a backend urlPattern must be a {param} of endpoint',
    fieldPath: '.backends',
  },
  {
    rule: "!has(self.outputEncoding) || self.outputEncoding != 'no-op' || size(self.backends) == 1",
    message: 'outputEncoding no-op needs exactly one backend',
    fieldPath: '.backends',
  },
];

/** Schema of `GatewayEndpoint.spec`. */
export const GatewayEndpointSpecSchema = Type.Object(
  {
    gateway: Type.Optional(
      Type.String({ description: 'Name of the koaxy gateway that serves this endpoint (its --gateway-name).', default: 'default', minLength: 1, maxLength: 63 }),
    ),
    endpoint: Type.String({
      description: 'Public path, with {param} segments (KrakenD endpoint), e.g. /users/{id}.',
      minLength: 1,
      // endpoint × urlPattern × backends bounds keep the param rule under the CEL cost budget
      // (checked with the API server's own CRD validation: 256 × 512 × 32 fits, 512 × 512 × 32 does not).
      maxLength: 256,
      'x-kubernetes-validations': endpointRules,
    }),
    method: Type.Optional(stringEnum(HTTP_METHODS, { description: 'HTTP method of the public route.', default: 'GET' })),
    outputEncoding: Type.Optional(stringEnum(OUTPUT_ENCODINGS, { description: 'How the merged answer is rendered to the client.', default: 'json' })),
    timeout: Type.Optional(duration('Deadline of the whole request (Go duration); several backends share 85 % of it.', '2s')),
    cacheTTL: Type.Optional(duration('Cache-Control: public, max-age=N on complete answers when non-zero (Go duration).', '0s')),
    concurrentCalls: Type.Optional(
      Type.Integer({ description: 'Identical requests sent to each backend; the first complete answer wins.', default: 1, minimum: 1, maximum: 16 }),
    ),
    inputHeaders: Type.Optional(stringList('Client headers forwarded to backends (case-insensitive; * for all; empty: Content-Type only).')),
    inputQueryStrings: Type.Optional(stringList('Client query-string keys forwarded to backends (case-sensitive; * for all; empty: none).')),
    extraConfig: Type.Optional(endpointExtraConfig),
    backends: Type.Array(BackendSchema, { description: 'Backends called for each request, merged in this order.', minItems: 1, maxItems: 32 }),
  },
  {
    description: 'Desired state: one KrakenD endpoint served by the named gateway.',
    'x-kubernetes-validations': specRules,
  },
);

/** `GatewayEndpoint.spec` as written (before defaults). */
export type GatewayEndpointSpec = Omit<Static<typeof GatewayEndpointSpecSchema>, 'backends' | 'extraConfig'> & {
  readonly backends: readonly BackendSpec[];
  readonly extraConfig?: Static<typeof endpointExtraConfig> & Record<string, unknown>;
};
