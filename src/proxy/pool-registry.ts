/**
 * Keep-alive connection pools, one undici `Pool` per backend origin, shared by every route
 * table: a table build acquires the pools of its hosts (reusing those an older table opened),
 * and the gateway closes the pools no live table references once their requests have drained.
 */
import { EventEmitter } from 'node:events';
import { Agent, type Dispatcher, Pool } from 'undici';

/** Pool tuning; the defaults suit a sidecar proxy talking to in-cluster Services. */
export interface PoolRegistryOptions {
  /** Connections per origin. @default 256 (KrakenD keeps up to 250 idle per host) */
  readonly connections?: number;
  /** Idle keep-alive time of a connection, in milliseconds. @default 30000 */
  readonly keepAliveTimeoutMs?: number;
  /** Time to connect, in milliseconds. @default 10000 */
  readonly connectTimeoutMs?: number;
}

/** The origin (`scheme://host:port`) a backend host string belongs to. */
export function originOf(host: string): string {
  return new URL(host).origin;
}

/**
 * Per-origin undici pools with a lifecycle. Emits `close` with the origin when a pool is closed.
 * Redirects to origins no table references go through one shared fallback agent.
 */
export class PoolRegistry extends EventEmitter {
  readonly #pools = new Map<string, Pool>();
  readonly #options: Pool.Options;
  #fallback: Agent | null = null;
  #closed = false;

  constructor(options: PoolRegistryOptions = {}) {
    super();
    this.#options = {
      connections: options.connections ?? 256,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
      connectTimeout: options.connectTimeoutMs ?? 10_000,
      // Request deadlines come from the route (AbortSignal), not from undici's own timers.
      headersTimeout: 0,
      bodyTimeout: 0,
    };
  }

  /** The pool for `host`'s origin, created on first use (at table build time). */
  acquire(host: string): Pool {
    if (this.#closed) throw new Error('pool registry is closed');
    const origin = originOf(host);
    let pool = this.#pools.get(origin);
    if (pool === undefined || pool.closed) {
      pool = new Pool(origin, this.#options);
      this.#pools.set(origin, pool);
    }
    return pool;
  }

  /** The dispatcher for a redirect target: its pool when one exists, else the fallback agent. */
  dispatcherFor(origin: string): Dispatcher {
    const pool = this.#pools.get(origin);
    if (pool !== undefined && !pool.closed) return pool;
    this.#fallback ??= new Agent(this.#options);
    return this.#fallback;
  }

  /** True when a pool for `host`'s origin is open. */
  has(host: string): boolean {
    return this.#pools.has(originOf(host));
  }

  /** Origins with an open pool. */
  origins(): string[] {
    return [...this.#pools.keys()];
  }

  /** Closes (gracefully: queued requests finish) every pool whose origin is not in `keep`. */
  retain(keep: ReadonlySet<string>): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const [origin, pool] of this.#pools) {
      if (keep.has(origin)) continue;
      this.#pools.delete(origin);
      closing.push(pool.close().then(() => void this.emit('close', origin)));
    }
    return Promise.all(closing).then(() => undefined);
  }

  /** Closes every pool and the fallback agent; acquiring afterwards throws. */
  async close(): Promise<void> {
    this.#closed = true;
    const fallback = this.#fallback;
    this.#fallback = null;
    await Promise.all([this.retain(new Set()), fallback?.close()]);
  }
}
