/**
 * Go's URL escaping rules, byte for byte, so backends see what KrakenD sends (spec §5.1–§5.3):
 * `URL.EscapedPath` for the path, `url.Values.Encode` for forwarded query strings, and
 * `url.ParseQuery` / `url.PathUnescape` for reading the client's URL.
 */

const HEX = '0123456789ABCDEF';

function isAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isUnreserved(c: number): boolean {
  return isAlnum(c) || c === 0x2d || c === 0x5f || c === 0x2e || c === 0x7e;
}

/** Go `shouldEscape(c, encodePath)`. */
function shouldEscapePath(c: number): boolean {
  if (isUnreserved(c)) return false;
  // $ & + , / : ; = @ stay; ? is escaped in a path.
  return !(c === 0x24 || c === 0x26 || c === 0x2b || c === 0x2c || c === 0x2f || c === 0x3a || c === 0x3b || c === 0x3d || c === 0x40);
}

/** Go `validEncoded(s, encodePath)`: the sub-delims and `%` may stay as written. */
function validEncodedPath(bytes: Uint8Array): boolean {
  for (const c of bytes) {
    // ! $ & ' ( ) * + , ; = : @ [ ] %
    if (c === 0x21 || c === 0x24 || c === 0x26 || c === 0x27 || c === 0x28 || c === 0x29 || c === 0x2a || c === 0x2b) continue;
    if (c === 0x2c || c === 0x3b || c === 0x3d || c === 0x3a || c === 0x40 || c === 0x5b || c === 0x5d || c === 0x25) continue;
    if (shouldEscapePath(c)) return false;
  }
  return true;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

/** Go's `url.EscapeError`: the offending escape, quoted like `strconv.Quote`. */
export class UrlEscapeError extends Error {
  /** The escape as written (up to three characters). */
  readonly escape: string;

  constructor(escape: string) {
    super(`invalid URL escape ${JSON.stringify(escape)}`);
    this.escape = escape;
  }
}

/** Go `unescape`: `%XX` → byte; `plusIsSpace` for query components; throws `UrlEscapeError`. */
function unescapeBytes(s: string, plusIsSpace: boolean): Buffer {
  const src = Buffer.from(s, 'utf8');
  const out = Buffer.allocUnsafe(src.length);
  let n = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === 0x25) {
      const hi = i + 2 < src.length ? hexValue(src[i + 1]!) : -1;
      const lo = hi >= 0 ? hexValue(src[i + 2]!) : -1;
      if (lo < 0) throw new UrlEscapeError(src.subarray(i, i + 3).toString('latin1'));
      out[n++] = (hi << 4) | lo;
      i += 2;
    } else {
      out[n++] = plusIsSpace && c === 0x2b ? 0x20 : c;
    }
  }
  return out.subarray(0, n);
}

/** Go `url.PathUnescape`: decodes `%XX` (not `+`); throws `UrlEscapeError` on a bad escape. */
export function pathUnescape(s: string): string {
  return s.includes('%') ? unescapeBytes(s, false).toString('utf8') : s;
}

/** Go `url.QueryUnescape`: decodes `%XX` and `+` → space; throws `UrlEscapeError`. */
export function queryUnescape(s: string): string {
  return s.includes('%') || s.includes('+') ? unescapeBytes(s, true).toString('utf8') : s;
}

function escapeBytes(bytes: Uint8Array, keep: (c: number) => boolean, spaceAsPlus: boolean): string {
  let out = '';
  for (const c of bytes) {
    if (keep(c)) out += String.fromCharCode(c);
    else if (spaceAsPlus && c === 0x20) out += '+';
    else out += '%' + HEX[c >> 4]! + HEX[c & 15]!;
  }
  return out;
}

const PLAIN_PATH = /^[A-Za-z0-9\-_.~$&+,/:;=@]*$/;

/**
 * What Go sends on the wire for a URL whose path was written as `raw` (`url.Parse` then
 * `URL.EscapedPath`): the text as written when it is a valid encoding, otherwise the decoded
 * path re-escaped. Throws `UrlEscapeError` when `raw` holds a bad escape (Go's parse error).
 */
export function escapedPath(raw: string): string {
  if (PLAIN_PATH.test(raw)) return raw;
  const rawBytes = Buffer.from(raw, 'utf8');
  const decoded = unescapeBytes(raw, false);
  if (validEncodedPath(rawBytes)) return raw;
  return escapeBytes(decoded, (c) => !shouldEscapePath(c), false);
}

const PLAIN_QUERY = /^[A-Za-z0-9\-_.~]*$/;

/** Go `url.QueryEscape`: only `A-Za-z0-9-_.~` stay, space → `+`. */
export function queryEscape(s: string): string {
  if (PLAIN_QUERY.test(s)) return s;
  return escapeBytes(Buffer.from(s, 'utf8'), isUnreserved, true);
}

/** Go `url.Values.Encode`: keys sorted, every value of a key in order, form-encoded. */
export function encodeQuery(query: ReadonlyMap<string, readonly string[]>): string {
  const keys = [...query.keys()].sort(compareBytes);
  let out = '';
  for (const key of keys) {
    const escapedKey = queryEscape(key);
    for (const value of query.get(key)!) out += (out === '' ? '' : '&') + escapedKey + '=' + queryEscape(value);
  }
  return out;
}

/** Go orders strings by UTF-8 bytes, i.e. by code point. */
function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Go `url.ParseQuery` (as gin's `c.Request.URL.Query()` uses it): `&`-separated pairs, a pair
 * with `;` or a bad escape is dropped, `?a` gives `a=""`, repeated keys keep every value.
 */
export function parseQuery(raw: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const pair of raw.split('&')) {
    if (pair === '' || pair.includes(';')) continue;
    const eq = pair.indexOf('=');
    let key: string;
    let value: string;
    try {
      key = queryUnescape(eq === -1 ? pair : pair.slice(0, eq));
      value = eq === -1 ? '' : queryUnescape(pair.slice(eq + 1));
    } catch {
      continue;
    }
    const values = out.get(key);
    if (values === undefined) out.set(key, [value]);
    else values.push(value);
  }
  return out;
}

const QUERY_UNSAFE = /[^\u0021-\u007e]/;
const QUERY_UNSAFE_ALL = /[^\u0021-\u007e]/gu;

/**
 * A url_pattern query with params inserted "as written" (spec §5.1); only bytes that cannot be
 * put on an HTTP request line (controls, space, non-ASCII) are percent-encoded.
 */
export function rawQuery(text: string): string {
  if (!QUERY_UNSAFE.test(text)) return text;
  return text.replace(QUERY_UNSAFE_ALL, (ch) => escapeBytes(Buffer.from(ch, 'utf8'), () => false, false));
}
