/**
 * Renderers of the client response body (spec §2.2): lura's `router/gin/render.go` with CE's
 * mxj XML renderer and gin's `NegotiateFormat`. Pure functions of the merged data; `no-op` is
 * streamed by the pipeline and never reaches this file.
 */
import YAML from 'yaml';
import type { OutputEncoding } from '../ir/index.ts';
import { isJsonObject, isRawNumber, numberText, stringifyGo } from '../proxy/json.ts';

/** A rendered body and the Content-Type it is written with. */
export interface RenderedBody {
  readonly body: string;
  readonly contentType: string;
}

/** Content-Type of the JSON renderers. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
/** Content-Type of the string renderer. */
export const TEXT_CONTENT_TYPE = 'text/plain; charset=utf-8';
/** Content-Type of the YAML renderer: gin 1.9.1's, the version KrakenD CE 2.9.1 ships. */
export const YAML_CONTENT_TYPE = 'application/x-yaml; charset=utf-8';
/** Content-Type of CE's XML renderer (krakend-xml). */
export const XML_CONTENT_TYPE = 'application/xml';

type Data = Readonly<Record<string, unknown>> | null;

/**
 * Renders merged data for an endpoint's `outputEncoding`; `accept` (the client's `Accept`
 * header) only matters for `negotiate`. `null` data means there was no response at all.
 */
export function renderBody(encoding: OutputEncoding, data: Data, accept: string | undefined): RenderedBody {
  switch (encoding) {
    case 'json':
      return renderJson(data);
    case 'json-collection':
      return renderJsonCollection(data);
    case 'string':
      return renderString(data);
    case 'yaml':
      return renderYaml(data);
    case 'xml':
      return renderXml(data);
    case 'negotiate':
      return renderNegotiated(data, accept);
    case 'no-op':
      throw new Error('no-op responses are streamed, not rendered');
  }
}

function renderJson(data: Data): RenderedBody {
  return { body: data === null ? '{}' : stringifyGo(data), contentType: JSON_CONTENT_TYPE };
}

/** The value of `collection` as is (even `null`), `[]` when the key is missing or there is no data. */
function renderJsonCollection(data: Data): RenderedBody {
  const body = data === null || !Object.hasOwn(data, 'collection') ? '[]' : stringifyGo(data.collection);
  return { body, contentType: JSON_CONTENT_TYPE };
}

function renderString(data: Data): RenderedBody {
  const content = data === null ? undefined : data.content;
  return { body: typeof content === 'string' ? content : '', contentType: TEXT_CONTENT_TYPE };
}

/** gin's offers for `negotiate`, in the order gin tries them. */
const OFFERS = ['application/json', 'text/plain', 'application/xml', 'application/x-yaml'] as const;

/** gin `parseAccept`: split on `,`, drop parameters after a `;` not in first place, trim, skip empties. */
function parseAccept(header: string): string[] {
  const out: string[] = [];
  for (let part of header.split(',')) {
    const semicolon = part.indexOf(';');
    if (semicolon > 0) part = part.slice(0, semicolon);
    part = part.trim();
    if (part !== '') out.push(part);
  }
  return out;
}

/**
 * gin `NegotiateFormat` (v1.9.1): accepted entries in header order, each against the offers in
 * order; `*` on either side matches the rest, an accepted value that is a prefix of an offer
 * matches; q-values are ignored. Returns `''` when nothing matches.
 */
export function negotiateFormat(accept: string | undefined, offers: readonly string[] = OFFERS): string {
  const accepted = parseAccept(accept ?? '');
  if (accepted.length === 0) return offers[0] ?? '';
  for (const value of accepted) {
    for (const offer of offers) {
      let i = 0;
      for (; i < value.length && i < offer.length; i++) {
        if (value[i] === '*' || offer[i] === '*') return offer;
        if (value[i] !== offer[i]) break;
      }
      if (i === value.length) return offer;
    }
  }
  return '';
}

function renderNegotiated(data: Data, accept: string | undefined): RenderedBody {
  switch (negotiateFormat(accept)) {
    case 'application/xml':
      return renderXml(data);
    case 'text/plain':
    case 'application/x-yaml':
      return renderYaml(data);
    default:
      return renderJson(data);
  }
}

// ---------------------------------------------------------------------------------------------
// YAML: gin `c.YAML` = gopkg.in/yaml.v3 Marshal (4-space indent, natural key order, Go quoting).

/** A float scalar already formatted the Go way, written as is. */
class GoFloat {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

const goFloatTag = {
  identify: (value: unknown) => value instanceof GoFloat,
  default: true,
  tag: 'tag:yaml.org,2002:float',
  resolve: (text: string) => Number(text),
  stringify: (item: { value: unknown }) => (item.value as GoFloat).text,
};

/** Go `strconv.FormatFloat(f, 'g', -1, 64)`: exponent form below 1e-4 and from 1e6. */
export function formatFloatG(value: number): string {
  if (value === Infinity) return '.inf';
  if (value === -Infinity) return '-.inf';
  if (Number.isNaN(value)) return '.nan';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa, exponentText] = value.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return String(value);
}

const INT64_MAX = 9223372036854775807n;
const GO_INTEGER = /^-?\d+$/;

/** yaml.v3 writes a `json.Number` as an int64 when it parses as one, else as a float64. */
function yamlNumber(text: string): bigint | GoFloat {
  if (GO_INTEGER.test(text)) {
    const n = BigInt(text);
    if (n <= INT64_MAX && n >= -INT64_MAX - 1n) return n;
  }
  return new GoFloat(formatFloatG(Number(text)));
}

/** Converts decoded data into what the yaml package writes like yaml.v3 (a Map keeps the key order). */
function toYamlValue(value: unknown): unknown {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : yamlNumber(numberText(value));
  if (isRawNumber(value)) return yamlNumber(value.rawJSON);
  if (Array.isArray(value)) return value.map(toYamlValue);
  if (!isJsonObject(value)) return value ?? null;
  const keys = Object.keys(value).sort(yamlKeyCompare);
  return new Map(keys.map((key) => [key, toYamlValue(value[key])]));
}

const isDigit = (c: string): boolean => /^\p{Nd}$/u.test(c);
const isLetter = (c: string): boolean => /^\p{L}$/u.test(c);

/** yaml.v3 `keyList.Less` for string keys: natural order (digit runs compared as numbers). */
function yamlKeyLess(a: string, b: string): boolean {
  const ar = Array.from(a);
  const br = Array.from(b);
  let digits = false;
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const x = ar[i]!;
    const y = br[i]!;
    if (x === y) {
      digits = isDigit(x);
      continue;
    }
    const xl = isLetter(x);
    const yl = isLetter(y);
    if (xl && yl) return x.codePointAt(0)! < y.codePointAt(0)!;
    if (xl || yl) return digits ? xl : yl;
    let xn = 0;
    let yn = 0;
    if (x === '0' || y === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j--) {
        if (ar[j] !== '0') {
          xn = 1;
          yn = 1;
          break;
        }
      }
    }
    let xi = i;
    for (; xi < ar.length && isDigit(ar[xi]!); xi++) xn = xn * 10 + (ar[xi]!.codePointAt(0)! - 48);
    let yi = i;
    for (; yi < br.length && isDigit(br[yi]!); yi++) yn = yn * 10 + (br[yi]!.codePointAt(0)! - 48);
    if (xn !== yn) return xn < yn;
    if (xi !== yi) return xi < yi;
    return x.codePointAt(0)! < y.codePointAt(0)!;
  }
  return ar.length < br.length;
}

function yamlKeyCompare(a: string, b: string): number {
  return yamlKeyLess(a, b) ? -1 : yamlKeyLess(b, a) ? 1 : 0;
}

const YAML_NULL_BOOL = new Set(['', '~', 'null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE']);
const YAML_OLD_BOOL = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'on', 'On', 'ON', 'off', 'Off', 'OFF']);
const YAML_SPECIAL_FLOAT = new Set(['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF', '.nan', '.NaN', '.NAN']);
const YAML_INT = /^[-+]?(?:0b[01_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)$/;
const YAML_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const YAML_BASE60 = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const YAML_TIMESTAMP = /^\d{4}-\d\d?-\d\d?(?:(?:[Tt]|[ \t]+)\d\d?:\d\d?:\d\d?(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d\d?(?::\d\d)?))?)?$/;

/** yaml.v3 `stringv`: a string that a plain scalar would read back as something else is double-quoted. */
function needsDoubleQuotes(s: string): boolean {
  return (
    YAML_NULL_BOOL.has(s) ||
    YAML_OLD_BOOL.has(s) ||
    YAML_SPECIAL_FLOAT.has(s) ||
    YAML_INT.test(s) ||
    YAML_FLOAT.test(s) ||
    YAML_BASE60.test(s) ||
    YAML_TIMESTAMP.test(s)
  );
}

function renderYaml(data: Data): RenderedBody {
  const doc = new YAML.Document(toYamlValue(data ?? {}), { customTags: [goFloatTag] });
  YAML.visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string') return;
      if (node.value.includes('\n')) node.type = 'BLOCK_LITERAL';
      else if (needsDoubleQuotes(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  const body = doc.toString({ indent: 4, indentSeq: true, singleQuote: true, lineWidth: 0, nullStr: 'null' });
  return { body, contentType: YAML_CONTENT_TYPE };
}

// ---------------------------------------------------------------------------------------------
// XML: mxj `Map.Xml()` with `XMLEscapeChars(true)`, as krakend-xml renders it.

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const XML_UNSAFE = /[&<>"']/g;

function xmlEscape(text: string): string {
  return text.replace(XML_UNSAFE, (c) => XML_ESCAPES[c]!);
}

/** The text of a scalar the way mxj prints it (`%v`; numbers keep their JSON literal). */
function xmlScalar(value: unknown): string {
  if (typeof value === 'string') return xmlEscape(value);
  if (typeof value === 'number' || isRawNumber(value)) return numberText(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return '';
}

const isAttribute = (key: string): boolean => key.length > 1 && key.startsWith('-');

function xmlElement(key: string, value: unknown): string {
  if (Array.isArray(value)) {
    return value.length === 0 ? `<${key}/>` : value.map((item) => xmlElement(key, item)).join('');
  }
  if (!isJsonObject(value)) {
    const text = xmlScalar(value);
    return text === '' ? `<${key}/>` : `<${key}>${text}</${key}>`;
  }
  const keys = Object.keys(value).sort();
  let out = `<${key}`;
  const elements: string[] = [];
  for (const k of keys) {
    if (isAttribute(k)) out += ` ${k.slice(1)}="${xmlScalar(value[k])}"`;
    else elements.push(k);
  }
  if (elements.length === 0) return out + '/>';
  if (elements.length === 1 && elements[0] === '#text') return `${out}>${xmlScalar(value['#text'])}</${key}>`;
  out += '>';
  for (const k of elements) out += xmlElement(k, value[k]);
  return `${out}</${key}>`;
}

/** mxj `Map.Xml()`: a single key is the root (unless it holds a list of non-objects), else `<doc>`. */
export function toXml(data: Data): string {
  const keys = data === null ? [] : Object.keys(data);
  if (data !== null && keys.length === 1) {
    const key = keys[0]!;
    const value = data[key];
    if (!Array.isArray(value) || value.every(isJsonObject)) return xmlElement(key, value);
  }
  return xmlElement('doc', data ?? {});
}

function renderXml(data: Data): RenderedBody {
  return { body: toXml(data), contentType: XML_CONTENT_TYPE };
}
