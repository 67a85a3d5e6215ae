/**
 * Deadlines as AbortSignals (Go's `context.WithTimeout`): a child signal aborted by its parent
 * or by its own timer, whose reason says which (`context deadline exceeded` vs `canceled`).
 */
import { gatewayError } from './errors.ts';

/** A child signal plus the function that releases its timer and parent listener. */
export interface Deadline {
  readonly signal: AbortSignal;
  /** Releases the timer and the parent listener; call it once the work is done. */
  dispose(): void;
  /** Aborts the child signal (work still running under it is cancelled) and disposes. */
  cancel(): void;
}

/** Derives a signal that aborts after `ms` or when `parent` aborts, whichever comes first. */
export function withDeadline(parent: AbortSignal, ms: number): Deadline {
  const controller = new AbortController();
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { signal: controller.signal, dispose: () => {}, cancel: () => {} };
  }
  const onParentAbort = (): void => controller.abort(parent.reason);
  parent.addEventListener('abort', onParentAbort, { once: true });
  const timer = setTimeout(() => controller.abort(gatewayError('KOAXY_DEADLINE_EXCEEDED')), ms);
  const dispose = (): void => {
    clearTimeout(timer);
    parent.removeEventListener('abort', onParentAbort);
  };
  return {
    signal: controller.signal,
    dispose,
    cancel: () => {
      dispose();
      controller.abort(gatewayError('KOAXY_CLIENT_CANCELED'));
    },
  };
}
