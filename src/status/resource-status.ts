/**
 * The `.status` of a GatewayEndpoint as the controller writes it (DESIGN §3), and the pure
 * decisions around the write: is it a no-op, would it overwrite a newer observation, which
 * conditions transitioned (one Event each).
 */
import type { Outcome } from '../compile/index.ts';
import { type Condition, type ServedState, buildConditions } from './conditions.ts';

/** The status object written through the status subresource. */
export interface EndpointStatus {
  readonly observedGeneration: number;
  readonly route: string;
  readonly conditions: readonly Condition[];
}

/** A status as read from the API server (any field may be missing). */
export interface StoredStatus {
  readonly observedGeneration?: number;
  readonly route?: string;
  readonly conditions?: readonly Condition[];
}

/** The status a resource should have, keeping transition times of unchanged conditions. */
export function desiredStatus(outcome: Outcome, served: ServedState, stored: StoredStatus | undefined, now: string): EndpointStatus {
  return {
    observedGeneration: outcome.generation,
    route: outcome.route,
    conditions: buildConditions(outcome, served, stored?.conditions ?? [], now),
  };
}

/** Whether writing `next` over `stored` would change nothing. */
export function sameStatus(stored: StoredStatus | undefined, next: EndpointStatus): boolean {
  if (stored === undefined) return false;
  if (stored.observedGeneration !== next.observedGeneration || (stored.route ?? '') !== next.route) return false;
  const before = stored.conditions ?? [];
  if (before.length !== next.conditions.length) return false;
  return next.conditions.every((c) => {
    const b = before.find((x) => x.type === c.type);
    return b !== undefined && b.status === c.status && b.reason === c.reason && b.message === c.message
      && b.observedGeneration === c.observedGeneration && b.lastTransitionTime === c.lastTransitionTime;
  });
}

/** Whether the stored status was computed from a newer generation than `generation` (never overwrite it). */
export function storedIsNewer(stored: StoredStatus | undefined, generation: number): boolean {
  const seen = [stored?.observedGeneration ?? 0, ...(stored?.conditions ?? []).map((c) => c.observedGeneration ?? 0)];
  return Math.max(...seen) > generation;
}

/** The conditions of `next` whose status or reason differs from `stored` (each gets an Event). */
export function transitions(stored: StoredStatus | undefined, next: EndpointStatus): Condition[] {
  const before = stored?.conditions ?? [];
  return next.conditions.filter((c) => {
    const b = before.find((x) => x.type === c.type);
    return b === undefined || b.status !== c.status || b.reason !== c.reason;
  });
}
