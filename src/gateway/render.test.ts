import assert from 'node:assert/strict';
import type { OutputEncoding } from '../ir/index.ts';
import { parseJson } from '../proxy/json.ts';
import { formatFloatG, negotiateFormat, renderBody } from './render.ts';

const JSON_CT = 'application/json; charset=utf-8';
const TEXT_CT = 'text/plain; charset=utf-8';
const YAML_CT = 'application/x-yaml; charset=utf-8';
const XML_CT = 'application/xml';

/** Decodes a backend-like JSON object, so raw number literals are part of the data. */
function data(text: string): Record<string, unknown> {
  return parseJson(text) as Record<string, unknown>;
}

type Case = [what: string, encoding: OutputEncoding, input: Record<string, unknown> | null, accept: string | undefined, body: string, contentType: string];

describe('renderBody()', () => {
  const supu = { content: 'supu' };
  const cases: Case[] = [
    // TestRender_Negotiated_ok (lura router/gin/render_test.go), XML by CE's mxj renderer.
    ['negotiate: no Accept → JSON', 'negotiate', supu, undefined, '{"content":"supu"}', JSON_CT],
    ['negotiate: empty Accept → JSON', 'negotiate', supu, '', '{"content":"supu"}', JSON_CT],
    ['negotiate: application/json', 'negotiate', supu, 'application/json', '{"content":"supu"}', JSON_CT],
    ['negotiate: text/plain → YAML', 'negotiate', supu, 'text/plain', 'content: supu\n', YAML_CT],
    ['negotiate: application/x-yaml', 'negotiate', supu, 'application/x-yaml', 'content: supu\n', YAML_CT],
    ['negotiate: application/xml', 'negotiate', supu, 'application/xml', '<content>supu</content>', XML_CT],
    ['negotiate: */* → the first offer, JSON', 'negotiate', supu, '*/*', '{"content":"supu"}', JSON_CT],
    ['negotiate: q-values ignored, header order wins', 'negotiate', supu, 'application/xml;q=0.1, application/json', '<content>supu</content>', XML_CT],
    ['negotiate: an unmatched entry falls through to the next', 'negotiate', supu, 'image/png, text/plain', 'content: supu\n', YAML_CT],
    ['negotiate: a prefix matches (application/js)', 'negotiate', supu, 'application/js', '{"content":"supu"}', JSON_CT],
    ['negotiate: text/* → text/plain → YAML', 'negotiate', supu, 'text/*', 'content: supu\n', YAML_CT],
    ['negotiate: no match → JSON', 'negotiate', supu, 'image/png', '{"content":"supu"}', JSON_CT],
    ['negotiate: case-sensitive (TEXT/PLAIN does not match)', 'negotiate', supu, 'TEXT/PLAIN', '{"content":"supu"}', JSON_CT],
    ['negotiate: application/yaml is not an offer in gin 1.9.1', 'negotiate', supu, 'application/yaml', '{"content":"supu"}', JSON_CT],
    // TestRender_Negotiated_noData / _noResponse
    ['negotiate: empty data as JSON', 'negotiate', {}, 'application/json', '{}', JSON_CT],
    ['negotiate: empty data as YAML', 'negotiate', {}, 'text/plain', '{}\n', YAML_CT],
    ['negotiate: empty data as XML', 'negotiate', {}, 'application/xml', '<doc/>', XML_CT],
    ['negotiate: no response as JSON', 'negotiate', null, 'application/json', '{}', JSON_CT],
    ['negotiate: no response as YAML', 'negotiate', null, 'application/x-yaml', '{}\n', YAML_CT],
    // json (Go encoding/json through gin render.WriteJSON)
    ['json: sorted keys, HTML-safe, raw numbers', 'json', data('{"b":1.0,"a":"<&>"}'), undefined, '{"a":"\\u003c\\u0026\\u003e","b":1.0}', JSON_CT],
    ['json: no response → {}', 'json', null, undefined, '{}', JSON_CT],
    // json-collection
    ['json-collection: the collection value', 'json-collection', data('{"collection":[{"b":1,"a":2},3]}'), undefined, '[{"a":2,"b":1},3]', JSON_CT],
    ['json-collection: any JSON value', 'json-collection', { collection: { a: 1 } }, undefined, '{"a":1}', JSON_CT],
    ['json-collection: a missing key → []', 'json-collection', { other: 1 }, undefined, '[]', JSON_CT],
    ['json-collection: no response → []', 'json-collection', null, undefined, '[]', JSON_CT],
    ['json-collection: an explicit null stays null (Go writes the value)', 'json-collection', { collection: null }, undefined, 'null', JSON_CT],
    // TestRender_string / _string_noData
    ['string: the content string', 'string', supu, undefined, 'supu', TEXT_CT],
    ['string: no content → empty', 'string', {}, undefined, '', TEXT_CT],
    ['string: non-string content → empty', 'string', { content: 42 }, undefined, '', TEXT_CT],
    ['string: no response → empty', 'string', null, undefined, '', TEXT_CT],
    // xml (krakend-xml / mxj)
    ['xml: a single key is the root', 'xml', { user: { name: 'Elliot', '-type': 'admin' } }, undefined, '<user type="admin"><name>Elliot</name></user>', XML_CT],
    ['xml: several keys are wrapped in <doc>', 'xml', { b: 2, a: 'x' }, undefined, '<doc><a>x</a><b>2</b></doc>', XML_CT],
    ['xml: attributes of the root <doc>', 'xml', { '-v': 1, a: 'x' }, undefined, '<doc v="1"><a>x</a></doc>', XML_CT],
    ['xml: escapes text and attributes', 'xml', { a: { '-q': '"\'', t: '<&>' } }, undefined, '<a q="&quot;&apos;"><t>&lt;&amp;&gt;</t></a>', XML_CT],
    ['xml: lists repeat the element', 'xml', { r: { item: [1, 'two', { x: 3 }] } }, undefined, '<r><item>1</item><item>two</item><item><x>3</x></item></r>', XML_CT],
    ['xml: a single list of objects gives sibling roots', 'xml', { item: [{ x: 1 }, { x: 2 }] }, undefined, '<item><x>1</x></item><item><x>2</x></item>', XML_CT],
    ['xml: a single list of scalars is wrapped in <doc>', 'xml', { item: [1, 2] }, undefined, '<doc><item>1</item><item>2</item></doc>', XML_CT],
    ['xml: null, empty strings and empty objects are empty elements', 'xml', { r: { n: null, s: '', o: {} } }, undefined, '<r><n/><o/><s/></r>', XML_CT],
    ['xml: #text beside attributes is the element text', 'xml', { a: { '-id': 'x', '#text': 'hi' } }, undefined, '<a id="x">hi</a>', XML_CT],
    ['xml: numbers keep their literal, booleans print', 'xml', data('{"r":{"f":1.50,"t":true}}'), undefined, '<r><f>1.50</f><t>true</t></r>', XML_CT],
    ['xml: no response → <doc/>', 'xml', null, undefined, '<doc/>', XML_CT],
    // yaml (gin c.YAML = yaml.v3)
    ['yaml: nested maps with 4-space indent', 'yaml', { user: { name: 'Elliot', '-type': 'admin' } }, undefined, 'user:\n    -type: admin\n    name: Elliot\n', YAML_CT],
    ['yaml: no response → {}', 'yaml', null, undefined, '{}\n', YAML_CT],
  ];
  for (const [what, encoding, input, accept, body, contentType] of cases) {
    it(what, () => {
      assert.deepEqual(renderBody(encoding, input, accept), { body, contentType });
    });
  }

  it('never renders no-op', () => {
    assert.throws(() => renderBody('no-op', {}, undefined));
  });
});

describe('renderBody() as YAML, like yaml.v3', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['sorts keys in natural order', { b10: 1, b9: 2, a: 3, B: 4 }, 'B: 4\na: 3\nb9: 2\nb10: 1\n'],
    ['double-quotes strings that read back as other types', { a: '12345', b: 'true', c: 'yes', d: '', e: '1.5', f: 'null', g: '2024-01-05' }, 'a: "12345"\nb: "true"\nc: "yes"\nd: ""\ne: "1.5"\nf: "null"\ng: "2024-01-05"\n'],
    ['double-quotes keys that read back as other types', { 123: 'x', on: 'y' }, '"123": x\n"on": "y"\n'],
    ['single-quotes strings a plain scalar cannot hold', { a: 'a: b', b: ' lead' }, "a: 'a: b'\nb: ' lead'\n"],
    ['writes multi-line strings as literal blocks', { a: 'l1\nl2' }, 'a: |-\n    l1\n    l2\n'],
    ['indents sequences', { a: [1, 'x'], e: [] }, 'a:\n    - 1\n    - x\ne: []\n'],
    ['writes null and booleans (and quotes the YAML 1.1 boolean key "n")', { n: null, t: true, f: false }, 'f: false\n"n": null\nt: true\n'],
    ['writes json.Number integers as int64', data('{"a":12345678901234567,"b":-3}'), 'a: 12345678901234567\nb: -3\n'],
    ['writes json.Number floats as Go %g', data('{"a":4.20,"b":1.0,"c":1e6,"d":0.00001,"e":12345678901234567890}'), 'a: 4.2\nb: 1\nc: 1e+06\nd: 1e-05\ne: 1.2345678901234567e+19\n'],
  ];
  for (const [what, input, body] of cases) {
    it(what, () => {
      assert.equal(renderBody('yaml', input, undefined).body, body);
    });
  }
});

describe('negotiateFormat()', () => {
  it('keeps an entry whose first character is ";" whole, like gin', () => {
    assert.equal(negotiateFormat(';q=1, text/plain'), 'text/plain');
  });
  it('returns "" when nothing matches', () => {
    assert.equal(negotiateFormat('image/png'), '');
  });
});

describe('formatFloatG()', () => {
  const cases: [number, string][] = [
    [4.2, '4.2'],
    [1, '1'],
    [100000, '100000'],
    [1e6, '1e+06'],
    [123456789, '1.23456789e+08'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1e-300, '1e-300'],
    [-2.5e21, '-2.5e+21'],
  ];
  for (const [value, text] of cases) {
    it(`formats ${value} as ${text}`, () => {
      assert.equal(formatFloatG(value), text);
    });
  }
});
