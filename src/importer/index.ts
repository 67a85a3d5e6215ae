/**
 * The KrakenD importer: a KrakenD v3 configuration (parsed JSON) → GatewayEndpoint resources,
 * one per endpoint, plus the list of what koaxy cannot carry over, each named by JSON path.
 *
 * Must not import: anything internal but `api` (no compile, no I/O: the CLI reads the file and
 * prints the result).
 * Invariant: pure and deterministic — the same JSON and options give the same resources, names
 * and problems, in file order; `extra_config` namespaces and keys are copied verbatim.
 */
import { API_VERSION, KIND } from '../api/index.ts';
import { importEndpoint } from './endpoint.ts';
import type { Findings } from './fields.ts';
import { baseName, uniqueNames } from './names.ts';
import { readService } from './service.ts';
import type { ImportOptions, ImportResult, ImportedResource } from './types.ts';
import type { GatewayEndpointSpec } from '../api/index.ts';

export type { ImportOptions, ImportProblem, ImportResult, ImportedResource } from './types.ts';
export { baseName, uniqueNames } from './names.ts';

/** Converts a parsed KrakenD v3 configuration into GatewayEndpoint resources. */
export function importKrakend(config: unknown, options: ImportOptions = {}): ImportResult {
  const findings: Findings = { errors: [], unsupported: [] };
  const { defaults, endpoints } = readService(config, findings);
  const specs: GatewayEndpointSpec[] = [];
  endpoints.forEach((endpoint, i) => {
    const spec = importEndpoint(endpoint, `$.endpoints[${i}]`, defaults, findings);
    if (spec !== undefined) specs.push(spec);
  });
  if (findings.errors.length > 0) return { resources: [], unsupported: findings.unsupported, errors: findings.errors };
  const names = uniqueNames(specs.map((spec) => baseName(spec.method ?? 'GET', spec.endpoint)));
  const resources = specs.map(
    (spec, i): ImportedResource => ({
      apiVersion: API_VERSION,
      kind: KIND,
      metadata: { name: names[i]!, ...(options.namespace !== undefined ? { namespace: options.namespace } : {}) },
      spec,
    }),
  );
  return { resources, unsupported: findings.unsupported, errors: [] };
}
