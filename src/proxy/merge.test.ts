import assert from 'node:assert/strict';
import { mergeInOrder } from './merge.ts';
import { parseJson, stringifyGo } from './json.ts';

describe('mergeInOrder()', () => {
  const cases: [string, (Record<string, unknown> | null)[], string][] = [
    ['returns an empty object for no parts', [], '{}'],
    ['returns an empty object when every part is null', [null, null], '{}'],
    ['copies a single part', [{ a: 1 }], '{"a":1}'],
    ['merges disjoint keys', [{ a: 1 }, { b: 2 }], '{"a":1,"b":2}'],
    ['lets the later backend win a collision', [{ a: 1, b: 1 }, { a: 2 }], '{"a":2,"b":1}'],
    ['lets the last of three win', [{ a: 1 }, { a: 2 }, { a: 3 }], '{"a":3}'],
    ['skips null parts', [{ a: 1 }, null, { b: 2 }], '{"a":1,"b":2}'],
    ['replaces nested objects instead of merging them', [{ a: { x: 1 } }, { a: { y: 2 } }], '{"a":{"y":2}}'],
    ['does not concatenate collections (lura#391)', [{ collection: [1] }, { collection: [2] }], '{"collection":[2]}'],
    ['keeps a null value from a later part', [{ a: 1 }, { a: null }], '{"a":null}'],
  ];
  for (const [what, parts, output] of cases) {
    it(what, () => {
      assert.equal(stringifyGo(mergeInOrder(parts)), output);
    });
  }

  it('does not change its parts', () => {
    const first = { a: 1 };
    const merged = mergeInOrder([first, { a: 2, b: 3 }]);
    assert.deepEqual(first, { a: 1 });
    assert.notEqual(merged, first);
  });

  it('keeps a __proto__ key from backend data as data', () => {
    const part = parseJson('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    const merged = mergeInOrder([{ a: 1 }, part]);
    assert.equal(Object.getPrototypeOf(merged), Object.prototype);
    assert.equal(stringifyGo(merged), '{"__proto__":{"polluted":true},"a":1}');
  });
});
