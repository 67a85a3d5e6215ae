/**
 * Shallow merge of backend results (spec §3.1), deterministic: declared backend order, later
 * backend wins on a key collision (DESIGN §6; KrakenD lets the last to arrive win).
 */
import { setKey } from './json.ts';

/**
 * Copies the top-level keys of every non-null part, in index order, into a new object; a later
 * part overwrites an earlier one's key; nested objects are replaced, never merged.
 */
export function mergeInOrder(parts: readonly (Record<string, unknown> | null)[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const part of parts) {
    if (part === null) continue;
    for (const key of Object.keys(part)) setKey(out, key, part[key]);
  }
  return out;
}
