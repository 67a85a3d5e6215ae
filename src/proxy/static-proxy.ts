/**
 * The endpoint's static proxy and flatmap layers (spec §3.6, §3.7; lura `proxy/static.go`,
 * `NewFlatmapMiddleware`). Both wrap the merged pipe and are built once per route.
 */
import type { FlatmapOp, StaticProxy } from '../ir/index.ts';
import { toGatewayError } from './errors.ts';
import { createFlatmap } from './flatmap.ts';
import { setKey } from './json.ts';
import type { Proxy, ProxyResult } from './types.ts';

type Matcher = (result: ProxyResult | null, failed: boolean) => boolean;

/** lura's matchers; `failed` is Go's `err != nil` (a rejection, or a partial answer with errors). */
const MATCHERS: Readonly<Record<StaticProxy['strategy'], Matcher>> = {
  always: () => true,
  success: (_, failed) => !failed,
  errored: (_, failed) => failed,
  complete: (result, failed) => !failed && result !== null && result.complete,
  incomplete: (result) => result === null || !result.complete,
};

/**
 * Copies `config.data` over the answer when the strategy matches, creating an incomplete answer
 * when there was none (a failed single backend + `errored` → 200 with the static data).
 */
export function withStatic(next: Proxy, config: StaticProxy): Proxy {
  const matches = MATCHERS[config.strategy];
  const entries = Object.entries(config.data);
  const overlay = (data: Record<string, unknown>): Record<string, unknown> => {
    for (const [key, value] of entries) setKey(data, key, value); // outermost layer: only the renderer reads it after this
    return data;
  };
  return async (req, signal) => {
    let result: ProxyResult;
    try {
      result = await next(req, signal);
    } catch (err) {
      if (!matches(null, true)) throw err;
      return { data: overlay({}), complete: false, errors: [toGatewayError(err)] };
    }
    if (result.noop !== undefined || !matches(result, result.errors.length > 0)) return result;
    return { ...result, data: overlay({ ...result.data }) };
  };
}

/** Endpoint-level flatmap: applied to the merged answer unless a backend failed (lura skips it then). */
export function withFlatmap(next: Proxy, ops: readonly FlatmapOp[]): Proxy {
  const apply = createFlatmap(ops);
  return async (req, signal) => {
    const result = await next(req, signal);
    if (result.errors.length > 0 || result.noop !== undefined) return result;
    return { ...result, data: apply(result.data) };
  };
}
