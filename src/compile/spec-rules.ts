/**
 * The checks the schema alone cannot express: the CRD's CEL rules (in TypeScript, because
 * standalone mode has no API server) and KrakenD's config-time checks (spec §2.3, §5.1, §6.2).
 */
import type { GatewayEndpointSpec } from '../api/index.ts';
import { parseDurationMs } from './duration.ts';
import type { Problem } from './types.ts';
import { endpointParams, endpointPathProblems, isSequentialOrJwtParam, placeholders } from './url-pattern.ts';
import { propagatedBodyParams, sequentialProblems } from './sequential.ts';

function invalid(field: string, message: string): Problem {
  return { reason: 'Invalid', field, message };
}

function backendUrlProblems(spec: GatewayEndpointSpec, index: number): Problem[] {
  const backend = spec.backends[index]!;
  const inputs = endpointParams(spec.endpoint);
  // {resp<N>}: the raw body of no-op backend N, when propagated (a koaxy extension, see sequential.ts).
  const bodies = propagatedBodyParams(spec);
  const outputs = placeholders(backend.urlPattern).filter((name) => !isSequentialOrJwtParam(name) && !(bodies.has(name) && Number(name.slice(4)) < index));
  const route = `${spec.method ?? 'GET'} ${spec.endpoint}`;
  // KrakenD checks the count first, so its message for the same mistake depends on the count.
  const tooMany = outputs.length > inputs.length;
  return outputs
    .filter((name) => !inputs.includes(name))
    .map((name) => {
      const krakend = tooMany ? 'input and output params do not match' : `undefined output param '${name}'`;
      return invalid(
        `spec.backends[${index}].urlPattern`,
        `{${name}} is not a param of endpoint ${spec.endpoint} (KrakenD: ${krakend}; endpoint: ${route}, backend: ${index})`,
      );
    });
}

function backendProblems(spec: GatewayEndpointSpec, index: number): Problem[] {
  const backend = spec.backends[index]!;
  const problems: Problem[] = [];
  if ((backend.hosts === undefined) === (backend.service === undefined)) {
    problems.push(invalid(`spec.backends[${index}]`, 'exactly one of hosts or service must be set'));
  }
  problems.push(...backendUrlProblems(spec, index));
  return problems;
}

/** Problems of a spec that already passed the schema; `[]` when it is valid. */
export function specProblems(spec: GatewayEndpointSpec): Problem[] {
  const problems: Problem[] = endpointPathProblems(spec.endpoint).map((message) => invalid('spec.endpoint', message));
  for (const name of ['timeout', 'cacheTTL'] as const) {
    const value = spec[name];
    if (value !== undefined && parseDurationMs(value) === null) {
      problems.push(invalid(`spec.${name}`, `must be a Go duration such as 2s, 500ms or 1m30s (got ${JSON.stringify(value)})`));
    }
  }
  spec.backends.forEach((_, index) => problems.push(...backendProblems(spec, index)));
  problems.push(...sequentialProblems(spec));
  if (spec.outputEncoding === 'no-op' && spec.backends.length !== 1) {
    problems.push(
      invalid('spec.backends', 'outputEncoding no-op needs exactly one backend (KrakenD: can not use NoOp encoding with more than one backends connected to the same endpoint)'),
    );
  }
  return problems;
}
