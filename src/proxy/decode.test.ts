import assert from 'node:assert/strict';
import type { BackendEncoding } from '../ir/index.ts';
import { DecodeError, decodeBody } from './decode.ts';
import { stringifyGo } from './json.ts';

/** Decoding then re-encoding, so number literals are compared as Go would write them. */
function decoded(encoding: BackendEncoding, isCollection: boolean, body: string): string {
  return stringifyGo(decodeBody(encoding, isCollection, Buffer.from(body)));
}

describe('decodeBody()', () => {
  // Ports of lura encoding/json_test.go (TestNewJSONDecoder_*, TestNewSafeJSONDecoder_*) and
  // encoding_test.go, plus the §2.1 edge cases.
  const ok: [string, BackendEncoding, boolean, string, string][] = [
    ['json: an object (TestNewJSONDecoder_map)', 'json', false, '{"foo": "bar", "supu": false, "tupu": 4.20}', '{"foo":"bar","supu":false,"tupu":4.20}'],
    ['json: a collection (TestNewJSONDecoder_collection)', 'json', true, '["foo", "bar", "supu", false, 4.20]', '{"collection":["foo","bar","supu",false,4.20]}'],
    ['json: null as an empty map', 'json', false, 'null', '{}'],
    ['json: null as a null collection', 'json', true, 'null', '{"collection":null}'],
    ['json: trailing data ignored', 'json', false, '{"a":1}\n{"b":2}', '{"a":1}'],
    ['json: big numbers kept', 'json', false, '{"id":12345678901234567890,"f":1e3}', '{"f":1e3,"id":12345678901234567890}'],
    ['safejson: an object (TestNewSafeJSONDecoder_map)', 'safejson', false, '{"foo": "bar", "supu": false, "tupu": 4.20}', '{"foo":"bar","supu":false,"tupu":4.20}'],
    ['safejson: an array (TestNewSafeJSONDecoder_collection)', 'safejson', false, '["foo", "bar", "supu", false, 4.20]', '{"collection":["foo","bar","supu",false,4.20]}'],
    ['safejson: is_collection ignored', 'safejson', true, '{"a":1}', '{"a":1}'],
    ['safejson: a string (TestNewSafeJSONDecoder_other)', 'safejson', false, '"hello"', '{"content":"hello"}'],
    ['safejson: a number', 'safejson', false, '3.0', '{"content":3.0}'],
    ['safejson: a boolean', 'safejson', false, 'true', '{"content":true}'],
    ['safejson: null', 'safejson', false, 'null', '{"content":null}'],
    ['string: the whole body', 'string', false, 'hello\n{"a":1}', '{"content":"hello\\n{\\"a\\":1}"}'],
    ['string: an empty body', 'string', false, '', '{"content":""}'],
  ];
  for (const [what, encoding, isCollection, body, output] of ok) {
    it(`decodes ${what}`, () => {
      assert.equal(decoded(encoding, isCollection, body), output);
    });
  }

  const ko: [string, BackendEncoding, boolean, string, string | RegExp][] = [
    ['json: a number (TestNewJSONDecoder_ko)', 'json', false, '3', 'json: cannot unmarshal number into Go value of type map[string]interface {}'],
    ['json: an array without is_collection', 'json', false, '[1]', 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
    ['json: an object with is_collection', 'json', true, '{"a":1}', 'json: cannot unmarshal object into Go value of type []interface {}'],
    ['json: a string with is_collection', 'json', true, '"a"', 'json: cannot unmarshal string into Go value of type []interface {}'],
    ['json: an empty body', 'json', false, '', 'EOF'],
    ['json: an empty collection body', 'json', true, '', 'EOF'],
    ['json: a truncated body', 'json', false, '{"a":', 'unexpected EOF'],
    ['json: not JSON', 'json', false, '<html>', /./],
    ['safejson: an empty body', 'safejson', false, '', 'EOF'],
    ['xml: an empty body', 'xml', false, '', 'EOF'],
    ['xml: a malformed body', 'xml', false, '<a><b></a>', /^xml: /],
  ];
  for (const [what, encoding, isCollection, body, message] of ko) {
    it(`rejects ${what}`, () => {
      assert.throws(
        () => decodeBody(encoding, isCollection, Buffer.from(body)),
        (e: unknown) =>
          e instanceof DecodeError && (typeof message === 'string' ? e.message === message : message.test(e.message)),
      );
    });
  }
});
