/**
 * The swappable router slot: holds the runtime serving now, the retired runtimes still
 * finishing requests, and closes the pools of origins none of them uses once they drain.
 */
import type { Logger } from 'pino';
import type { RouteTable } from '../ir/index.ts';
import type { PoolRegistry } from '../proxy/index.ts';
import { type RuntimeDeps, TableRuntime } from './runtime.ts';

/** One reference to the runtime serving now, swapped atomically by `load()`. */
export class TableSlot {
  readonly #deps: RuntimeDeps;
  readonly #pools: PoolRegistry;
  readonly #logger: Logger;
  readonly #draining = new Set<TableRuntime>();
  #current: TableRuntime | null = null;

  constructor(deps: RuntimeDeps, logger: Logger) {
    this.#deps = deps;
    this.#pools = deps.pools;
    this.#logger = logger;
  }

  /** The runtime new requests start on, or null before the first load. */
  get current(): TableRuntime | null {
    return this.#current;
  }

  /** Builds `table`'s runtime (throws, changing nothing, when it cannot), then swaps it in. */
  load(table: RouteTable): void {
    let next: TableRuntime;
    try {
      next = new TableRuntime(table, this.#deps);
    } catch (err) {
      this.#deps.state?.rollback();
      this.#deps.metrics.swaps.labels('error').inc();
      this.#sweep();
      throw err;
    }
    const previous = this.#current;
    this.#current = next;
    // Unchanged routes took over their limiters, breakers and caches; the rest is dropped.
    this.#deps.state?.commit();
    this.#deps.metrics.swaps.labels('ok').inc();
    this.#deps.metrics.routes.set(table.routes.length);
    if (previous !== null) {
      this.#draining.add(previous);
      previous.retire(() => {
        this.#draining.delete(previous);
        this.#sweep();
      });
    }
    this.#sweep();
  }

  /**
   * Closes the pools of origins, and removes the metric children of routes, that neither the
   * current nor a draining runtime references.
   */
  #sweep(): void {
    const runtimes = [...(this.#current === null ? [] : [this.#current]), ...this.#draining];
    const origins = new Set<string>();
    const routes = new Set<string>();
    for (const runtime of runtimes) {
      for (const origin of runtime.origins) origins.add(origin);
      for (const route of runtime.table.routes) routes.add(route.id);
    }
    this.#pools.retain(origins).catch((err: unknown) => this.#logger.warn({ err }, 'closing a connection pool failed'));
    this.#deps.metrics.routeChildren.retain(routes);
  }
}
