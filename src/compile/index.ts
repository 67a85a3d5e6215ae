/**
 * The compiler: GatewayEndpoint resources + the gateway's policy → an immutable route table
 * (the IR the data plane serves) and one outcome per resource (what status will say).
 *
 * Must not import: proxy, gateway, controller, status, sources, admin, cli; no I/O, no clock,
 * no randomness (only `api` and `ir`, plus node:crypto for the version hash).
 * Invariant: pure and deterministic — the same resources (in any order), policy and previous
 * table give the same bytes of `JSON.stringify(table)`, the same version and the same outcomes.
 */
export { compile } from './compile.ts';
export { clusterPolicy, standalonePolicy } from './types.ts';
export type { CompilePolicy, CompileResult, Outcome, Problem, RejectReason, ResourceInput } from './types.ts';
export { parseDurationMs } from './duration.ts';
export { sanitiseHost, createOriginMatcher } from './hosts.ts';
export { parseUrlPattern } from './url-pattern.ts';
export { canonicalJson, tableVersion } from './version.ts';
