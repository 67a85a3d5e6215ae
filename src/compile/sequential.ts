/**
 * `proxy.sequential_propagated_params` (spec §3.5; lura `sequentialMergerConfig`): values of
 * earlier answers given to every later backend of a sequential endpoint as request params —
 * `resp<N>_<dot.path>` a field of backend N's formatted data, `resp<N>` the raw body of backend N
 * when it is `no-op`. koaxy has no Lua or plugins, so a later backend uses them in its
 * `urlPattern`: `{resp<N>_<dot.path>}` (allowed anyway) and `{resp<N>}` (allowed only when
 * propagated; KrakenD rejects it and reads `Resp<N>` from Lua).
 */
import { PROXY_NS, PROXY_NS_LEGACY, type GatewayEndpointSpec } from '../api/index.ts';
import { namespaceValue } from './extra-config.ts';
import type { Problem } from './types.ts';

const FIELD = 'spec.extraConfig[proxy].sequential_propagated_params';
// lura reads `[Rr]esp(\d+)_?([\w-.]+)?` loosely; koaxy takes the whole entry in that form only.
const ENTRY = /^[Rr]esp([0-9]+)(?:_([\w\-.]+))?$/;

/** One parsed entry: the backend it reads, the dot path (`''` for the raw body), the param name. */
export interface PropagatedEntry {
  readonly backend: number;
  readonly path: string;
  /** The param name as the data plane and `{…}` placeholders spell it: `resp<N>` or `resp<N>_<path>`. */
  readonly name: string;
}

function rawEntries(spec: GatewayEndpointSpec): readonly string[] {
  const value = namespaceValue(spec.extraConfig, PROXY_NS, PROXY_NS_LEGACY)?.['sequential_propagated_params'];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function parse(entry: string): PropagatedEntry | null {
  const m = ENTRY.exec(entry);
  if (m === null) return null;
  const backend = Number(m[1]);
  const path = m[2] ?? '';
  return { backend, path, name: path === '' ? `resp${backend}` : `resp${backend}_${path}` };
}

/** The valid entries, deduplicated by name, in order. */
export function propagatedEntries(spec: GatewayEndpointSpec): PropagatedEntry[] {
  const out = new Map<string, PropagatedEntry>();
  for (const raw of rawEntries(spec)) {
    const entry = parse(raw);
    if (entry !== null && entry.backend < spec.backends.length - 1 && !out.has(entry.name)) out.set(entry.name, entry);
  }
  return [...out.values()];
}

/** The IR names of the propagated params, or undefined for none (only with `sequential: true`). */
export function propagatedParams(spec: GatewayEndpointSpec): readonly string[] | undefined {
  const names = propagatedEntries(spec).map((e) => e.name);
  return names.length === 0 ? undefined : names;
}

/** Names a urlPattern may use as `{name}` because they are propagated raw bodies. */
export function propagatedBodyParams(spec: GatewayEndpointSpec): ReadonlySet<string> {
  return new Set(propagatedEntries(spec).filter((e) => e.path === '').map((e) => e.name));
}

/**
 * Problems: an entry not of the form `resp<N>` / `resp<N>_<dot.path>`, one naming a backend
 * that no later backend follows, or the list without `sequential: true`. KrakenD ignores each
 * of these silently; a typo must not change behaviour silently.
 */
export function sequentialProblems(spec: GatewayEndpointSpec): Problem[] {
  const proxy = namespaceValue(spec.extraConfig, PROXY_NS, PROXY_NS_LEGACY);
  const entries = rawEntries(spec);
  if (entries.length === 0) return [];
  const problems: Problem[] = [];
  if (proxy?.['sequential'] !== true) {
    problems.push({ reason: 'Invalid', field: FIELD, message: 'only used with sequential: true (the params flow from one backend to the next)' });
  }
  entries.forEach((raw, i) => {
    const entry = parse(raw);
    const field = `${FIELD}[${i}]`;
    if (entry === null) {
      problems.push({ reason: 'Invalid', field, message: `${JSON.stringify(raw)} must be resp<N> (the raw body of no-op backend N) or resp<N>_<dot.path> (a field of backend N's answer)` });
    } else if (entry.backend >= spec.backends.length - 1) {
      problems.push({ reason: 'Invalid', field, message: `${raw} names backend ${entry.backend}, but only backends after it receive it and the endpoint has ${spec.backends.length}` });
    }
  });
  return problems;
}

/** Warnings: a raw body asked of a backend that is not `no-op` (KrakenD then propagates nothing). */
export function sequentialWarnings(spec: GatewayEndpointSpec): string[] {
  const noop = (i: number) => spec.outputEncoding === 'no-op' || spec.backends[i]?.encoding === 'no-op';
  return rawEntries(spec).flatMap((raw, i) => {
    const entry = parse(raw);
    if (entry === null || entry.path !== '' || entry.backend >= spec.backends.length - 1 || noop(entry.backend)) return [];
    return [`${FIELD}[${i}]: ${raw} propagates nothing: only the raw body of a no-op backend is propagated, and backend ${entry.backend} decodes its answer`];
  });
}
