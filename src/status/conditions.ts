/**
 * Conditions: what a compile outcome and the served table version mean for a resource's status.
 *
 * Job: build the `Accepted` and `Programmed` conditions of DESIGN §3 from data, keeping
 * `lastTransitionTime` when a condition's status does not flip.
 * Must not import: gateway/, proxy/, anything that does I/O.
 * Invariant: pure; the same outcome, served version and previous conditions give the same
 * conditions.
 */
import type { Outcome } from '../compile/index.ts';

/** A `metav1.Condition`. */
export interface Condition {
  readonly type: 'Accepted' | 'Programmed';
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
  readonly lastTransitionTime: string;
  readonly observedGeneration: number;
}

/** What the data plane serves right now, as far as status is concerned. */
export interface ServedState {
  /** Version of the table the proxy serves, or `null` when the proxy serves nothing yet. */
  readonly version: string | null;
  /** Whether that table holds the route of the outcome's current generation. */
  readonly servesGeneration: (key: string, generation: number) => boolean;
}

/** The longest condition message we write (the API allows 32768; we stay far below). */
export const MAX_MESSAGE_LENGTH = 4096;

/** Builds the `Accepted` and `Programmed` conditions of one resource. */
export function buildConditions(outcome: Outcome, served: ServedState, previous: readonly Condition[], now: string): Condition[] {
  const accepted = acceptedCondition(outcome);
  const programmed = programmedCondition(outcome, served);
  return [accepted, programmed].map((c) => withTransitionTime(c, previous, now));
}

function acceptedCondition(outcome: Outcome): Omit<Condition, 'lastTransitionTime'> {
  const warnings = outcome.warnings.length > 0 ? ` Warnings: ${outcome.warnings.join('; ')}` : '';
  return {
    type: 'Accepted',
    status: outcome.accepted ? 'True' : 'False',
    reason: outcome.reason,
    message: bound(`${outcome.message}${warnings}`),
    observedGeneration: outcome.generation,
  };
}

function programmedCondition(outcome: Outcome, served: ServedState): Omit<Condition, 'lastTransitionTime'> {
  const base = { type: 'Programmed' as const, observedGeneration: outcome.generation };
  if (served.version === null) {
    return { ...base, status: 'False', reason: 'ProxyUnavailable', message: 'the proxy has not loaded a route table yet' };
  }
  if (outcome.accepted) {
    if (served.servesGeneration(outcome.key, outcome.generation)) {
      return { ...base, status: 'True', reason: 'Programmed', message: `served by the proxy at table version ${served.version}` };
    }
    return { ...base, status: 'False', reason: 'Pending', message: 'accepted; waiting for the proxy to serve it' };
  }
  const old = outcome.servedGeneration;
  if (old !== null && served.servesGeneration(outcome.key, old)) {
    const message = `generation ${outcome.generation} was not accepted; generation ${old} keeps serving at table version ${served.version}`;
    return { ...base, status: 'True', reason: 'Programmed', message };
  }
  return { ...base, status: 'False', reason: 'NotAccepted', message: 'not served: the resource was not accepted' };
}

function withTransitionTime(c: Omit<Condition, 'lastTransitionTime'>, previous: readonly Condition[], now: string): Condition {
  const before = previous.find((p) => p.type === c.type);
  const lastTransitionTime = before !== undefined && before.status === c.status ? before.lastTransitionTime : now;
  return { ...c, lastTransitionTime };
}

function bound(message: string): string {
  return message.length <= MAX_MESSAGE_LENGTH ? message : `${message.slice(0, MAX_MESSAGE_LENGTH - 15)}… (truncated)`;
}
