import assert from 'node:assert/strict';
import { UrlEscapeError, encodeQuery, escapedPath, parseQuery, pathUnescape, queryEscape } from './url.ts';

describe('escapedPath() (Go URL.EscapedPath of a parsed URL)', () => {
  it('keeps a path that is a valid encoding as written, sub-delims included', () => {
    for (const path of ['/users/42', '/a/x(1)', "/a/b!$&'*+,;=:@", '/a%20b', '/a/%2F']) assert.equal(escapedPath(path), path);
  });

  it('re-escapes the whole decoded path when any byte is not valid as written', () => {
    assert.equal(escapedPath('/a b/x(1)'), '/a%20b/x%281%29');
    assert.equal(escapedPath('/café'), '/caf%C3%A9');
    assert.equal(escapedPath('/{{.Id}}'), '/%7B%7B.Id%7D%7D');
    assert.equal(escapedPath('/q?x'), '/q%3Fx');
  });

  it('throws Go’s EscapeError on a bad escape', () => {
    assert.throws(() => escapedPath('/a%zz'), (err: unknown) => err instanceof UrlEscapeError && err.message === 'invalid URL escape "%zz"');
    assert.throws(() => pathUnescape('%'), { message: 'invalid URL escape "%"' });
    assert.throws(() => pathUnescape('a%4'), { message: 'invalid URL escape "%4"' });
  });
});

describe('encodeQuery() (Go url.Values.Encode)', () => {
  it('sorts keys, keeps value order and form-encodes like QueryEscape', () => {
    const query = new Map([
      ['b', ['2', '1']],
      ['a', ['x y', '/&=', "!'()*~"]],
    ]);
    assert.equal(encodeQuery(query), 'a=x+y&a=%2F%26%3D&a=%21%27%28%29%2A~&b=2&b=1');
    assert.equal(queryEscape('ü'), '%C3%BC');
  });
});

describe('parseQuery() (Go url.ParseQuery)', () => {
  it('keeps every value, turns ?a into a="", decodes + and drops bad pairs', () => {
    const q = parseQuery('b=3&a&b=2&c=x+y%21&bad=%zz&semi=1;2&&d=');
    assert.deepEqual([...q], [
      ['b', ['3', '2']],
      ['a', ['']],
      ['c', ['x y!']],
      ['d', ['']],
    ]);
  });
});
