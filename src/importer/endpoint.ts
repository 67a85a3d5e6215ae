/**
 * One KrakenD `endpoint` object → one GatewayEndpoint spec, with the service defaults folded in.
 */
import { HTTP_METHODS, OUTPUT_ENCODINGS, type BackendSpec, type GatewayEndpointSpec } from '../api/index.ts';
import { importBackend } from './backend.ts';
import {
  type Findings,
  cleanPath,
  fail,
  readInteger,
  readObject,
  readString,
  readStringList,
  reportUnknownKeys,
  unsupported,
} from './fields.ts';
import type { ServiceDefaults } from './service.ts';
import { type JsonObject, childPath, isObject } from './types.ts';

const KNOWN_KEYS = [
  'endpoint',
  'method',
  'output_encoding',
  'timeout',
  'cache_ttl',
  'concurrent_calls',
  'input_headers',
  'input_query_strings',
  'extra_config',
  'backend',
];

const KEY_MESSAGES: Readonly<Record<string, string>> = {
  headers_to_pass: 'not supported (KrakenD v2+ reads input_headers)',
  querystring_params: 'not supported (KrakenD v2+ reads input_query_strings)',
};

const MAX_CONCURRENT_CALLS = 16;

function outputEncoding(endpoint: JsonObject, path: string, defaults: ServiceDefaults, findings: Findings): string | undefined {
  const own = readString(endpoint, 'output_encoding', path, findings);
  const value = own ?? defaults.outputEncoding;
  if (value === undefined || value === '') return undefined;
  if ((OUTPUT_ENCODINGS as readonly string[]).includes(value)) return value;
  const where = own !== undefined ? childPath(path, 'output_encoding') : '$.output_encoding';
  unsupported(findings, where, `${JSON.stringify(value)}: not supported (KrakenD falls back to json or the backend's renderer)`);
  return undefined;
}

function extraConfig(endpoint: JsonObject, path: string, defaults: ServiceDefaults, findings: Findings): Record<string, unknown> | undefined {
  const own = readObject(endpoint, 'extra_config', path, findings);
  const out: Record<string, unknown> = { ...own };
  for (const [name, folded] of Object.entries(defaults.extraConfig)) {
    const mine = out[name];
    out[name] = isObject(mine) ? { ...folded, ...mine } : mine === undefined ? { ...folded } : mine;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function backends(endpoint: JsonObject, path: string, defaults: ServiceDefaults, findings: Findings): BackendSpec[] | undefined {
  const list = endpoint['backend'];
  const listPath = childPath(path, 'backend');
  if (!Array.isArray(list) || list.length === 0) return fail(findings, listPath, 'must be a non-empty list of backends (KrakenD refuses an endpoint without backends)');
  const out: BackendSpec[] = [];
  list.forEach((item, i) => {
    const backend = importBackend(item, childPath(listPath, i), { hosts: defaults.hosts }, findings);
    if (backend !== undefined) out.push(backend);
  });
  return out.length === list.length ? out : undefined;
}

/** Converts one endpoint; `undefined` when it is malformed or cannot be served by koaxy. */
export function importEndpoint(value: unknown, path: string, defaults: ServiceDefaults, findings: Findings): GatewayEndpointSpec | undefined {
  if (!isObject(value)) return fail(findings, path, 'must be an object');
  const endpoint = readString(value, 'endpoint', path, findings);
  if (endpoint === undefined) return fail(findings, childPath(path, 'endpoint'), 'is required');
  reportUnknownKeys(value, KNOWN_KEYS, path, findings, KEY_MESSAGES);
  const method = (readString(value, 'method', path, findings) ?? 'GET').toUpperCase();
  const list = backends(value, path, defaults, findings);
  if (!(HTTP_METHODS as readonly string[]).includes(method)) {
    unsupported(findings, childPath(path, 'method'), `${JSON.stringify(method)}: not supported (KrakenD does not register it either): endpoint not imported`);
    return undefined;
  }
  const spec: Record<string, unknown> = { endpoint: cleanPath(endpoint), method };
  const output = outputEncoding(value, path, defaults, findings);
  if (output !== undefined) spec['outputEncoding'] = output;
  const timeout = readString(value, 'timeout', path, findings) ?? defaults.timeout;
  if (timeout !== undefined) spec['timeout'] = timeout;
  const cacheTTL = readString(value, 'cache_ttl', path, findings) ?? defaults.cacheTTL;
  if (cacheTTL !== undefined) spec['cacheTTL'] = cacheTTL;
  const calls = readInteger(value, 'concurrent_calls', path, findings);
  if (calls !== undefined && calls >= 1 && calls <= MAX_CONCURRENT_CALLS) spec['concurrentCalls'] = calls;
  else if (calls !== undefined) unsupported(findings, childPath(path, 'concurrent_calls'), `${calls}: not supported (koaxy accepts 1 to ${MAX_CONCURRENT_CALLS})`);
  for (const [from, to] of [['input_headers', 'inputHeaders'], ['input_query_strings', 'inputQueryStrings']] as const) {
    const names = readStringList(value, from, path, findings);
    if (names !== undefined) spec[to] = names;
  }
  const extra = extraConfig(value, path, defaults, findings);
  if (extra !== undefined) spec['extraConfig'] = extra;
  if (list === undefined) {
    unsupported(findings, path, `${method} ${endpoint}: endpoint not imported (see its backends)`);
    return undefined;
  }
  spec['backends'] = list;
  return spec as unknown as GatewayEndpointSpec;
}
