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
      outcome.result.noop?.body.resume(); // a no-op backend's body is not merged: drain it
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

const RESP_PARAM = /^resp(\d+)(?:_(.+))?$/;
/** Largest raw no-op body propagated as `resp<N>` (it ends up in a URL; DESIGN §7: bounded sizes). */
export const MAX_PROPAGATED_BODY = 64 * 1024;

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

/** Adds the `resp<N>_path` (a field of answer N) and `resp<N>` (raw no-op body N) params of the next backend. */
function withResponseParams(req: ProxyRequest, names: readonly string[], done: readonly ProxyData[], bodies: readonly (string | undefined)[]): ProxyRequest {
  if (names.length === 0) return req;
  const params: Record<string, string> = { ...req.params };
  for (const name of names) {
    const m = RESP_PARAM.exec(name)!;
    const n = Number(m[1]);
    if (m[2] === undefined) {
      if (bodies[n] !== undefined) params[name] = bodies[n];
      continue;
    }
    const data = done[n];
    const value = data === undefined ? undefined : lookup(data, m[2]);
    if (value !== undefined) params[name] = paramText(value);
  }
  return { ...req, params };
}

/** Reads a no-op answer's body for `resp<N>` (at most {@link MAX_PROPAGATED_BODY} bytes), or drains it. */
async function takeNoopBody(result: ProxyResult, keep: boolean): Promise<string | undefined> {
  const body = result.noop?.body;
  if (body === undefined) return undefined;
  if (!keep) {
    body.resume();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_PROPAGATED_BODY) {
      body.destroy();
      throw gatewayError('KOAXY_BACKEND_DECODE', `no-op body propagated as a param exceeds ${MAX_PROPAGATED_BODY} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Per backend: its url's `resp<N>_path` params plus the propagated ones of earlier backends (a raw body only when propagated). */
function paramsPerBackend(count: number, respParams: readonly (readonly string[])[], propagated: readonly string[]): string[][] {
  return Array.from({ length: count }, (_, i) => {
    const own = (respParams[i] ?? []).filter((name) => RESP_PARAM.exec(name)?.[2] !== undefined);
    const earlier = propagated.filter((name) => Number(RESP_PARAM.exec(name)?.[1] ?? count) < i);
    return [...new Set([...own, ...earlier])];
  });
}

/**
 * Calls the parts one after another under the merge deadline. `respParams[i]` lists the
 * `resp<N>_path` params backend `i` references; `propagated` (`sequential_propagated_params`)
 * are given to every later backend too, `resp<N>` being no-op backend N's raw body. First
 * failure rejects; a later failure or incomplete answer stops the chain with what was merged so
 * far, incomplete.
 */
export function createSequentialMerge(parts: readonly Proxy[], respParams: readonly (readonly string[])[], timeoutMs: number, propagated: readonly string[] = []): Proxy {
  const mergeMs = Math.floor(timeoutMs * MERGE_TIMEOUT_SHARE);
  const names = paramsPerBackend(parts.length, respParams, propagated);
  const bodyWanted = parts.map((_, n) => names.some((list) => list.includes(`resp${n}`)));
  return async (req, parent) => {
    const deadline = withDeadline(parent, mergeMs);
    const done: ProxyData[] = [];
    const bodies: (string | undefined)[] = [];
    const errors: GatewayError[] = [];
    let complete = true;
    try {
      for (let i = 0; i < parts.length && complete; i++) {
        try {
          const result = await parts[i]!(withResponseParams(req, names[i]!, done, bodies), deadline.signal);
          bodies[i] = await takeNoopBody(result, bodyWanted[i]! && i < parts.length - 1);
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

/** True for a param name the sequential merge fills from an earlier response (`resp<N>_path` or `resp<N>`). */
export function isResponseParam(name: string): boolean {
  return RESP_PARAM.test(name);
}
