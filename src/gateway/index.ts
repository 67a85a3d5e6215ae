/**
 * The gateway: the Koa data plane serving one route table at a time.
 *
 * Job: match client requests against the current table (find-my-way, one router per table),
 * run the route's proxy stack, write exactly what KrakenD writes (spec §1–§3, §5), and swap
 * tables atomically: a new table's runtime is built off the request path, then one reference
 * changes; requests finish on the table they started with, and pools of origins no table uses
 * any more are closed once those requests have drained.
 * Must not import: `src/api` (CRD types), `src/compile`, the controller or any Kubernetes code;
 * it knows `src/ir` and `src/proxy` only.
 * Invariant: `load()` either swaps in a fully built runtime or throws and leaves the old one
 * serving; no client ever sees a stack trace or a backend address.
 */
export { createGateway, type Gateway, type GatewayOptions } from './gateway.ts';
export { X_KRAKEND, X_KRAKEND_COMPLETED } from './respond.ts';
export { routerPath } from './runtime.ts';
export { checkParam } from './match.ts';
export { clientIp } from './client-request.ts';
