/**
 * One KrakenD `backend` object → one GatewayEndpoint backend (DESIGN §2): field names in
 * Kubernetes style, `extra_config` namespaces and keys verbatim.
 */
import { BACKEND_ENCODINGS, type BackendSpec } from '../api/index.ts';
import {
  type Findings,
  cleanPath,
  fail,
  readBoolean,
  readObject,
  readString,
  readStringList,
  readStringMap,
  reportUnknownKeys,
  sanitiseHost,
  unsupported,
} from './fields.ts';
import { type JsonObject, childPath, isObject } from './types.ts';

const KNOWN_KEYS = [
  'host',
  'url_pattern',
  'method',
  'encoding',
  'is_collection',
  'target',
  'allow',
  'deny',
  'mapping',
  'group',
  'input_headers',
  'input_query_strings',
  'extra_config',
  'sd',
  'disable_host_sanitize',
];

const KEY_MESSAGES: Readonly<Record<string, string>> = {
  timeout: 'not supported (KrakenD ignores it too: the endpoint timeout applies)',
  concurrent_calls: 'not supported (KrakenD overwrites it with the endpoint value)',
  headers_to_pass: 'not supported (KrakenD v2+ reads input_headers)',
  querystring_params: 'not supported (KrakenD v2+ reads input_query_strings)',
};

const MAX_HOSTS = 16;

/** Backend-level defaults from the service (already sanitised). */
export interface BackendDefaults {
  readonly hosts: readonly string[];
}

function readHosts(backend: JsonObject, path: string, defaults: BackendDefaults, findings: Findings): string[] | undefined {
  const sd = readString(backend, 'sd', path, findings);
  if (sd !== undefined && sd !== '' && sd !== 'static') {
    unsupported(findings, childPath(path, 'sd'), `${JSON.stringify(sd)}: not supported (koaxy calls fixed hosts or a Kubernetes Service)`);
    return undefined;
  }
  if (readBoolean(backend, 'disable_host_sanitize', path, findings) === true) {
    unsupported(findings, childPath(path, 'disable_host_sanitize'), 'not supported (koaxy always sanitises hosts)');
  }
  const raw = readStringList(backend, 'host', path, findings);
  const hosts: string[] = raw === undefined || raw.length === 0 ? [...defaults.hosts] : [];
  (raw ?? []).forEach((host, i) => {
    const clean = sanitiseHost(host);
    if (clean === null) unsupported(findings, childPath(childPath(path, 'host'), i), `host ${JSON.stringify(host)} not valid: invalid host`);
    else if (hosts.length >= MAX_HOSTS) unsupported(findings, childPath(childPath(path, 'host'), i), `dropped: koaxy accepts at most ${MAX_HOSTS} hosts`);
    else hosts.push(clean);
  });
  if (hosts.length > 0) return hosts;
  unsupported(findings, childPath(path, 'host'), 'no valid host (and no service-level host): backend not imported');
  return undefined;
}

function readEncoding(backend: JsonObject, path: string, findings: Findings): BackendSpec['encoding'] {
  const encoding = readString(backend, 'encoding', path, findings);
  if (encoding === undefined || encoding === '') return undefined;
  const lower = encoding.toLowerCase();
  if ((BACKEND_ENCODINGS as readonly string[]).includes(lower)) return lower as BackendSpec['encoding'];
  unsupported(findings, childPath(path, 'encoding'), `${JSON.stringify(encoding)}: not supported by koaxy (the backend is decoded as json)`);
  return undefined;
}

/**
 * Converts one backend; `undefined` when it cannot be served by koaxy (no usable host, an
 * unsupported service discovery) or is malformed (recorded as an error).
 */
export function importBackend(value: unknown, path: string, defaults: BackendDefaults, findings: Findings): BackendSpec | undefined {
  if (!isObject(value)) return fail(findings, path, 'must be an object');
  reportUnknownKeys(value, KNOWN_KEYS, path, findings, KEY_MESSAGES);
  const hosts = readHosts(value, path, defaults, findings);
  const urlPattern = readString(value, 'url_pattern', path, findings);
  const method = readString(value, 'method', path, findings);
  const spec: Record<string, unknown> = {};
  if (hosts !== undefined) spec['hosts'] = hosts;
  spec['urlPattern'] = cleanPath(urlPattern ?? '');
  if (method !== undefined && method !== '') spec['method'] = method.toUpperCase();
  const encoding = readEncoding(value, path, findings);
  if (encoding !== undefined) spec['encoding'] = encoding;
  const isCollection = readBoolean(value, 'is_collection', path, findings);
  if (isCollection !== undefined) spec['isCollection'] = isCollection;
  const target = readString(value, 'target', path, findings);
  if (target !== undefined && target !== '') spec['target'] = target;
  for (const [from, to] of [['allow', 'allow'], ['deny', 'deny'], ['input_headers', 'inputHeaders'], ['input_query_strings', 'inputQueryStrings']] as const) {
    const list = readStringList(value, from, path, findings);
    if (list !== undefined) spec[to] = list;
  }
  const mapping = readStringMap(value, 'mapping', path, findings);
  if (mapping !== undefined) spec['mapping'] = mapping;
  const group = readString(value, 'group', path, findings);
  if (group !== undefined && group !== '') spec['group'] = group;
  const extra = readObject(value, 'extra_config', path, findings);
  if (extra !== undefined) spec['extraConfig'] = extra;
  return hosts === undefined ? undefined : (spec as BackendSpec);
}
