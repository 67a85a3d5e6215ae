/**
 * Small TypeBox helpers that keep the schema structural (no anyOf/patternProperties) while the
 * static types stay precise.
 */
import { Type, type TUnsafe } from '@sinclair/typebox';

/** The regular expression a Go-style duration string must match (`2s`, `500ms`, `1m30s`, `0`). */
export const DURATION_PATTERN = '^(0|([0-9]+([.][0-9]+)?(ns|us|µs|ms|s|m|h))+)$';

/** One CEL validation rule (`x-kubernetes-validations` entry). */
export interface CelRule {
  readonly rule: string;
  readonly message: string;
  /** JSON path (from the schema node) the API server names in its error. */
  readonly fieldPath?: string;
}

/** A string restricted to `values`, rendered as a plain `enum` (not a union of literals). */
export function stringEnum<const T extends readonly string[]>(values: T, options: Record<string, unknown>): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/** A string-to-string map (`additionalProperties: {type: string}`). */
export function stringMap(options: Record<string, unknown>): TUnsafe<Record<string, string>> {
  return Type.Unsafe<Record<string, string>>({
    type: 'object',
    additionalProperties: { type: 'string', maxLength: 256 },
    ...options,
  });
}

/** A list of short strings. */
export function stringList(description: string, maxItems = 64) {
  return Type.Array(Type.String({ maxLength: 256 }), { description, maxItems });
}

/** A Go-style duration string with a default. */
export function duration(description: string, defaultValue: string) {
  return Type.String({
    description,
    default: defaultValue,
    maxLength: 64,
    'x-kubernetes-validations': [
      { rule: `self.matches('${DURATION_PATTERN}')`, message: 'must be a Go duration such as 2s, 500ms or 1m30s' },
    ] satisfies CelRule[],
  });
}
