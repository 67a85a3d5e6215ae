import assert from 'node:assert/strict';
import type { Outcome } from '../compile/index.ts';
import { servedState } from './status-store.ts';
import { desiredStatus, sameStatus, storedIsNewer, transitions } from './resource-status.ts';

const outcome = (generation: number, accepted = true): Outcome => ({
  key: 'ns/a', generation, route: 'GET /a', accepted, reason: accepted ? 'Accepted' : 'Invalid',
  message: accepted ? 'accepted' : 'spec.endpoint: bad', problems: [], warnings: [], servedGeneration: accepted ? generation : null,
});
const noTable = servedState(null);

describe('resource status decisions', () => {
  it('keeps transition times and sees a repeated write as a no-op', () => {
    const first = desiredStatus(outcome(1), noTable, undefined, '2026-01-01T00:00:00Z');
    const again = desiredStatus(outcome(1), noTable, first, '2026-01-02T00:00:00Z');
    assert.equal(again.conditions[0]!.lastTransitionTime, '2026-01-01T00:00:00Z');
    assert.ok(sameStatus(first, again));
    assert.equal(sameStatus(undefined, first), false);
  });

  it('never overwrites a status judged from a newer generation', () => {
    const newer = desiredStatus(outcome(3), noTable, undefined, '2026-01-01T00:00:00Z');
    assert.ok(storedIsNewer(newer, 2));
    assert.equal(storedIsNewer(newer, 3), false);
    assert.equal(storedIsNewer(undefined, 1), false);
  });

  it('lists the conditions whose status or reason changed (one Event each)', () => {
    const served = { version: 'v1', servesGeneration: (_key: string, generation: number) => generation === 1 };
    const ok = desiredStatus(outcome(1), served, undefined, 't');
    const bad = desiredStatus(outcome(2, false), served, ok, 't');
    assert.deepEqual(transitions(ok, bad).map((c) => `${c.type}=${c.status}/${c.reason}`), ['Accepted=False/Invalid', 'Programmed=False/NotAccepted']);
    assert.deepEqual(transitions(bad, desiredStatus(outcome(2, false), served, bad, 't')), []);
  });
});
