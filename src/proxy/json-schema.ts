/**
 * `validation/json-schema` (spec §7.7): the request body must be JSON satisfying the route's
 * schema before any backend is called; otherwise 400 with the violations as the error text
 * (shown only under `return_error_msg`), one `- <field>: <description>` line each, the way
 * krakend-jsonschema prints gojsonschema's errors. The validator is compiled once per route.
 */
import type { Readable } from 'node:stream';
import { Ajv, type ErrorObject } from 'ajv';
import { ERRORS, GatewayError } from './errors.ts';
import type { Proxy } from './types.ts';

/** A request body that is missing, not JSON, or violates the route's JSON Schema (400). */
export class BodyValidationError extends GatewayError {
  constructor(message: string) {
    super(ERRORS['KOAXY_INVALID_BODY'], message);
  }
}

let ajv: Ajv | undefined;

function fieldOf(instancePath: string): string {
  if (instancePath === '') return '(root)';
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .join('.');
}

/** One violation in gojsonschema's words where they are known, ajv's otherwise. */
export function violationLine(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const field = fieldOf(error.instancePath);
  if (error.keyword === 'required') return `- ${field}: ${String(params['missingProperty'])} is required`;
  if (error.keyword === 'type') {
    const given = error.data === null ? 'null' : Array.isArray(error.data) ? 'array' : Number.isInteger(error.data) ? 'integer' : typeof error.data;
    return `- ${field}: Invalid type. Expected: ${String(params['type'])}, given: ${given}`;
  }
  return `- ${field}: ${error.message ?? error.keyword}`;
}

async function bodyBytes(body: Readable | Buffer | null): Promise<Buffer> {
  if (body === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Validates the body against `schema` before `next`; the backends get the body as a buffer. */
export function withJsonSchema(next: Proxy, schema: Readonly<Record<string, unknown>>): Proxy {
  ajv ??= new Ajv({ allErrors: true, strict: false, verbose: true });
  const validate = ajv.compile(schema);
  // The compiled function stays usable; dropping the cache entry keeps old tables collectable.
  ajv.removeSchema(schema);
  return async (req, signal) => {
    const body = await bodyBytes(req.body);
    if (body.length === 0) throw new BodyValidationError('could not validate an empty body');
    let data: unknown;
    try {
      data = JSON.parse(body.toString('utf8'));
    } catch (err) {
      throw new BodyValidationError(err instanceof Error ? err.message : 'invalid JSON');
    }
    if (!validate(data)) throw new BodyValidationError((validate.errors ?? []).map(violationLine).join('\n'));
    return next({ ...req, body, bodyLength: body.length }, signal);
  };
}
