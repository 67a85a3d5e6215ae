/**
 * Go-style duration strings, restricted to the syntax the CRD's CEL rule accepts (so a file
 * that passes `koaxy validate` also passes the API server).
 */
import { DURATION_PATTERN } from '../api/index.ts';

const UNIT_MS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

const WHOLE = new RegExp(DURATION_PATTERN, 'u');
const PART = /([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/gu;

/**
 * Parses a duration such as `2s`, `500ms`, `1m30s`, `1.5h` or `0` into whole milliseconds
 * (rounded down); returns `null` for anything else (negative, `.5s`, missing unit, ...).
 */
export function parseDurationMs(text: string): number | null {
  if (!WHOLE.test(text)) return null;
  let total = 0;
  for (const match of text.matchAll(PART)) total += Number(match[1]) * UNIT_MS[match[2]!]!;
  if (!Number.isFinite(total) || total > Number.MAX_SAFE_INTEGER) return null;
  return Math.floor(total + 1e-9);
}
