/**
 * Combining several backends (spec §3.1, §3.5; lura `proxy/merging.go`): the parallel merge
 * calls every backend at once under 85 % of the endpoint timeout and combines the answers in
 * DECLARED order (later wins on key collisions, DESIGN §6); the sequential merge calls them one
 * after another and stops at the first failure or incomplete answer.
 */
import { type GatewayError, MergeError, gatewayError, toGatewayError } from './errors.ts';
import { mergeInOrder } from './merge.ts';
import { withDeadline } from './deadline.ts';
import type { Proxy, ProxyData, ProxyRequest, ProxyResult } from './types.ts';

/** Share of the endpoint timeout a merge may use (lura `NewMergeDataMiddleware`). */
export const MERGE_TIMEOUT_SHARE = 0.85;

type Outcome = { readonly ok: true; readonly result: ProxyResult } | { readonly ok: false; readonly error: GatewayError };

/** Resolves once every part settled or `signal` aborted; `outcomes[i]` stays undefined for a pending part. */
function collect(parts: readonly Proxy[], req: ProxyRequest, signal: AbortSignal, outcomes: (Outcome | undefined)[]): Promise<void> {
  return new Promise((resolve) => {
    let remaining = parts.length;
    const onAbort = (): void => resolve();
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = (i: number, outcome: Outcome): void => {
      outcomes[i] = outcome;
      if (--remaining === 0) {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }
    };
    parts.forEach((part, i) => {
      part(req, signal).then(
        (result) => settle(i, { ok: true, result }),
        (error: unknown) => settle(i, { ok: false, error: toGatewayError(error) }),
      );
    });
  });
}

function combine(outcomes: readonly (Outcome | undefined)[], signal: AbortSignal): ProxyResult {
  const successes: ProxyData[] = [];
  const errors: GatewayError[] = [];
  let complete = true;
  for (const outcome of outcomes) {
    if (outcome === undefined) {
      complete = false;
      errors.push(toGatewayError(signal.reason, 'KOAXY_DEADLINE_EXCEEDED'));
    } else if (outcome.ok) {
      successes.push(outcome.result.data);
      complete &&= outcome.result.complete;
      errors.push(...outcome.result.errors);
    } else {
      complete = false;
      errors.push(outcome.error);
    }
  }
  if (successes.length === 0) throw new MergeError(errors);
  return { data: mergeInOrder(successes) as ProxyData, complete, errors };
}

/** Calls every part concurrently; partial success is a result, no success rejects with `MergeError`. */
export function createParallelMerge(parts: readonly Proxy[], timeoutMs: number): Proxy {
  const mergeMs = Math.floor(timeoutMs * MERGE_TIMEOUT_SHARE);
  return async (req, parent) => {
    const deadline = withDeadline(parent, mergeMs);
    const outcomes: (Outcome | undefined)[] = new Array(parts.length);
    try {
      await collect(parts, req, deadline.signal, outcomes);
    } finally {
      deadline.dispose();
    }
    return combine(outcomes, deadline.signal);
  };
}

const RESP_PARAM = /^resp(\d+)_(.+)$/;

/** Go `%v` of a value looked up for a `{resp<N>_path}` placeholder (spec §3.5). */
function paramText(value: unknown): string {
  if (Array.isArray(value)) return value.map(paramText).join(',');
  if (value === null) return '<nil>';
  if (typeof value === 'object' && 'rawJSON' in (value as object)) return String((value as { rawJSON: string }).rawJSON);
  return String(value);
}

function lookup(data: ProxyData, path: string): unknown {
  let node: unknown = data;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null || Array.isArray(node) || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Adds the `resp<N>_path` params the next backend's url may reference. */
function withResponseParams(req: ProxyRequest, names: readonly string[], done: readonly ProxyData[]): ProxyRequest {
  if (names.length === 0) return req;
  const params: Record<string, string> = { ...req.params };
  for (const name of names) {
    const m = RESP_PARAM.exec(name)!;
    const data = done[Number(m[1])];
    const value = data === undefined ? undefined : lookup(data, m[2]!);
    if (value !== undefined) params[name] = paramText(value);
  }
  return { ...req, params };
}

/**
 * Calls the parts one after another under the merge deadline. `respParams[i]` lists the
 * `resp<N>_path` params backend `i` references. First failure rejects; a later failure or
 * incomplete answer stops the chain with what was merged so far, incomplete.
 */
export function createSequentialMerge(parts: readonly Proxy[], respParams: readonly (readonly string[])[], timeoutMs: number): Proxy {
  const mergeMs = Math.floor(timeoutMs * MERGE_TIMEOUT_SHARE);
  return async (req, parent) => {
    const deadline = withDeadline(parent, mergeMs);
    const done: ProxyData[] = [];
    const errors: GatewayError[] = [];
    let complete = true;
    try {
      for (let i = 0; i < parts.length && complete; i++) {
        try {
          const result = await parts[i]!(withResponseParams(req, respParams[i] ?? [], done), deadline.signal);
          done.push(result.data);
          errors.push(...result.errors);
          complete = result.complete;
        } catch (err) {
          if (i === 0) throw err;
          errors.push(toGatewayError(err));
          complete = false;
        }
      }
    } finally {
      deadline.dispose();
    }
    if (done.length === 0) throw gatewayError('KOAXY_INTERNAL');
    return { data: mergeInOrder(done) as ProxyData, complete: complete && done.length === parts.length, errors };
  };
}

/** True for a param name the sequential merge fills from an earlier response. */
export function isResponseParam(name: string): boolean {
  return RESP_PARAM.test(name);
}
