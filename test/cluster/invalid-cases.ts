/**
 * GatewayEndpoints the API server must reject, each with the field it must name and the message
 * it must give. CEL messages and schema bounds are read from the generated CRD (never copied);
 * only the API server's own wording of schema errors (enum, minimum, required) is spelled here.
 */
import { findRule, schemaAt, type CrdView } from './crd-schema.ts';

/** A spec as tests build and mutate it (plain JSON). */
export type Spec = Record<string, unknown> & { backends: Record<string, unknown>[] };

/** One resource to reject: how to break a valid spec, where and what the API server says. */
export interface InvalidCase {
  readonly title: string;
  readonly mutate: (spec: Spec) => void;
  /** The field path the API server names (`spec.backends[0]`). */
  readonly field: string;
  /** The text that must follow the field on the same line of kubectl's error. */
  readonly expected: (view: CrdView) => string;
}

/** A valid spec every case starts from (asserted valid by the tests too). */
export function validSpec(): Spec {
  return {
    endpoint: '/users/{id}',
    method: 'GET',
    backends: [{ hosts: ['http://127.0.0.1:8081'], urlPattern: '/u/{id}' }],
  };
}

const cel = (path: string, fragment: string) => (view: CrdView) => findRule(view, path, fragment).message;
const enumOf = (path: string, value: string) => (view: CrdView) =>
  `Unsupported value: "${value}": supported values: ${(schemaAt(view, path).enum ?? []).map((v) => `"${String(v)}"`).join(', ')}`;
const atLeast = (path: string) => (view: CrdView) => `should be greater than or equal to ${schemaAt(view, path).minimum}`;
const atMost = (path: string) => (view: CrdView) => `should be less than or equal to ${schemaAt(view, path).maximum}`;
const backend = (spec: Spec, i = 0) => spec.backends[i]!;

/** The cases: CEL rules first, then OpenAPI schema checks. */
export const invalidCases: readonly InvalidCase[] = [
  { title: 'an endpoint without its leading /', field: 'spec.endpoint',
    mutate: (s) => { s['endpoint'] = 'users/{id}'; }, expected: cel('spec.endpoint', "startsWith('/')") },
  { title: 'a wildcard endpoint', field: 'spec.endpoint',
    mutate: (s) => { s['endpoint'] = '/users/*'; backend(s)['urlPattern'] = '/u'; }, expected: cel('spec.endpoint', "contains('*')") },
  { title: "a KrakenD-reserved endpoint (/__debug)", field: 'spec.endpoint',
    mutate: (s) => { s['endpoint'] = '/__debug/x'; backend(s)['urlPattern'] = '/u'; }, expected: cel('spec.endpoint', '__(debug') },
  { title: 'a {param} that is not a whole path segment', field: 'spec.endpoint',
    mutate: (s) => { s['endpoint'] = '/files/{name}.json'; backend(s)['urlPattern'] = '/f'; }, expected: cel('spec.endpoint', '[{][A-Za-z0-9_-]+[}]') },
  { title: 'a backend with both hosts and service', field: 'spec.backends[0]',
    mutate: (s) => { backend(s)['service'] = { name: 'users', port: 80 }; }, expected: cel('spec.backends[*]', 'has(self.hosts)') },
  { title: 'a backend with neither hosts nor service', field: 'spec.backends[0]',
    mutate: (s) => { delete backend(s)['hosts']; }, expected: cel('spec.backends[*]', 'has(self.hosts)') },
  { title: 'a urlPattern {param} missing from endpoint', field: 'spec.backends',
    mutate: (s) => { backend(s)['urlPattern'] = '/u/{uid}'; }, expected: cel('spec', 'urlPattern.findAll') },
  { title: 'outputEncoding no-op with two backends', field: 'spec.backends',
    mutate: (s) => { s['outputEncoding'] = 'no-op'; s.backends.push({ hosts: ['http://127.0.0.1:8082'], urlPattern: '/v' }); },
    expected: cel('spec', "'no-op'") },
  { title: 'a timeout that is not a Go duration', field: 'spec.timeout',
    mutate: (s) => { s['timeout'] = '2 seconds'; }, expected: cel('spec.timeout', 'matches(') },
  { title: 'a cacheTTL that is not a Go duration', field: 'spec.cacheTTL',
    mutate: (s) => { s['cacheTTL'] = '5min'; }, expected: cel('spec.cacheTTL', 'matches(') },
  { title: 'an unknown endpoint method', field: 'spec.method',
    mutate: (s) => { s['method'] = 'FETCH'; }, expected: enumOf('spec.method', 'FETCH') },
  { title: 'an unknown backend method', field: 'spec.backends[0].method',
    mutate: (s) => { backend(s)['method'] = 'get'; }, expected: enumOf('spec.backends[*].method', 'get') },
  { title: 'an unknown outputEncoding', field: 'spec.outputEncoding',
    mutate: (s) => { s['outputEncoding'] = 'html'; }, expected: enumOf('spec.outputEncoding', 'html') },
  { title: 'an unknown backend encoding', field: 'spec.backends[0].encoding',
    mutate: (s) => { backend(s)['encoding'] = 'protobuf'; }, expected: enumOf('spec.backends[*].encoding', 'protobuf') },
  { title: 'a negative concurrentCalls', field: 'spec.concurrentCalls',
    mutate: (s) => { s['concurrentCalls'] = -1; }, expected: atLeast('spec.concurrentCalls') },
  { title: 'a concurrentCalls above the maximum', field: 'spec.concurrentCalls',
    mutate: (s) => { s['concurrentCalls'] = 1000; }, expected: atMost('spec.concurrentCalls') },
  { title: 'a Service port out of range', field: 'spec.backends[0].service.port',
    mutate: (s) => { delete backend(s)['hosts']; backend(s)['service'] = { name: 'users', port: 70000 }; },
    expected: atMost('spec.backends[*].service.port') },
  { title: 'a missing endpoint', field: 'spec.endpoint',
    mutate: (s) => { delete s['endpoint']; }, expected: () => 'Required value' },
];
