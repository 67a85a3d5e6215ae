/**
 * A list+watch loop on @kubernetes/client-node's `Watch` (not `makeInformer`, whose failure
 * modes are in spec/kubernetes-conventions.md §5.2): list, then watch from the list's
 * resourceVersion with a server-side timeout shorter than the client's inactivity timeout, so
 * a quiet watch is closed by the server and reopened at once from the last resourceVersion
 * (no backoff gap on an idle resource). A 410 (an HTTP error or an ERROR event) relists; any
 * other failure reconnects with capped, jittered backoff; a periodic relist guards against a
 * silently stalled stream. One loop never runs two watches at once.
 */
import { type KubeConfig, Watch } from '@kubernetes/client-node';
import type { Logger } from 'pino';

/** The parts of a Kubernetes object the loop needs. */
export interface KubeObject {
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly resourceVersion?: string; readonly generation?: number; readonly deletionTimestamp?: unknown };
}

/** A list response: items and the collection's resourceVersion. */
export interface KubeList<T> {
  readonly items: readonly T[];
  readonly metadata?: { readonly resourceVersion?: string };
}

/** Options of {@link ListWatch}. */
export interface ListWatchOptions<T extends KubeObject> {
  readonly kc: KubeConfig;
  /** Collection path, e.g. `/apis/gateway.koaxy.dev/v1alpha1/gatewayendpoints`. */
  readonly path: string;
  /** Lists the collection (same scope as `path`). */
  readonly list: () => Promise<KubeList<T>>;
  /** Whether two versions of an object mean the same thing to us (status-only updates are equal). */
  readonly isEqual: (a: T, b: T) => boolean;
  /** Called after a change that matters (not for status-only updates). */
  readonly onChange: () => void;
  readonly logger: Logger;
  /** Server-side watch timeout. @default 25 (below the client's 30 s inactivity timeout) */
  readonly watchTimeoutSeconds?: number;
  /** Periodic full relist. @default 300_000 */
  readonly relistMs?: number;
  /** Backoff bounds on errors. @default [200, 2000] */
  readonly backoffMs?: readonly [number, number];
}

/** Counters a loop exposes for metrics and tests. */
export interface ListWatchStats {
  /** 1 while a watch request is open, else 0. */
  watching: number;
  watchesOpened: number;
  relists: number;
  errors: number;
  events: number;
  /** `Date.now()` of the last event or list. */
  lastEventAt: number;
}

/** Cache key of an object: `namespace/name`. */
export function objectKey(o: KubeObject): string {
  return `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
}

/** Keeps a cache of one collection in sync with the API server. */
export class ListWatch<T extends KubeObject> {
  readonly #o: ListWatchOptions<T>;
  readonly #cache = new Map<string, T>();
  readonly stats: ListWatchStats = { watching: 0, watchesOpened: 0, relists: 0, errors: 0, events: 0, lastEventAt: 0 };
  #rv = '';
  #stopped = false;
  #abort: AbortController | null = null;
  #wake: (() => void) | null = null;
  #lastRelist = 0;

  /** Creates a loop; nothing happens before {@link start}. */
  constructor(options: ListWatchOptions<T>) {
    this.#o = options;
  }

  /** Lists once (retrying until it works or stop) and then keeps watching in the background. */
  async start(): Promise<void> {
    let backoff = this.#o.backoffMs?.[0] ?? 200;
    while (!this.#stopped) {
      try {
        await this.#relist();
        break;
      } catch (err) {
        backoff = await this.#failed(err, 'initial list', backoff);
      }
    }
    void this.#loop();
  }

  /** Stops the loop and closes the watch. */
  stop(): void {
    this.#stopped = true;
    this.#abort?.abort();
    this.#wake?.();
  }

  /** Every cached object. */
  items(): T[] {
    return [...this.#cache.values()];
  }

  /** One cached object by `namespace/name`. */
  get(key: string): T | undefined {
    return this.#cache.get(key);
  }

  /** Replaces a cached object by a newer one we got from a write (no change notification). */
  remember(object: T): void {
    const key = objectKey(object);
    const old = this.#cache.get(key);
    if (old !== undefined && Number(old.metadata?.resourceVersion ?? 0) > Number(object.metadata?.resourceVersion ?? 0)) return;
    this.#cache.set(key, object);
  }

  async #loop(): Promise<void> {
    const [min] = this.#o.backoffMs ?? [200, 2000];
    let backoff = min;
    while (!this.#stopped) {
      try {
        if (this.#rv === '' || Date.now() - this.#lastRelist > (this.#o.relistMs ?? 300_000)) await this.#relist();
        const started = Date.now();
        const clean = await this.#watchOnce();
        if (!clean) continue; // 410: relist at once
        if (Date.now() - started > 1_000) backoff = min;
        else backoff = await this.#failed(new Error(`watch closed after ${Date.now() - started} ms without an error`), 'watch', backoff);
      } catch (err) {
        backoff = await this.#failed(err, 'watch', backoff);
      }
    }
  }

  async #failed(err: unknown, what: string, backoff: number): Promise<number> {
    if (this.#stopped) return backoff;
    if (statusCode(err) === 410) {
      this.#rv = '';
      return backoff;
    }
    this.stats.errors++;
    this.#o.logger.warn({ err, path: this.#o.path, retryInMs: backoff }, `${what} failed; retrying`);
    const wait = backoff / 2 + Math.random() * (backoff / 2);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, wait);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.#wake = null;
    return Math.min(backoff * 2, this.#o.backoffMs?.[1] ?? 2000);
  }

  async #relist(): Promise<void> {
    const list = await this.#o.list();
    this.stats.relists++;
    this.stats.lastEventAt = Date.now();
    this.#lastRelist = Date.now();
    const fresh = new Map(list.items.map((item) => [objectKey(item), item]));
    let changed = fresh.size !== this.#cache.size;
    for (const [key, item] of fresh) {
      const old = this.#cache.get(key);
      if (old === undefined || !this.#o.isEqual(old, item)) changed = true;
    }
    this.#cache.clear();
    for (const [key, item] of fresh) this.#cache.set(key, item);
    this.#rv = list.metadata?.resourceVersion ?? '';
    if (changed || this.stats.relists === 1) this.#o.onChange();
  }

  /** Resolves true when the server closed the watch cleanly, false on a 410; rejects on errors. */
  #watchOnce(): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      let gone = false;
      const watch = new Watch(this.#o.kc);
      const query = { resourceVersion: this.#rv, allowWatchBookmarks: true, timeoutSeconds: this.#o.watchTimeoutSeconds ?? 25 };
      this.stats.watching++;
      this.stats.watchesOpened++;
      const done = (err: unknown): void => {
        this.stats.watching--;
        this.#abort = null;
        if (gone) {
          this.#rv = '';
          resolve(false);
        } else if (err !== null && err !== undefined && !this.#stopped) reject(err);
        else resolve(true);
      };
      const onEvent = (type: string, object: T & { code?: number }): void => {
        if (type === 'ERROR') {
          if (object.code === 410) gone = true;
          this.#abort?.abort();
          return;
        }
        this.#event(type, object);
      };
      watch.watch(this.#o.path, query, onEvent, done).then((abort) => {
        this.#abort = abort;
        if (this.#stopped) abort.abort();
      }, done);
    });
  }

  #event(type: string, object: T): void {
    const rv = object.metadata?.resourceVersion;
    if (rv !== undefined) this.#rv = rv;
    this.stats.events++;
    this.stats.lastEventAt = Date.now();
    if (type === 'BOOKMARK') return;
    const key = objectKey(object);
    const old = this.#cache.get(key);
    if (type === 'DELETED') {
      this.#cache.delete(key);
      this.#o.onChange();
      return;
    }
    this.#cache.set(key, object);
    if (old === undefined || !this.#o.isEqual(old, object)) this.#o.onChange();
  }
}

/** The HTTP status code carried by a client-node error, if any. */
export function statusCode(err: unknown): number | undefined {
  const e = err as { code?: unknown; statusCode?: unknown } | null;
  if (typeof e?.statusCode === 'number') return e.statusCode;
  if (typeof e?.code === 'number') return e.code;
  return undefined;
}
