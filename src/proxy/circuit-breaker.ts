/**
 * The backend QoS layers (spec §7.2, §7.3), outermost first as in KrakenD CE:
 * circuit breaker (sony/gobreaker v0.5 semantics) → proxy rate limit → the backend call.
 */
import type { CircuitBreakerConfig, TokenBucketConfig } from '../ir/index.ts';
import { gatewayError, toGatewayError } from './errors.ts';
import type { Clock } from './qos-state.ts';
import { TokenBucket } from './token-bucket.ts';
import type { Proxy } from './types.ts';

/** gobreaker's default open → half-open timeout, used when `timeout` is 0. */
export const DEFAULT_BREAKER_TIMEOUT_MS = 60_000;

/** The three gobreaker states. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** A gobreaker with `MaxRequests: 1` and `ReadyToTrip: consecutiveFailures > maxErrors`. */
export class CircuitBreaker {
  readonly #config: CircuitBreakerConfig;
  readonly #now: Clock;
  #state: BreakerState = 'closed';
  #generation = 0;
  #expiry = 0;
  #requests = 0;
  #consecutiveFailures = 0;

  constructor(config: CircuitBreakerConfig, now: Clock) {
    this.#config = config;
    this.#now = now;
    this.#newGeneration(now());
  }

  /** The state now (an expired open state is half-open). */
  get state(): BreakerState {
    this.#current(this.#now());
    return this.#state;
  }

  /** Admits a call: its generation, or throws the gobreaker error the call fails with. */
  before(): number {
    this.#current(this.#now());
    if (this.#state === 'open') throw gatewayError('KOAXY_CIRCUIT_OPEN');
    if (this.#state === 'half-open' && this.#requests >= 1) throw gatewayError('KOAXY_CIRCUIT_BUSY');
    this.#requests++;
    return this.#generation;
  }

  /** Records the outcome of a call admitted in `generation` (stale generations are ignored). */
  after(generation: number, success: boolean): void {
    const now = this.#now();
    this.#current(now);
    if (generation !== this.#generation) return;
    if (success) {
      this.#consecutiveFailures = 0;
      if (this.#state === 'half-open') this.#set('closed', now);
    } else if (this.#state === 'half-open') this.#set('open', now);
    else if (++this.#consecutiveFailures > this.#config.maxErrors) this.#set('open', now);
  }

  #current(now: number): void {
    if (this.#state === 'closed' && this.#expiry !== 0 && this.#expiry <= now) this.#newGeneration(now);
    else if (this.#state === 'open' && this.#expiry <= now) this.#set('half-open', now);
  }

  #set(state: BreakerState, now: number): void {
    this.#state = state;
    this.#newGeneration(now);
  }

  #newGeneration(now: number): void {
    this.#generation++;
    this.#requests = 0;
    this.#consecutiveFailures = 0;
    if (this.#state === 'closed') this.#expiry = this.#config.intervalMs > 0 ? now + this.#config.intervalMs : 0;
    else if (this.#state === 'open') this.#expiry = now + (this.#config.timeoutMs > 0 ? this.#config.timeoutMs : DEFAULT_BREAKER_TIMEOUT_MS);
    else this.#expiry = 0;
  }
}

/**
 * Wraps a backend proxy with a breaker: a rejection counts as a failure (except a cancellation
 * by the caller: client gone or a losing concurrent call), any answer as a success.
 */
export function withCircuitBreaker(next: Proxy, breaker: CircuitBreaker): Proxy {
  return async (req, signal) => {
    const generation = breaker.before();
    try {
      const result = await next(req, signal);
      breaker.after(generation, true);
      return result;
    } catch (err) {
      const error = toGatewayError(err);
      if (error.code !== 'KOAXY_CLIENT_CANCELED') breaker.after(generation, false);
      throw error;
    }
  };
}

/** Wraps a backend proxy with one bucket: an empty bucket fails the call (`rate limit exceded`). */
export function withProxyRateLimit(next: Proxy, config: TokenBucketConfig | TokenBucket, now: Clock): Proxy {
  const bucket = config instanceof TokenBucket ? config : new TokenBucket(config, now);
  return (req, signal) => (bucket.allow() ? next(req, signal) : Promise.reject(gatewayError('KOAXY_BACKEND_RATE_LIMITED')));
}
