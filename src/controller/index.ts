/**
 * The controller sidecar (DESIGN §1, §5): watches GatewayEndpoints and Services with its own
 * list+watch loops, compiles, hands the route table to the proxy through the state directory,
 * reads back the version the proxy serves, and (as the Lease holder) writes status and Events.
 *
 * Must not import: gateway/, proxy/, admin/, cli/ (it never serves traffic; the proxy is another
 * process).
 * Invariant: the route-table file is only ever replaced whole (atomic rename); a status write
 * never overwrites a status judged from a newer generation.
 */
export { Controller, type ControllerOptions } from './controller.ts';
export { ListWatch, type ListWatchOptions, type ListWatchStats } from './list-watch.ts';
export { LeaderElector, type LeaderOptions } from './leader.ts';
