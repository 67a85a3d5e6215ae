/**
 * The service level of a KrakenD file: the version check, and the defaults that KrakenD copies
 * into every endpoint (timeout, cache_ttl, output_encoding, host) or applies to every route
 * (`router.return_error_msg`, `security/cors`), which koaxy keeps per resource.
 */
import { type Findings, fail, readObject, readString, readStringList, reportUnknownKeys, sanitiseHost, unsupported } from './fields.ts';
import { type JsonObject, childPath, isObject } from './types.ts';

/** What every endpoint inherits from the service level. */
export interface ServiceDefaults {
  readonly timeout?: string;
  readonly cacheTTL?: string;
  readonly outputEncoding?: string;
  /** Sanitised service-level hosts, used by backends without their own. */
  readonly hosts: readonly string[];
  /** Namespaces folded into every endpoint's `extraConfig` (the endpoint's own keys win). */
  readonly extraConfig: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

const KNOWN_KEYS = ['$schema', 'version', 'endpoints', 'timeout', 'cache_ttl', 'output_encoding', 'host', 'extra_config'];

const KEY_MESSAGES: Readonly<Record<string, string>> = {
  port: 'not supported (use koaxy --port)',
  name: 'not supported (informational in KrakenD)',
};

/** Service namespaces folded into endpoints: [short name, legacy name, keys carried (all when empty)]. */
const FOLDED: readonly (readonly [string, string, readonly string[]])[] = [
  ['router', 'github_com/luraproject/lura/router/gin', ['return_error_msg']],
  ['security/cors', 'github_com/devopsfaith/krakend-cors', []],
];

function foldNamespaces(extra: JsonObject, path: string, findings: Findings): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const name of Object.keys(extra)) {
    const folded = FOLDED.find(([short, legacy]) => name === short || name === legacy);
    const nsPath = childPath(path, name);
    if (folded === undefined) {
      unsupported(findings, nsPath, 'namespace not supported at the service level');
      continue;
    }
    const [short, legacy, keys] = folded;
    if (name === legacy && extra[short] !== undefined) {
      unsupported(findings, nsPath, `ignored: ${short} is also set (KrakenD: the short spelling wins)`);
      continue;
    }
    const value = extra[name];
    if (!isObject(value)) {
      fail(findings, nsPath, 'must be an object');
      continue;
    }
    const kept = keys.length === 0 ? { ...value } : Object.fromEntries(Object.entries(value).filter(([k]) => keys.includes(k)));
    for (const key of Object.keys(value)) if (!(key in kept)) unsupported(findings, childPath(nsPath, key), 'not supported');
    if (Object.keys(kept).length > 0) out[short] = kept;
  }
  return out;
}

/** Reads the service level; records `$.version: must be 3` and other fatal problems as errors. */
export function readService(config: unknown, findings: Findings): { defaults: ServiceDefaults; endpoints: readonly unknown[] } {
  const empty = { defaults: { hosts: [], extraConfig: {} }, endpoints: [] };
  if (!isObject(config)) {
    fail(findings, '$', 'must be a JSON object (a KrakenD v3 configuration)');
    return empty;
  }
  if (config['version'] !== 3) {
    fail(findings, '$.version', `must be 3 (got ${JSON.stringify(config['version']) ?? 'nothing'}); koaxy imports KrakenD v3 configurations`);
  }
  const endpoints = config['endpoints'] ?? [];
  if (!Array.isArray(endpoints)) fail(findings, '$.endpoints', 'must be a list of endpoints');
  reportUnknownKeys(config, KNOWN_KEYS, '$', findings, KEY_MESSAGES);
  const timeout = readString(config, 'timeout', '$', findings);
  const cacheTTL = readString(config, 'cache_ttl', '$', findings);
  const outputEncoding = readString(config, 'output_encoding', '$', findings);
  const hosts: string[] = [];
  (readStringList(config, 'host', '$', findings) ?? []).forEach((host, i) => {
    const clean = sanitiseHost(host);
    if (clean === null) unsupported(findings, `$.host[${i}]`, `host ${JSON.stringify(host)} not valid: invalid host`);
    else hosts.push(clean);
  });
  const extra = readObject(config, 'extra_config', '$', findings);
  const defaults: ServiceDefaults = {
    ...(timeout !== undefined ? { timeout } : {}),
    ...(cacheTTL !== undefined ? { cacheTTL } : {}),
    ...(outputEncoding !== undefined ? { outputEncoding } : {}),
    hosts,
    extraConfig: extra === undefined ? {} : foldNamespaces(extra, '$.extra_config', findings),
  };
  return { defaults, endpoints: Array.isArray(endpoints) ? endpoints : [] };
}
