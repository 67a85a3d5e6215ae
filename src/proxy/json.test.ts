import assert from 'node:assert/strict';
import { isJsonObject, isRawNumber, markGoStruct, numberText, parseJson, rawNumber, setKey, stringifyGo } from './json.ts';

/** Parse then serialise: what a backend body looks like after passing through the gateway. */
function roundTrip(text: string): string {
  return stringifyGo(parseJson(text));
}

describe('parseJson()', () => {
  const keeps: [string, string, string][] = [
    ['a fraction with a zero', '{"a":1.0}', '{"a":1.0}'],
    ['an exponent', '{"a":1e3,"b":2E-2}', '{"a":1e3,"b":2E-2}'],
    ['a big integer', '{"a":12345678901234567890}', '{"a":12345678901234567890}'],
    ['a 16-digit integer', '{"a":9007199254740993}', '{"a":9007199254740993}'],
    ['negative zero', '{"a":-0,"b":[-0]}', '{"a":-0,"b":[-0]}'],
    ['plain integers', '{"a":42,"b":-7,"c":0}', '{"a":42,"b":-7,"c":0}'],
    ['numbers in arrays', '[1.50,2,3e0]', '[1.50,2,3e0]'],
    ['a top-level number', ' 1.0 ', '1.0'],
    ['numbers after whitespace', '{ "a" : 1.10 ,\n "b":[ 2.0 ] }', '{"a":1.10,"b":[2.0]}'],
    ['strings that look like numbers', '{"t":"12:30:00.000Z","v":"1.0"}', '{"t":"12:30:00.000Z","v":"1.0"}'],
    ['a number next to a decimal-looking string', '{"s":"a:1.5,","n":2.50}', '{"n":2.50,"s":"a:1.5,"}'],
    ['fractions that round-trip', '{"a":0.25,"b":19.99,"c":-1.05,"d":0.000001}', '{"a":0.25,"b":19.99,"c":-1.05,"d":0.000001}'],
    ['a trailing zero beside a fraction that round-trips', '{"a":0.25,"b":19.90}', '{"a":0.25,"b":19.90}'],
    ['a tiny fixed-point fraction', '{"a":0.0000001,"b":[-0.00000012]}', '{"a":0.0000001,"b":[-0.00000012]}'],
    ['15 and 16 significant digits with a fraction', '{"a":1234567890.12345,"b":1234567890.123456}', '{"a":1234567890.12345,"b":1234567890.123456}'],
    ['negative zero with a fraction', '{"a":-0.0}', '{"a":-0.0}'],
    ['a huge integer printed by JS with an exponent', '{"a":1000000000000000000000}', '{"a":1000000000000000000000}'],
  ];
  for (const [what, input, output] of keeps) {
    it(`keeps the literal of ${what}`, () => {
      assert.equal(roundTrip(input), output);
    });
  }

  it('returns plain JS numbers for literals that round-trip', () => {
    assert.deepEqual(parseJson('{"a":42,"b":0.5}'), { a: 42, b: 0.5 });
  });

  it('returns raw numbers for literals that do not', () => {
    const data = parseJson('{"a":1.0}') as Record<string, unknown>;
    assert.ok(isRawNumber(data.a));
    assert.equal(numberText(data.a), '1.0');
    assert.equal(isJsonObject(data.a), false);
  });

  const firsts: [string, string, string][] = [
    ['an object followed by garbage', '{"a":1}garbage', '{"a":1}'],
    ['an object followed by another', '{"a":1} {"b":2}', '{"a":1}'],
    ['an array followed by data', '[1,2]]]', '[1,2]'],
    ['a string with braces followed by data', '"x}{" tail', '"x}{"'],
    ['a number followed by letters', '123abc', '123'],
    ['a literal followed by letters', 'truex', 'true'],
    ['a raw number followed by data', '{"a":1.0} x', '{"a":1.0}'],
    ['nested strings with escaped quotes', '{"a":"q\\"}"} x', '{"a":"q\\"}"}'],
  ];
  for (const [what, input, output] of firsts) {
    it(`reads only the first value of ${what}`, () => {
      assert.equal(roundTrip(input), output);
    });
  }

  const errors: [string, string, string | RegExp][] = [
    ['an empty text', '', 'EOF'],
    ['a blank text', ' \n\t', 'EOF'],
    ['a truncated object', '{"a":1', 'unexpected EOF'],
    ['a truncated string', '"abc', 'unexpected EOF'],
  ];
  for (const [what, input, message] of errors) {
    it(`fails with ${String(message)} on ${what}`, () => {
      assert.throws(() => parseJson(input), (e: unknown) => e instanceof SyntaxError && e.message === message);
    });
  }

  it('fails with a SyntaxError on invalid JSON', () => {
    assert.throws(() => parseJson('{bad}'), SyntaxError);
    assert.throws(() => parseJson('{bad} trailing'), SyntaxError);
    assert.throws(() => parseJson('nope'), SyntaxError);
  });

  it('keeps a __proto__ key as data', () => {
    const data = parseJson('{"__proto__":{"x":1}}') as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(data), Object.prototype);
    assert.equal(stringifyGo(data), '{"__proto__":{"x":1}}');
  });
});

describe('stringifyGo()', () => {
  const cases: [string, unknown, string][] = [
    ['sorts keys', { b: 1, a: 2, c: { z: 1, y: 2 } }, '{"a":2,"b":1,"c":{"y":2,"z":1}}'],
    ['sorts integer-like keys as strings', { 10: 'a', 9: 'b', 1: 'c' }, '{"1":"c","10":"a","9":"b"}'],
    ['sorts by code point like Go (UTF-8 bytes)', { '\uffff': 1, '\u{1f600}': 2, z: 3 }, '{"z":3,"\uffff":1,"\u{1f600}":2}'],
    ['escapes HTML characters', { h: '<a href="x">&</a>' }, '{"h":"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e"}'],
    ['escapes HTML characters in keys', { '<k>': 1 }, '{"\\u003ck\\u003e":1}'],
    ['escapes line and paragraph separators', { s: 'a\u2028b\u2029c' }, '{"s":"a\\u2028b\\u2029c"}'],
    ['escapes control characters', { s: '\n\r\t\b\f\u0001\u001f' }, '{"s":"\\n\\r\\t\\b\\f\\u0001\\u001f"}'],
    ['keeps DEL and non-ASCII raw', { s: '\u007fé中' }, '{"s":"\u007fé中"}'],
    ['keeps surrogate pairs raw', { s: '\u{1f600}' }, '{"s":"\u{1f600}"}'],
    ['replaces lone surrogates with U+FFFD', { s: 'a\ud800b\udfff' }, '{"s":"a\ufffdb\ufffd"}'],
    ['keeps an escaped backslash before "ud800"', { s: '\\ud800' }, '{"s":"\\\\ud800"}'],
    ['writes null, booleans, arrays', { n: null, t: true, f: false, a: [1, 'x', null, []] }, '{"a":[1,"x",null,[]],"f":false,"n":null,"t":true}'],
    ['writes empty containers', { o: {}, a: [] }, '{"a":[],"o":{}}'],
    ['skips undefined values', { a: undefined, b: 1 }, '{"b":1}'],
    ['writes raw numbers as their literal', { a: rawNumber('1.0'), b: [rawNumber('1e3')] }, '{"a":1.0,"b":[1e3]}'],
    ['writes a top-level string', 'x<y', '"x\\u003cy"'],
    ['writes a top-level array', [{ b: 1, a: 2 }], '[{"a":2,"b":1}]'],
  ];
  for (const [what, input, output] of cases) {
    it(what, () => {
      assert.equal(stringifyGo(input), output);
    });
  }

  it('keeps the field order of an object marked as a Go struct, and sorts around it', () => {
    const error = markGoStruct({ http_status_code: 404, http_body: 'x', http_body_encoding: 'text/plain' });
    assert.equal(
      stringifyGo({ z: 1, error_a: error }),
      '{"error_a":{"http_status_code":404,"http_body":"x","http_body_encoding":"text/plain"},"z":1}',
    );
    assert.deepEqual(Object.keys(error), ['http_status_code', 'http_body', 'http_body_encoding']);
  });

  it('writes JSON that JSON.parse reads back', () => {
    const value = { s: '<&>\u2028"\\', n: [1, 2.5, -3], o: { k: 'v' } };
    assert.deepEqual(JSON.parse(stringifyGo(value)), value);
  });
});

describe('setKey()', () => {
  it('creates an own __proto__ property instead of changing the prototype', () => {
    const target: Record<string, unknown> = {};
    setKey(target, '__proto__', { x: 1 });
    assert.equal(Object.getPrototypeOf(target), Object.prototype);
    assert.deepEqual(Object.keys(target), ['__proto__']);
  });
});
