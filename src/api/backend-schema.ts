/**
 * Schema of one backend of a GatewayEndpoint (`spec.backends[*]`), KrakenD's `backend` object.
 */
import { Type, type Static } from '@sinclair/typebox';
import { stringEnum, stringList, stringMap, type CelRule } from './schema-helpers.ts';
import {
  CIRCUIT_BREAKER_NS,
  CIRCUIT_BREAKER_NS_LEGACY,
  HTTP_CACHE_NS,
  HTTP_CACHE_NS_LEGACY,
  RATELIMIT_PROXY_NS,
  circuitBreakerSchema,
  flatmapFilterSchema,
  httpCacheSchema,
  proxyRateLimitSchema,
} from './qos-schema.ts';

/** HTTP methods of endpoints and backends. */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Backend decoders. */
export const BACKEND_ENCODINGS = ['json', 'safejson', 'string', 'xml', 'no-op'] as const;

/** The short name of the backend HTTP namespace (error policy). */
export const BACKEND_HTTP_NS = 'backend/http';

/** The legacy (long) name of the backend HTTP namespace. */
export const BACKEND_HTTP_NS_LEGACY = 'github.com/devopsfaith/krakend/http';

const backendHttpOptions = Type.Object(
  {
    return_error_details: Type.Optional(
      Type.String({
        maxLength: 253,
        description:
          'Turn a non-200/201 backend answer into data under the key error_<name> (status 200, X-Krakend-Completed: false). An empty string means the default policy.',
      }),
    ),
    return_error_code: Type.Optional(
      Type.Boolean({
        description:
          'With a single backend, pass the backend status code through to the client. Ignored when return_error_details is present.',
      }),
    ),
  },
  {
    description: 'KrakenD backend/http options: how failed backend answers reach the client.',
    'x-kubernetes-preserve-unknown-fields': true,
  },
);

/** Typed options of the `backend/http` namespace. */
export type BackendHttpOptions = Static<typeof backendHttpOptions>;

const PROXY_NS_LEGACY_BACKEND = 'github.com/devopsfaith/krakend/proxy';

const backendProxyOptions = Type.Object(
  { flatmap_filter: Type.Optional(flatmapFilterSchema) },
  { description: 'KrakenD proxy options of the backend.', 'x-kubernetes-preserve-unknown-fields': true },
);

const backendExtraConfig = Type.Object(
  {
    [BACKEND_HTTP_NS]: Type.Optional(backendHttpOptions),
    [BACKEND_HTTP_NS_LEGACY]: Type.Optional({ ...backendHttpOptions, description: 'Legacy spelling of backend/http; backend/http wins when both are present.' }),
    proxy: Type.Optional(backendProxyOptions),
    [PROXY_NS_LEGACY_BACKEND]: Type.Optional({ ...backendProxyOptions, description: 'Legacy spelling of proxy; proxy wins when both are present.' }),
    [RATELIMIT_PROXY_NS]: Type.Optional(proxyRateLimitSchema),
    [CIRCUIT_BREAKER_NS]: Type.Optional(circuitBreakerSchema),
    [CIRCUIT_BREAKER_NS_LEGACY]: Type.Optional({ ...circuitBreakerSchema, description: 'Legacy spelling of qos/circuit-breaker; the short one wins when both are present.' }),
    [HTTP_CACHE_NS]: Type.Optional(httpCacheSchema),
    [HTTP_CACHE_NS_LEGACY]: Type.Optional({ ...httpCacheSchema, description: 'Legacy spelling of qos/http-cache; the short one wins when both are present.' }),
  },
  {
    description:
      'KrakenD backend extra_config namespaces, keys verbatim. backend/http is typed; other namespaces are kept, and the controller warns about those koaxy does not implement.',
    'x-kubernetes-preserve-unknown-fields': true,
  },
);

/** A DNS-1123 label: what Service names and namespaces are (keeps the built URL a plain host). */
export const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';

const serviceRef = Type.Object(
  {
    name: Type.String({ description: 'Name of the Service.', minLength: 1, maxLength: 63, pattern: DNS_LABEL }),
    port: Type.Integer({ description: 'Port number of the Service.', minimum: 1, maximum: 65535 }),
    namespace: Type.Optional(
      Type.String({ description: "Namespace of the Service; default: the GatewayEndpoint's namespace.", minLength: 1, maxLength: 63, pattern: DNS_LABEL }),
    ),
  },
  { description: 'A Kubernetes Service to call as http://NAME.NAMESPACE.svc.CLUSTER-DOMAIN:PORT. Exclusive with hosts.' },
);

/** A reference to a Kubernetes Service backend. */
export type ServiceRef = Static<typeof serviceRef>;

const hostsXorService: CelRule = {
  rule: 'has(self.hosts) != has(self.service)',
  message: 'exactly one of hosts or service must be set',
};

/** Schema of one backend. */
export const BackendSchema = Type.Object(
  {
    hosts: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 256 }), {
        description: 'Backend origins such as http://10.0.0.7:8080 (scheme defaults to http://; no path). Called round robin. Exclusive with service.',
        minItems: 1,
        maxItems: 16,
      }),
    ),
    service: Type.Optional(serviceRef),
    urlPattern: Type.String({
      description: 'Path (and optional query) sent to the backend; {param} placeholders take the endpoint params of the same name.',
      minLength: 1,
      maxLength: 512,
    }),
    method: Type.Optional(stringEnum(HTTP_METHODS, { description: "HTTP method sent to the backend; default: the endpoint's method." })),
    encoding: Type.Optional(stringEnum(BACKEND_ENCODINGS, { description: 'How the backend body is decoded; default json (forced to no-op when the endpoint output is no-op).' })),
    isCollection: Type.Optional(Type.Boolean({ description: 'The backend answers a JSON array; it is wrapped as {"collection": [...]}.' })),
    target: Type.Optional(Type.String({ description: 'Dot path of the object to extract from the backend answer before filtering.', maxLength: 256 })),
    allow: Type.Optional(stringList('Dot paths to keep from the backend answer (wins over deny).')),
    deny: Type.Optional(stringList('Dot paths to remove from the backend answer (ignored when allow is set).')),
    mapping: Type.Optional(stringMap({ description: 'Top-level key renames, old name to new name.', maxProperties: 64 })),
    group: Type.Optional(Type.String({ description: "Wrap the backend's data under this key.", maxLength: 256 })),
    inputHeaders: Type.Optional(stringList("Backend-level header filter applied after the endpoint's (exact names; * is not special).")),
    inputQueryStrings: Type.Optional(stringList("Backend-level query-string filter applied after the endpoint's (exact names; * is not special).")),
    extraConfig: Type.Optional(backendExtraConfig),
  },
  {
    description: 'One backend call; the answers of all backends are merged in order (a later backend wins on key collisions).',
    'x-kubernetes-validations': [hostsXorService],
  },
);

/** One backend as written in a GatewayEndpoint. */
export type BackendSpec = Static<typeof BackendSchema> & {
  readonly extraConfig?: Static<typeof backendExtraConfig> & Record<string, unknown>;
};
