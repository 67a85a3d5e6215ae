/**
 * Judges one resource on its own: schema, CEL-equivalent and KrakenD checks, backend policy.
 * The result is either a route or the problems, plus warnings either way.
 */
import { API_VERSION, AcceptedReason, type GatewayEndpointSpec } from '../api/index.ts';
import type { Route } from '../ir/index.ts';
import { resolveBackend, type PreparedPolicy } from './backend-policy.ts';
import { buildRoute } from './build-route.ts';
import { parseDurationMs } from './duration.ts';
import { extraConfigWarnings } from './extra-config.ts';
import { qosWarnings } from './qos-config.ts';
import { securityProblems, securityWarnings } from './security-config.ts';
import { bound, MAX_ITEM, MAX_PROBLEMS } from './messages.ts';
import { checkSchema, unknownFieldWarnings } from './schema-check.ts';
import { specProblems } from './spec-rules.ts';
import { sequentialWarnings } from './sequential.ts';
import type { Problem, RejectReason, ResourceInput } from './types.ts';

/** One resource after judging it alone. */
export interface Judged {
  readonly key: string;
  readonly generation: number;
  /** Milliseconds since the epoch; unparsable timestamps sort last. */
  readonly createdMs: number;
  readonly routeText: string;
  readonly route: Route | null;
  readonly problems: readonly Problem[];
  readonly warnings: readonly string[];
}

const REASON_ORDER: readonly RejectReason[] = [AcceptedReason.Invalid, AcceptedReason.BackendNotAllowed, AcceptedReason.BackendNotFound, AcceptedReason.RouteConflict];

/** The reason that names a set of problems: Invalid before policy before not-found. */
export function leadingReason(problems: readonly Problem[]): RejectReason {
  return REASON_ORDER.find((reason) => problems.some((p) => p.reason === reason)) ?? AcceptedReason.Invalid;
}

function routeText(spec: unknown): string {
  const raw = (spec ?? {}) as { method?: unknown; endpoint?: unknown };
  if (typeof raw.endpoint !== 'string') return '';
  return `${typeof raw.method === 'string' ? raw.method : 'GET'} ${bound(raw.endpoint, 1024)}`;
}

function validSpecProblems(spec: GatewayEndpointSpec, resource: ResourceInput, prepared: PreparedPolicy) {
  const problems = [...specProblems(spec), ...securityProblems(spec)];
  const origins = spec.backends.map((backend, i) => {
    const resolved = resolveBackend(backend, i, prepared, resource.metadata.namespace);
    problems.push(...resolved.problems);
    return resolved.origins;
  });
  return { problems, origins };
}

function timeoutWarnings(spec: GatewayEndpointSpec): string[] {
  return spec.timeout !== undefined && parseDurationMs(spec.timeout) === 0 ? ['spec.timeout: 0 means the default, 2s'] : [];
}

/** Judges one resource of this gateway. */
export function judge(resource: ResourceInput, prepared: PreparedPolicy): Judged {
  const { metadata } = resource;
  const key = `${metadata.namespace}/${metadata.name}`;
  const generation = Number.isSafeInteger(metadata.generation) ? metadata.generation : 0;
  const parsed = Date.parse(metadata.creationTimestamp);
  const base = { key, generation, createdMs: Number.isNaN(parsed) ? Number.MAX_SAFE_INTEGER : parsed, routeText: routeText(resource.spec) };
  const warnings = unknownFieldWarnings(resource.spec);
  const problems: Problem[] = [];
  if (resource.apiVersion !== undefined && resource.apiVersion !== API_VERSION) {
    problems.push({ reason: 'Invalid', field: 'apiVersion', message: `must be ${API_VERSION}` });
  }
  const checked = checkSchema(resource.spec);
  let route: Route | null = null;
  if (!checked.ok) problems.push(...checked.problems);
  else {
    warnings.push(...extraConfigWarnings(checked.spec), ...qosWarnings(checked.spec), ...securityWarnings(checked.spec), ...timeoutWarnings(checked.spec), ...sequentialWarnings(checked.spec));
    const valid = validSpecProblems(checked.spec, resource, prepared);
    problems.push(...valid.problems);
    if (problems.length === 0) route = buildRoute(key, generation, checked.spec, valid.origins);
  }
  return {
    ...base,
    route,
    problems: problems.slice(0, MAX_PROBLEMS).map((p) => ({ ...p, message: bound(p.message, MAX_ITEM) })),
    warnings: warnings.slice(0, MAX_PROBLEMS).map((w) => bound(w, MAX_ITEM)),
  };
}
