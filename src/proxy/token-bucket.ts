/**
 * krakend-ratelimit's token bucket (spec §7.1, `ratelimit:tokenbucket.go`): starts full, a
 * token is taken while any is left; only an empty bucket refills, by whole fill intervals
 * (1/rate); a refill that would overflow sets the bucket to capacity and lets the request pass
 * without taking a token (so capacity + 1 requests pass after a long idle).
 */
import type { TokenBucketConfig } from '../ir/index.ts';
import type { Clock } from './qos-state.ts';

/** One bucket. */
export class TokenBucket {
  readonly #fillIntervalMs: number;
  readonly #capacity: number;
  readonly #now: Clock;
  #tokens: number;
  #lastRefill: number;

  constructor(config: TokenBucketConfig, now: Clock) {
    this.#capacity = Math.max(1, Math.floor(config.capacity));
    // Go: time.Duration(int64(1e9 / rate)) with the rate floored at 1e-9.
    this.#fillIntervalMs = Math.floor(1e9 / Math.max(config.ratePerSecond, 1e-9)) / 1e6;
    this.#now = now;
    this.#tokens = this.#capacity;
    this.#lastRefill = now();
  }

  /** Takes a token; false when the request must be refused. */
  allow(): boolean {
    if (this.#tokens > 0) {
      this.#tokens--;
      return true;
    }
    const add = Math.floor((this.#now() - this.#lastRefill) / this.#fillIntervalMs);
    if (add <= 0) return false;
    this.#lastRefill += add * this.#fillIntervalMs;
    if (add > this.#capacity) {
      this.#tokens = this.#capacity;
      return true;
    }
    this.#tokens += add - 1;
    return true;
  }
}

/** Most client buckets kept per route; the least recently used is evicted beyond it. */
export const MAX_CLIENT_BUCKETS = 100_000;

/** One bucket per client key, bounded (LRU) so a flood of new keys cannot exhaust memory. */
export class KeyedBuckets {
  readonly #config: TokenBucketConfig;
  readonly #now: Clock;
  readonly #max: number;
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(config: TokenBucketConfig, now: Clock, max = MAX_CLIENT_BUCKETS) {
    this.#config = config;
    this.#now = now;
    this.#max = max;
  }

  /** Takes a token from `key`'s bucket. */
  allow(key: string): boolean {
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      bucket = new TokenBucket(this.#config, this.#now);
      if (this.#buckets.size >= this.#max) this.#buckets.delete(this.#buckets.keys().next().value!);
    } else this.#buckets.delete(key);
    this.#buckets.set(key, bucket);
    return bucket.allow();
  }

  /** Buckets held now. */
  get size(): number {
    return this.#buckets.size;
  }
}
