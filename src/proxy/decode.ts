/**
 * Backend body decoders (spec §2.1): every decoder turns a backend body into a JSON object for
 * the rest of the pipe, exactly like lura's `encoding` package.
 */
import type { BackendEncoding } from '../ir/index.ts';
import { DecodeError } from './decode-error.ts';
import { isJsonObject, parseJson } from './json.ts';
import { decodeXml } from './xml-decode.ts';

export { DecodeError };


function parse(body: Buffer): unknown {
  try {
    return parseJson(body.toString('utf8'));
  } catch (error) {
    throw new DecodeError((error as Error).message, { cause: error });
  }
}

function goType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'object') return isJsonObject(value) ? 'object' : 'number';
  return typeof value;
}

/** `json`: an object (Go `null` decodes to an empty map). */
function decodeJsonObject(body: Buffer): Record<string, unknown> {
  const value = parse(body);
  if (isJsonObject(value)) return value;
  if (value === null) return {};
  throw new DecodeError(`json: cannot unmarshal ${goType(value)} into Go value of type map[string]interface {}`);
}

/** `json` with `is_collection`: an array wrapped as `{collection}` (Go `null` stays null). */
function decodeJsonCollection(body: Buffer): Record<string, unknown> {
  const value = parse(body);
  if (Array.isArray(value) || value === null) return { collection: value };
  throw new DecodeError(`json: cannot unmarshal ${goType(value)} into Go value of type []interface {}`);
}

/** `safejson`: object as is, array → `{collection}`, any scalar → `{content}`. */
function decodeSafeJson(body: Buffer): Record<string, unknown> {
  const value = parse(body);
  if (isJsonObject(value)) return value;
  if (Array.isArray(value)) return { collection: value };
  return { content: value };
}

/**
 * Decodes a backend body with the backend's `encoding` into the object the entity formatter
 * receives; throws `DecodeError` when the body does not fit (empty `json` body → `EOF`).
 * `no-op` never reaches this function (the pipeline streams it).
 */
export function decodeBody(encoding: BackendEncoding, isCollection: boolean, body: Buffer): Record<string, unknown> {
  switch (encoding) {
    case 'json':
      return isCollection ? decodeJsonCollection(body) : decodeJsonObject(body);
    case 'safejson':
      return decodeSafeJson(body);
    case 'string':
      return { content: body.toString('utf8') };
    case 'xml':
      return decodeXml(body, isCollection);
    case 'no-op':
      throw new DecodeError('no-op bodies are streamed, never decoded');
  }
}
