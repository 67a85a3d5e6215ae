/**
 * Validates an untrusted spec with the CRD's own schema (ajv on the TypeBox definition), fills
 * the schema defaults, and names fields the way the API server does (`spec.backends[1].urlPattern`).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { DNS_LABEL, DURATION_PATTERN, GatewayEndpointSpecSchema, type GatewayEndpointSpec } from '../api/index.ts';
import type { Problem } from './types.ts';

let validator: ValidateFunction | undefined;

function getValidator(): ValidateFunction {
  if (validator === undefined) {
    const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true });
    for (const keyword of ['x-kubernetes-validations', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-list-type', 'x-kubernetes-list-map-keys']) {
      ajv.addKeyword(keyword);
    }
    validator = ajv.compile(GatewayEndpointSpecSchema);
  }
  return validator;
}

/** Turns a JSON pointer below `base` into a Kubernetes field path (`spec.backends[1].urlPattern`). */
export function fieldPath(base: string, pointer: string): string {
  let path = base;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (/^[0-9]+$/.test(segment)) path += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) path += `.${segment}`;
    else path += `[${segment}]`;
  }
  return path;
}

function describe(error: ErrorObject): { field: string; message: string } {
  const field = fieldPath('spec', error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { field: `${field}.${String(params['missingProperty'])}`, message: 'is required' };
    case 'pattern':
      if (params['pattern'] === DNS_LABEL) return { field, message: 'must be a DNS label (lower-case letters, digits and -, starting and ending with a letter or digit)' };
      if (params['pattern'] === DURATION_PATTERN) return { field, message: 'must be a Go duration such as 2s, 500ms or 1m30s' };
      return { field, message: error.message ?? 'does not match its pattern' };
    case 'enum':
      return { field, message: `must be one of ${(params['allowedValues'] as unknown[]).join(', ')}` };
    default:
      return { field, message: error.message ?? `fails ${error.keyword}` };
  }
}

/** A spec that passed the schema (defaults filled) or the problems found. */
export type SchemaResult = { readonly ok: true; readonly spec: GatewayEndpointSpec } | { readonly ok: false; readonly problems: readonly Problem[] };

/** Checks `spec` against the CRD schema on a copy, filling the schema's defaults. */
export function checkSchema(spec: unknown): SchemaResult {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    return { ok: false, problems: [{ reason: 'Invalid', field: 'spec', message: 'must be an object' }] };
  }
  const copy = structuredClone(spec);
  const validate = getValidator();
  if (validate(copy)) return { ok: true, spec: copy as GatewayEndpointSpec };
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const error of validate.errors ?? []) {
    const { field, message } = describe(error);
    const id = `${field}\n${message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    problems.push({ reason: 'Invalid', field, message });
  }
  return { ok: false, problems };
}

type SchemaNode = {
  readonly properties?: Record<string, SchemaNode>;
  readonly items?: SchemaNode;
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
};

function collectUnknown(schema: SchemaNode, value: unknown, path: string, out: string[]): void {
  if (Array.isArray(value)) {
    if (schema.items) value.forEach((item, i) => collectUnknown(schema.items!, item, `${path}[${i}]`, out));
    return;
  }
  if (value === null || typeof value !== 'object' || schema.properties === undefined) return;
  for (const [key, child] of Object.entries(value)) {
    const childSchema = schema.properties[key];
    const childPath = fieldPath(path, `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`);
    if (childSchema !== undefined) collectUnknown(childSchema, child, childPath, out);
    else if (schema['x-kubernetes-preserve-unknown-fields'] !== true) out.push(`${childPath}: unknown field, ignored (the API server drops it)`);
  }
}

/** Warnings for fields the schema does not know (a typo like `urlpattern` is otherwise silent). */
export function unknownFieldWarnings(spec: unknown): string[] {
  const out: string[] = [];
  collectUnknown(GatewayEndpointSpecSchema as SchemaNode, spec, 'spec', out);
  return out;
}
