/**
 * The route table's version: a sha256 over a canonical serialisation of its routes, so equal
 * tables have equal versions whatever the key order of their objects.
 */
import { createHash } from 'node:crypto';
import type { Route } from '../ir/index.ts';

/** JSON with object keys sorted at every level (arrays keep their order). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).filter((key) => (value as Record<string, unknown>)[key] !== undefined).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The hex sha256 of the canonical serialisation of `routes`. */
export function tableVersion(routes: readonly Route[]): string {
  return createHash('sha256').update(canonicalJson(routes)).digest('hex');
}
