/**
 * State that outlives one route table: token buckets, circuit breakers and HTTP caches. A new
 * table's runtime asks for its state by a key made of the route, the backend and the feature's
 * configuration, so an unchanged route keeps its buckets, breaker and cache across a swap
 * (a changed configuration starts fresh). State no table asked for is dropped at `commit()`.
 */

/** Milliseconds clock; tests inject a fake one. */
export type Clock = () => number;

/** The state store shared by the runtimes a gateway builds, one generation per table. */
export class QosState {
  /** The clock every limiter, breaker and cache of this store reads. */
  readonly now: Clock;
  #live = new Map<string, unknown>();
  #next = new Map<string, unknown>();

  constructor(now: Clock = () => performance.timeOrigin + performance.now()) {
    this.now = now;
  }

  /** The state under `key` (kept from the served table when there), created by `create` otherwise. */
  get<T>(key: string, create: () => T): T {
    let value = this.#next.get(key) ?? this.#live.get(key);
    if (value === undefined) value = create();
    this.#next.set(key, value);
    return value as T;
  }

  /** The table built since the last commit is now served: keep only the state it asked for. */
  commit(): void {
    this.#live = this.#next;
    this.#next = new Map();
  }

  /** The table built since the last commit failed: forget what it asked for. */
  rollback(): void {
    this.#next = new Map();
  }

  /** Number of live state objects (tests and metrics). */
  get size(): number {
    return this.#live.size;
  }
}
