/**
 * `qos/http-cache` (spec §7.4): an RFC 7234 private cache of backend GET/HEAD answers, keyed by
 * method and URL (+ the request headers named by `Vary`). Freshness comes from the answer's
 * `Cache-Control: max-age` (else `Expires` − `Date`) minus its `Age`; `no-store` is never
 * stored, `no-cache` is never served. Stale entries are refetched (no revalidation). Memory is
 * bounded: at most `maxItems` entries and `maxSizeBytes` bytes, least recently used evicted.
 */
import type { HttpCacheConfig } from '../ir/index.ts';
import type { Clock } from './qos-state.ts';
import type { OutgoingHeaders } from './request-builder.ts';

/** Default bounds of a cache (KrakenD CE 2.9 has none: its cache grows without limit). */
export const DEFAULT_CACHE_MAX_ITEMS = 1024;
/** Default byte bound of a cache. */
export const DEFAULT_CACHE_MAX_SIZE = 32 * 1024 * 1024;

/** A buffered backend answer. */
export interface CachedAnswer {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

interface Entry {
  readonly answer: CachedAnswer;
  readonly expires: number;
  readonly vary: readonly (readonly [string, string])[];
  readonly size: number;
}

function headerText(headers: CachedAnswer['headers'] | OutgoingHeaders, name: string): string {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : typeof value === 'string' ? value : '';
}

function directives(value: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of value.split(',')) {
    const [name, arg] = part.split('=', 2).map((s) => s.trim());
    if (name) out.set(name.toLowerCase(), (arg ?? '').replace(/^"|"$/g, ''));
  }
  return out;
}

/** Seconds an answer stays fresh from when it was received, or 0 when it must not be served. */
export function freshnessMs(headers: CachedAnswer['headers']): number {
  const cc = directives(headerText(headers, 'cache-control'));
  if (cc.has('no-store') || cc.has('no-cache')) return 0;
  const age = Number.parseInt(headerText(headers, 'age'), 10);
  const ageMs = Number.isFinite(age) && age > 0 ? age * 1000 : 0;
  const maxAge = cc.get('max-age');
  if (maxAge !== undefined) {
    const seconds = Number.parseInt(maxAge, 10);
    return Number.isFinite(seconds) ? Math.max(0, seconds * 1000 - ageMs) : 0;
  }
  const expires = Date.parse(headerText(headers, 'expires'));
  if (Number.isNaN(expires)) return 0;
  const date = Date.parse(headerText(headers, 'date'));
  return Math.max(0, expires - (Number.isNaN(date) ? Date.now() : date) - ageMs);
}

/** One bounded LRU cache. */
export class HttpCache {
  readonly #maxItems: number;
  readonly #maxSize: number;
  readonly #now: Clock;
  readonly #entries = new Map<string, Entry>();
  #size = 0;

  constructor(config: Pick<HttpCacheConfig, 'maxItems' | 'maxSizeBytes'>, now: Clock) {
    this.#maxItems = config.maxItems;
    this.#maxSize = config.maxSizeBytes;
    this.#now = now;
  }

  /** The fresh answer stored for `key` whose `Vary` headers match `request`, or null. */
  lookup(key: string, request: OutgoingHeaders): CachedAnswer | null {
    if (directives(headerText(request, 'cache-control')).has('no-cache')) return null;
    const entry = this.#entries.get(key);
    if (entry === undefined) return null;
    this.#entries.delete(key);
    if (entry.expires <= this.#now() || entry.vary.some(([name, value]) => headerText(request, name) !== value)) {
      this.#size -= entry.size;
      return null;
    }
    this.#entries.set(key, entry);
    return entry.answer;
  }

  /** Stores `answer` when it is fresh and fits; evicts the least recently used to make room. */
  store(key: string, request: OutgoingHeaders, answer: CachedAnswer): void {
    if (directives(headerText(request, 'cache-control')).has('no-store')) return;
    const ms = freshnessMs(answer.headers);
    const varyNames = headerText(answer.headers, 'vary').split(',').map((v) => v.trim().toLowerCase()).filter((v) => v !== '');
    if (ms <= 0 || varyNames.includes('*')) return;
    let size = answer.body.length + key.length;
    for (const name in answer.headers) size += name.length + headerText(answer.headers, name).length;
    if (size > this.#maxSize) return;
    this.#delete(key);
    while (this.#entries.size > 0 && (this.#entries.size >= this.#maxItems || this.#size + size > this.#maxSize)) {
      this.#delete(this.#entries.keys().next().value!);
    }
    const vary = varyNames.map((name) => [name, headerText(request, name)] as const);
    this.#entries.set(key, { answer, expires: this.#now() + ms, vary, size });
    this.#size += size;
  }

  /** Entries and bytes held. */
  get stats(): { items: number; bytes: number } {
    return { items: this.#entries.size, bytes: this.#size };
  }

  #delete(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    this.#size -= entry.size;
  }
}
