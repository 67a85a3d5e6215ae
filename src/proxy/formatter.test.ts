import assert from 'node:assert/strict';
import type { Backend } from '../ir/index.ts';
import { createEntityFormatter } from './formatter.ts';
import { parseJson, stringifyGo } from './json.ts';
import { backend as testBackend } from './testing.ts';

/** A backend with every default applied (what the compiler produces), with some fields set. */
function backend(fields: Partial<Backend>): Backend {
  return testBackend({ hosts: ['http://127.0.0.1:8080'], urlPattern: '/', ...fields });
}

/** Formats a JSON body (decoded like the json decoder) and writes the result like Go. */
function format(fields: Partial<Backend>, body: string): string {
  const data = parseJson(body) as Record<string, unknown>;
  return stringifyGo(createEntityFormatter(backend(fields))(data));
}

// The sample of lura's proxy/formatter_test.go.
const SAMPLE = '{"supu":42,"tupu":false,"foo":"bar","a":{"b":true,"c":42,"d":"tupu"}}';

describe('createEntityFormatter()', () => {
  // Ports of lura proxy/formatter_test.go TestEntityFormatter_* (flatmap is a later issue),
  // reconstructed from spec §4 where the spec does not quote the Go test.
  const cases: [string, Partial<Backend>, string, string][] = [
    // TestEntityFormatter_newAllowFilter
    ['allow: keeps listed keys and nested listed keys', { allow: ['supu', 'a.b', 'a.c', 'foo.unknown'] }, SAMPLE, '{"a":{"b":true,"c":42},"supu":42}'],
    // TestEntityFormatter_newAllowDeepFields
    [
      'allow: keeps a deep field and nothing beside it',
      { allow: ['tupu.muku.gutu.kugu'] },
      '{"id":42,"tupu":{"muku":{"supu":1,"muku":2,"gutu":{"kugu":42,"other":true}},"supu":{"supu":1}}}',
      '{"tupu":{"muku":{"gutu":{"kugu":42}}}}',
    ],
    [
      'allow: keeps several deep fields under one parent',
      { allow: ['tupu.muku.gutu.kugu', 'tupu.muku.supu', 'id'] },
      '{"id":42,"tupu":{"muku":{"supu":1,"muku":2,"gutu":{"kugu":42,"other":true}},"supu":{"supu":1}}}',
      '{"id":42,"tupu":{"muku":{"gutu":{"kugu":42},"supu":1}}}',
    ],
    ['allow: a leaf keeps any value', { allow: ['a', 'n', 'l'] }, '{"a":[1,{"x":1}],"n":null,"l":"s","z":1}', '{"a":[1,{"x":1}],"l":"s","n":null}'],
    ['allow: arrays are never traversed', { allow: ['items.name'] }, '{"items":[{"name":"x"}],"other":1}', '{}'],
    ['allow: a parent whose children all vanish is removed', { allow: ['a.x'] }, SAMPLE, '{}'],
    ['allow: an empty nested object is removed', { allow: ['a.b'] }, '{"a":{}}', '{}'],
    ['allow: nothing listed present gives {}', { allow: ['nope'] }, SAMPLE, '{}'],
    ['allow: a later sub-path replaces an earlier leaf', { allow: ['a', 'a.b'] }, SAMPLE, '{"a":{"b":true}}'],
    ['allow: a later leaf replaces an earlier sub-path', { allow: ['a.b', 'a'] }, SAMPLE, '{"a":{"b":true,"c":42,"d":"tupu"}}'],
    ['allow: wins over deny', { allow: ['supu'], deny: ['supu'] }, SAMPLE, '{"supu":42}'],
    // TestEntityFormatter_newDenyFilter
    ['deny: removes listed keys and nested listed keys', { deny: ['supu', 'a.b', 'a.c', 'foo.unknown'] }, SAMPLE, '{"a":{"d":"tupu"},"foo":"bar","tupu":false}'],
    [
      'deny: removes only the deepest key of a long path',
      { deny: ['a.a.deeper.a.aa'] },
      '{"a":{"a":{"deeper":{"a":{"aa":1,"ab":2},"b":3}},"b":4}}',
      '{"a":{"a":{"deeper":{"a":{"ab":2},"b":3}},"b":4}}',
    ],
    ['deny: parents stay when they become empty', { deny: ['a.b', 'a.c', 'a.d'] }, SAMPLE, '{"a":{},"foo":"bar","supu":42,"tupu":false}'],
    ['deny: arrays and missing keys are skipped', { deny: ['items.name', 'nope.x', 'x'] }, '{"items":[{"name":"x"}]}', '{"items":[{"name":"x"}]}'],
    ['deny: a key listed whole wins over its sub-paths', { deny: ['a.b', 'a'] }, SAMPLE, '{"foo":"bar","supu":42,"tupu":false}'],
    // TestEntityFormatter_grouping
    ['group: wraps the data', { group: 'group' }, SAMPLE, '{"group":{"a":{"b":true,"c":42,"d":"tupu"},"foo":"bar","supu":42,"tupu":false}}'],
    ['group: wraps empty data too', { group: 'group' }, '{}', '{"group":{}}'],
    // TestEntityFormatter_mapping
    [
      'mapping: renames top-level keys',
      { mapping: [['a', 'AAAA'], ['foo', 'FOOOO'], ['supu', 'SUPUUUUU'], ['tupu', 'TUPUUUUU']] },
      SAMPLE,
      '{"AAAA":{"b":true,"c":42,"d":"tupu"},"FOOOO":"bar","SUPUUUUU":42,"TUPUUUUU":false}',
    ],
    ['mapping: overwrites an existing key', { mapping: [['supu', 'foo']] }, SAMPLE, '{"a":{"b":true,"c":42,"d":"tupu"},"foo":42,"tupu":false}'],
    ['mapping: truncates the new name at the first dot', { mapping: [['supu', 'x.y']] }, '{"supu":1}', '{"x":1}'],
    ['mapping: looks dotted old names up literally', { mapping: [['a.b', 'c']] }, '{"a.b":1,"a":{"b":2}}', '{"a":{"b":2},"c":1}'],
    ['mapping: ignores missing keys', { mapping: [['nope', 'x']] }, '{"a":1}', '{"a":1}'],
    ['mapping: a mapping onto itself removes the key, like KrakenD', { mapping: [['a', 'a']] }, '{"a":1,"b":2}', '{"b":2}'],
    ['mapping: renames a collection', { mapping: [['collection', 'posts']] }, '{"collection":[1,2]}', '{"posts":[1,2]}'],
    // TestEntityFormatter_targeting
    ['target: extracts an object', { target: 'data' }, '{"data":{"supu":42},"other":1}', '{"supu":42}'],
    // TestEntityFormatter_targetingNested
    ['target: extracts a nested object', { target: 'data.deeper' }, '{"data":{"deeper":{"supu":42},"x":1}}', '{"supu":42}'],
    // TestEntityFormatter_targetingUnknownFields
    ['target: a missing field gives {}', { target: 'data.unknown' }, '{"data":{"supu":42}}', '{}'],
    ['target: a missing root gives {}', { target: 'unknown' }, '{"data":{"supu":42}}', '{}'],
    // TestEntityFormatter_targetingNonObjects
    ['target: an array gives {}', { target: 'data' }, '{"data":[1,2]}', '{}'],
    ['target: a string gives {}', { target: 'data' }, '{"data":"x"}', '{}'],
    ['target: a number gives {}', { target: 'data' }, '{"data":1.5}', '{}'],
    ['target: null gives {}', { target: 'data' }, '{"data":null}', '{}'],
    ['target: a non-object on the way gives {}', { target: 'data.deeper' }, '{"data":[{"deeper":{}}]}', '{}'],
    ['target: {} is still grouped', { target: 'nope', group: 'g' }, '{"a":1}', '{"g":{}}'],
    // TestEntityFormatter_altogether
    [
      'all together: target, allow, mapping and group in that order',
      { target: 'data', allow: ['supu', 'a.b', 'a.c', 'foo.unknown'], mapping: [['supu', 'SUPUUUUU']], group: 'group' },
      `{"data":${SAMPLE},"other":true}`,
      '{"group":{"SUPUUUUU":42,"a":{"b":true,"c":42}}}',
    ],
    [
      'all together: target, deny, mapping and group in that order',
      { target: 'data', deny: ['supu', 'a.b'], mapping: [['tupu', 'T']], group: 'g' },
      `{"data":${SAMPLE}}`,
      '{"g":{"T":false,"a":{"c":42,"d":"tupu"},"foo":"bar"}}',
    ],
    ['identity: nothing configured leaves data as is', {}, SAMPLE, '{"a":{"b":true,"c":42,"d":"tupu"},"foo":"bar","supu":42,"tupu":false}'],
    ['raw numbers survive every step', { target: 'd', allow: ['n'], group: 'g' }, '{"d":{"n":1.0,"m":2}}', '{"g":{"n":1.0}}'],
  ];
  for (const [what, fields, input, output] of cases) {
    it(what, () => {
      assert.equal(format(fields, input), output);
    });
  }

  it('returns the very object it is given when nothing is configured', () => {
    const data = { a: 1 };
    assert.equal(createEntityFormatter(backend({}))(data), data);
  });

  it('does not treat a raw number as an object for target', () => {
    assert.equal(format({ target: 'n' }, '{"n":1.0}'), '{}');
  });

  it('can be reused across requests', () => {
    const formatter = createEntityFormatter(backend({ deny: ['a.b'], mapping: [['x', 'y']] }));
    for (let i = 0; i < 3; i++) {
      const data = parseJson('{"a":{"b":1,"c":2},"x":3}') as Record<string, unknown>;
      assert.equal(stringifyGo(formatter(data)), '{"a":{"c":2},"y":3}');
    }
  });

  it('keeps a __proto__ key as data through allow, mapping and group', () => {
    const formatter = createEntityFormatter(backend({ allow: ['__proto__'], mapping: [['__proto__', 'p']], group: '__proto__' }));
    const out = formatter(parseJson('{"__proto__":{"x":1},"y":2}') as Record<string, unknown>);
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.equal(stringifyGo(out), '{"__proto__":{"p":{"x":1}}}');
  });
});
