/**
 * KrakenD-exact JSON: Go's `json.Decoder` with `UseNumber` on the way in, Go's `json.Marshal`
 * of a decoded map on the way out (spec §2.1, §2.2).
 *
 * Numbers whose literal would not survive a JS round trip (`1.0`, `1e3`, 16+ digit integers,
 * `-0`) are kept as `JSON.rawJSON` values; every other number is a plain JS number. Code that
 * inspects decoded data must therefore use `isJsonObject` (a raw number is a frozen object) and
 * `isRawNumber`/`numberText` when it needs a number's text.
 */

/** A number kept with its literal text, as produced by `JSON.rawJSON` (Node ≥ 21). */
export interface RawNumber {
  readonly rawJSON: string;
}

/** The parts of the ES2025 JSON API that TypeScript's lib does not declare yet. */
interface JsonWithSource {
  rawJSON(text: string): RawNumber;
  isRawJSON(value: unknown): value is RawNumber;
  parse(text: string, reviver: (key: string, value: unknown, context: { source?: string }) => unknown): unknown;
}

const JSONX = JSON as unknown as JsonWithSource;

/**
 * Finds a number literal whose JS number would print differently: a fraction ending in 0
 * (`1.50`), an exponent (`1e3`), 16+ digits (precision), a tiny fixed-point value (`0.0000001`,
 * printed `1e-7` by JS) or `-0`; literals such as `0.25` or `19.99` round-trip and stay on the
 * fast path. It looks only where a value starts (after `:`, `,`, `[`), so a false positive
 * (such text inside a string) only costs the slow path; anchoring on these structural
 * characters keeps the scan at a fraction of `JSON.parse`'s own cost.
 */
const NEEDS_RAW =
  /[:,[]\s*-?(?:\d+\.\d*0\s*[,}\]]|\d+(?:\.\d+)?[eE]|[\d.]{16}|0\.0{6})|[:,[]\s*-0\s*[,}\]]/;

/** Top-level scalars (only `safejson` accepts them) always take the slow path. */
const STARTS_CONTAINER = /^\s*[{[]/;

function keepLiteral(_key: string, value: unknown, context: { source?: string }): unknown {
  if (typeof value !== 'number') return value;
  const source = context.source;
  if (source === undefined || String(value) === source) return value;
  return JSONX.rawJSON(source);
}

function parseWhole(text: string): unknown {
  return NEEDS_RAW.test(text) || !STARTS_CONTAINER.test(text) ? JSONX.parse(text, keepLiteral) : JSON.parse(text);
}

/**
 * Parses the first JSON value of `text` like Go's `json.Decoder` with `UseNumber`: number
 * literals keep their text, trailing data after a complete value is ignored. Throws a
 * `SyntaxError` (`EOF` for an empty or blank text, `unexpected EOF` for a truncated value).
 */
export function parseJson(text: string): unknown {
  try {
    return parseWhole(text);
  } catch (error) {
    const end = endOfFirstValue(text);
    if (end === -1) throw new SyntaxError(/^\s*$/.test(text) ? 'EOF' : 'unexpected EOF');
    if (end >= text.length) throw error;
    return parseWhole(text.slice(0, end));
  }
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/y;
const LITERALS = ['true', 'false', 'null'];

/**
 * Index just after the first value of `text` (the byte where Go's decoder stops), `-1` when the
 * text ends before a value is complete; a syntax error inside the value is left to JSON.parse.
 */
function endOfFirstValue(text: string): number {
  let i = 0;
  while (i < text.length && WS.has(text.charCodeAt(i))) i++;
  if (i >= text.length) return -1;
  const c = text[i];
  if (c === '{' || c === '[' || c === '"') return endOfNested(text, i);
  for (const literal of LITERALS) {
    if (text.startsWith(literal, i)) return i + literal.length;
  }
  NUMBER.lastIndex = i;
  if (NUMBER.test(text)) return NUMBER.lastIndex;
  return text.length;
}

function endOfNested(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i++;
      while (i < text.length && text.charCodeAt(i) !== 0x22) i += text.charCodeAt(i) === 0x5c ? 2 : 1;
      if (i >= text.length) return -1;
      if (depth === 0) return i + 1;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth <= 0) return i + 1;
    }
  }
  return -1;
}

/** True for a number kept with its literal text by `parseJson`. */
export function isRawNumber(value: unknown): value is RawNumber {
  return JSONX.isRawJSON(value);
}

/** Wraps a number literal (already valid JSON number text) so `stringifyGo` writes it as is. */
export function rawNumber(text: string): RawNumber {
  return JSONX.rawJSON(text);
}

/** The text of a number as Go would print it: the literal for raw numbers, JS formatting otherwise. */
export function numberText(value: number | RawNumber): string {
  return typeof value === 'number' ? JSON.stringify(value) : value.rawJSON;
}

/** True for a JSON object (a Go `map[string]interface{}`): not null, not an array, not a raw number. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !JSONX.isRawJSON(value);
}

/** Sets an own property, also for the key `__proto__` (which a plain assignment would not create). */
export function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/** `Symbol.for` so a mark set without importing this file (backend-proxy.ts) is honoured too. */
const GO_STRUCT: unique symbol = Symbol.for('koaxy.goStruct') as never;

/**
 * Marks an object as a Go struct for `stringifyGo`: its keys are written in insertion order
 * (Go's field order) instead of sorted, e.g. lura's `HTTPResponseError` (`http_status_code`,
 * `http_body`, `http_body_encoding`). The mark is a non-enumerable symbol; returns the object.
 */
export function markGoStruct<T extends object>(object: T): T {
  Object.defineProperty(object, GO_STRUCT, { value: true, enumerable: false });
  return object;
}

type KeySort = (keys: string[]) => string[];

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts by UTF-16 code unit, skipping the sort when the keys are already in order. */
const sortByCodeUnit: KeySort = (keys) => {
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) return keys.sort(byCodeUnit);
  }
  return keys;
};

/** Go compares strings by UTF-8 bytes, i.e. by code point; JS sorts by UTF-16 code unit. */
function byCodePoint(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

const sortByCodePoint: KeySort = (keys) => keys.sort(byCodePoint);

/** Quotes a string; a plain loop is faster than a native call for the common case of nothing to escape. */
function quote(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c) return JSON.stringify(s);
  }
  return '"' + s + '"';
}

/** Set by `quoteKey` when a key holds a code unit ≥ U+D800, where UTF-16 and UTF-8 orders differ. */
let sawHighKey = false;

function quoteKey(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c) return JSON.stringify(s);
    if (c >= 0xd800) sawHighKey = true;
  }
  return '"' + s + '"';
}

function write(value: unknown, sort: KeySort): string {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return writeArray(value, sort);
      if (JSONX.isRawJSON(value)) return value.rawJSON;
      return writeObject(value as Record<string, unknown>, sort);
    default:
      return 'null';
  }
}

function writeArray(items: readonly unknown[], sort: KeySort): string {
  if (items.length === 0) return '[]';
  let out = '[' + write(items[0], sort);
  for (let i = 1; i < items.length; i++) out += ',' + write(items[i], sort);
  return out + ']';
}

function writeObject(object: Record<string, unknown>, sort: KeySort): string {
  if (typeof object.toJSON === 'function') return write((object.toJSON as () => unknown)(), sort);
  const keys = (object as { [GO_STRUCT]?: true })[GO_STRUCT] === true ? Object.keys(object) : sort(Object.keys(object));
  let out = '{';
  for (const key of keys) {
    const v = object[key];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    out += (out.length === 1 ? '' : ',') + quoteKey(key) + ':' + write(v, sort);
  }
  return out + '}';
}

/** Characters that need a second look: HTML-unsafe, line separators, surrogates, lone-surrogate escapes. */
const SECOND_LOOK = /[<>&\u2028\u2029\ud800-\udfff]|\\ud[89a-f]/;
const HTML_UNSAFE = /[<>&\u2028\u2029]/g;
const BACKSLASH_OR_LONE = /\\(?:\\|u(d[89a-f][0-9a-f]{2}))/g;
const HTML_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/**
 * Serialises decoded data the way Go's `json.Marshal` writes a `map[string]interface{}`: keys
 * sorted by UTF-8 byte order, no whitespace, `<` `>` `&` U+2028 U+2029 escaped, raw number
 * literals kept, lone surrogates replaced by U+FFFD. `undefined` values are skipped like
 * `JSON.stringify` does.
 */
export function stringifyGo(value: unknown): string {
  sawHighKey = false;
  let out = write(value, sortByCodeUnit);
  if (sawHighKey) out = write(value, sortByCodePoint);
  if (!SECOND_LOOK.test(out)) return out;
  if (!out.isWellFormed()) out = out.toWellFormed();
  if (out.includes('\\ud')) out = out.replace(BACKSLASH_OR_LONE, (m, lone?: string) => (lone === undefined ? m : '\ufffd'));
  return out.replace(HTML_UNSAFE, (c) => HTML_ESCAPES[c]!);
}
