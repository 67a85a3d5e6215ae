import assert from 'node:assert/strict';
import { ApiException } from '@kubernetes/client-node';
import { serializeError } from './logger.ts';

describe('serializeError()', () => {
  it('reduces a Kubernetes API failure to its code, reason and message', () => {
    const body = JSON.stringify({ kind: 'Status', status: 'Failure', message: 'storage is (re)initializing', reason: 'TooManyRequests', code: 429 });
    const err = new ApiException(429, `Message: Unknown API Status Code!\nBody: ${body}\nHeaders: {"audit-id":"x"}`, body, { 'audit-id': 'x' });
    assert.deepEqual(serializeError(err), { type: 'Error', code: 429, reason: 'TooManyRequests', message: 'storage is (re)initializing' });
  });

  it('keeps ordinary errors as pino serialises them, stack included', () => {
    const out = serializeError(new TypeError('boom')) as { type: string; message: string; stack: string };
    assert.equal(out.type, 'TypeError');
    assert.equal(out.message, 'boom');
    assert.match(out.stack, /boom/);
  });
});
