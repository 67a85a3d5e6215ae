/**
 * Bounded condition messages: a condition message may hold 32768 characters; ours stay far
 * below so aggregated errors never make a status write fail (apisix-ingress#2783).
 */
import type { Problem } from './types.ts';

/** Longest message `compile()` produces. */
export const MAX_MESSAGE = 4096;

/** Longest single problem or warning text. */
export const MAX_ITEM = 512;

/** Most problems kept per resource. */
export const MAX_PROBLEMS = 32;

/** Cuts `text` to `max` characters, marking the cut. */
export function bound(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function list(items: readonly string[], shown: number): string {
  const head = items.slice(0, shown).join('; ');
  return items.length > shown ? `${head}; and ${items.length - shown} more` : head;
}

/** The message of an outcome: what is wrong (or accepted), what still serves, the warnings. */
export function outcomeMessage(route: string, problems: readonly Problem[], servedGeneration: number | null, warnings: readonly string[]): string {
  const parts: string[] = [];
  if (problems.length === 0) parts.push(`accepted: ${route}`);
  else parts.push(list(problems.map((p) => `${p.field}: ${p.message}`), 8));
  if (problems.length > 0 && servedGeneration !== null) parts.push(`still serving generation ${servedGeneration}`);
  if (warnings.length > 0) parts.push(`warnings: ${list(warnings, 8)}`);
  return bound(parts.join('; '), MAX_MESSAGE);
}
