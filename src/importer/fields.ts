/**
 * Typed readers of KrakenD JSON fields: each returns the value or `undefined`, and records an
 * error naming the JSON path when the field has the wrong type (KrakenD's parser refuses those).
 */
import { type ImportProblem, type JsonObject, childPath, isObject } from './types.ts';

/** Where readers record what they find wrong or cannot carry over. */
export interface Findings {
  readonly errors: ImportProblem[];
  readonly unsupported: ImportProblem[];
}

/** Records an error at `path`. */
export function fail(findings: Findings, path: string, message: string): undefined {
  findings.errors.push({ path, message });
  return undefined;
}

/** Records something koaxy cannot carry over at `path`. */
export function unsupported(findings: Findings, path: string, message = 'not supported'): void {
  if (!findings.unsupported.some((p) => p.path === path && p.message === message)) findings.unsupported.push({ path, message });
}

/** A string field. */
export function readString(obj: JsonObject, key: string, path: string, findings: Findings): string | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : fail(findings, childPath(path, key), 'must be a string');
}

/** A boolean field. */
export function readBoolean(obj: JsonObject, key: string, path: string, findings: Findings): boolean | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  return typeof value === 'boolean' ? value : fail(findings, childPath(path, key), 'must be true or false');
}

/** An integer field. */
export function readInteger(obj: JsonObject, key: string, path: string, findings: Findings): number | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  return typeof value === 'number' && Number.isInteger(value) ? value : fail(findings, childPath(path, key), 'must be an integer');
}

/** A list of strings. */
export function readStringList(obj: JsonObject, key: string, path: string, findings: Findings): string[] | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) return fail(findings, childPath(path, key), 'must be a list of strings');
  const bad = value.findIndex((item) => typeof item !== 'string');
  if (bad >= 0) return fail(findings, childPath(childPath(path, key), bad), 'must be a string');
  return [...(value as string[])];
}

/** A map of strings to strings. */
export function readStringMap(obj: JsonObject, key: string, path: string, findings: Findings): Record<string, string> | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (!isObject(value)) return fail(findings, childPath(path, key), 'must be an object of strings');
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') return fail(findings, childPath(childPath(path, key), k), 'must be a string');
  }
  return { ...(value as Record<string, string>) };
}

/** An object field (kept verbatim). */
export function readObject(obj: JsonObject, key: string, path: string, findings: Findings): Record<string, unknown> | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  return isObject(value) ? { ...value } : fail(findings, childPath(path, key), 'must be an object');
}

/** Reports every key of `obj` not in `known` as not supported (or with the message given for it). */
export function reportUnknownKeys(
  obj: JsonObject,
  known: readonly string[],
  path: string,
  findings: Findings,
  messages: Readonly<Record<string, string>> = {},
): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) unsupported(findings, childPath(path, key), messages[key] ?? 'not supported');
  }
}

// KrakenD's hostPattern (lura config/uri.go), anchored.
const HOST = /^(https?:\/\/)?([a-zA-Z0-9._-]+)(:[0-9]{2,6})?\/?$/;

/** KrakenD's host sanitising: missing scheme → `http://`, trailing `/` dropped; `null` when invalid. */
export function sanitiseHost(host: string): string | null {
  const match = HOST.exec(host);
  return match === null ? null : `${match[1] ?? 'http://'}${match[2]}${match[3] ?? ''}`;
}

/** KrakenD's `CleanPath`: the path with exactly one leading `/` added when missing. */
export function cleanPath(path: string): string {
  return path.startsWith('/') ? path : `/${path}`;
}
