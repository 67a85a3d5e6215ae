import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BackendStatusError, ERRORS, type ErrorCode, GatewayError, MergeError, gatewayError, toGatewayError } from './errors.ts';

describe('the GatewayError catalog', () => {
  const entries = Object.entries(ERRORS);

  it('keys every entry by its own stable KOAXY_* code', () => {
    for (const [key, spec] of entries) {
      assert.equal(spec.code, key);
      assert.match(spec.code, /^KOAXY_[A-Z_]+$/);
      assert.ok(Object.isFrozen(spec), key);
    }
  });

  it('gives every entry a client status in 4xx/5xx and never exposes a 5xx message', () => {
    for (const [key, spec] of entries) {
      assert.ok(spec.status >= 400 && spec.status <= 599, key);
      if (spec.status >= 500) assert.equal(spec.expose, false, `${key} must not show its message`);
      assert.notEqual(spec.message, '', key);
    }
  });

  it('builds errors that carry code, status and expose, and keep their cause out of the message', () => {
    for (const [key] of entries) {
      const err = gatewayError(key as ErrorCode, undefined, new Error('connect ECONNREFUSED 10.0.0.7:8080'));
      assert.ok(err instanceof GatewayError);
      assert.equal(err.code, key);
      assert.equal(err.status, ERRORS[key as ErrorCode].status);
      assert.equal(err.name, 'GatewayError');
      assert.doesNotMatch(err.message, /10\.0\.0\.7/);
    }
  });

  it('uses every catalog code somewhere in the data plane, and no code outside it', () => {
    const used = new Set<string>();
    for (const dir of [import.meta.dirname, join(import.meta.dirname, '..', 'gateway')]) {
      for (const file of readdirSync(dir)) {
        if (!file.endsWith('.ts') || file.endsWith('.test.ts') || file === 'errors.ts') continue;
        for (const m of readFileSync(join(dir, file), 'utf8').matchAll(/'(KOAXY_[A-Z_]+)'/g)) used.add(m[1]!);
      }
    }
    for (const code of used) assert.ok(code in ERRORS, `${code} is used but not in the catalog`);
    const unused = Object.keys(ERRORS).filter((code) => !used.has(code) && code !== 'KOAXY_BACKEND_STATUS' && code !== 'KOAXY_ALL_BACKENDS_FAILED');
    assert.deepEqual(unused, []);
  });

  it('lets a backend status replace the default status under return_error_code', () => {
    const err = new BackendStatusError(429, Buffer.from('sad panda'), 'text/plain', 'invalid status code 429');
    assert.equal(err.status, 429);
    assert.equal(err.code, 'KOAXY_BACKEND_STATUS');
    assert.equal(err.expose, false);
  });

  it('joins the messages of every failed backend in a MergeError (500)', () => {
    const err = new MergeError([gatewayError('KOAXY_DEADLINE_EXCEEDED'), gatewayError('KOAXY_BACKEND_UNREACHABLE', 'b')]);
    assert.equal(err.status, 500);
    assert.equal(err.message, 'context deadline exceeded\nb');
  });

  it('wraps foreign errors as internal errors without exposing them', () => {
    const err = toGatewayError(new TypeError('x is undefined'));
    assert.equal(err.code, 'KOAXY_INTERNAL');
    assert.equal(err.expose, false);
    assert.equal(err.message, 'internal server error');
  });
});
