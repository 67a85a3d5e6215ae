/**
 * Resolves each backend to its origins (sanitised hosts or a Service URL) and checks them
 * against the gateway's policy: the allow-list (DESIGN §7) and the Services that exist.
 */
import type { BackendSpec } from '../api/index.ts';
import { createOriginMatcher, sanitiseHost, type OriginMatcher } from './hosts.ts';
import type { CompilePolicy, Problem } from './types.ts';

/** A policy prepared once per compile run. */
export interface PreparedPolicy {
  readonly policy: CompilePolicy;
  readonly matches: OriginMatcher;
}

/** Builds the allow-list matcher of a policy. */
export function preparePolicy(policy: CompilePolicy): PreparedPolicy {
  const globs = policy.allowedBackends === 'any' ? ['*'] : policy.allowedBackends;
  return { policy, matches: createOriginMatcher(globs) };
}

function allowedText(prepared: PreparedPolicy, namespace: string): string {
  const { policy } = prepared;
  const parts = policy.allowedBackends === 'any' ? [] : policy.allowedBackends.slice(0, 8).map((glob) => glob);
  if (policy.allowOwnNamespaceServices) parts.push(`Services in namespace ${namespace}`);
  return parts.length === 0 ? 'nothing' : parts.join(', ');
}

function notAllowed(field: string, origin: string, prepared: PreparedPolicy, namespace: string): Problem {
  return {
    reason: 'BackendNotAllowed',
    field,
    message: `${origin} is outside the gateway's allowed backends (allowed: ${allowedText(prepared, namespace)})`,
  };
}

/** Origins of one backend, in order, plus what is wrong with them. */
export interface ResolvedBackend {
  readonly origins: readonly string[];
  readonly problems: readonly Problem[];
}

function resolveHosts(hosts: readonly string[], field: string, prepared: PreparedPolicy, namespace: string): ResolvedBackend {
  const origins: string[] = [];
  const problems: Problem[] = [];
  hosts.forEach((host, j) => {
    const result = sanitiseHost(host);
    if (!result.ok) problems.push({ reason: 'Invalid', field: `${field}.hosts[${j}]`, message: result.message });
    else if (!prepared.matches(result.origin)) problems.push(notAllowed(`${field}.hosts[${j}]`, result.origin, prepared, namespace));
    else origins.push(result.origin);
  });
  return { origins, problems };
}

function resolveService(backend: BackendSpec, field: string, prepared: PreparedPolicy, namespace: string): ResolvedBackend {
  const service = backend.service!;
  const { policy } = prepared;
  const serviceNs = service.namespace ?? namespace;
  const origin = `http://${service.name}.${serviceNs}.svc.${policy.clusterDomain}:${service.port}`;
  const ownNamespace = policy.allowOwnNamespaceServices === true && serviceNs === namespace;
  if (!ownNamespace && !prepared.matches(origin)) return { origins: [], problems: [notAllowed(`${field}.service`, origin, prepared, namespace)] };
  const ports = policy.services?.get(`${serviceNs}/${service.name}`);
  if (policy.services !== null && ports === undefined) {
    return { origins: [], problems: [{ reason: 'BackendNotFound', field: `${field}.service`, message: `Service ${serviceNs}/${service.name} not found` }] };
  }
  if (ports !== undefined && !ports.includes(service.port)) {
    const known = [...ports].sort((a, b) => a - b).join(', ') || 'none';
    return {
      origins: [],
      problems: [
        { reason: 'BackendNotFound', field: `${field}.service.port`, message: `Service ${serviceNs}/${service.name} has no port ${service.port} (ports: ${known})` },
      ],
    };
  }
  return { origins: [origin], problems: [] };
}

/** Resolves backend `index` of a resource in `namespace`. */
export function resolveBackend(backend: BackendSpec, index: number, prepared: PreparedPolicy, namespace: string): ResolvedBackend {
  const field = `spec.backends[${index}]`;
  if (backend.hosts !== undefined) return resolveHosts(backend.hosts, field, prepared, namespace);
  if (backend.service !== undefined) return resolveService(backend, field, prepared, namespace);
  return { origins: [], problems: [] };
}
