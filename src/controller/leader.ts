/**
 * Leader election through a `coordination.k8s.io/v1` Lease (client-node has no helper): the
 * holder renews every third of the lease duration; another candidate takes the lease once it
 * has not been renewed for a whole duration. Writes carry the read resourceVersion, so two
 * candidates racing for an expired lease get one 200 and one 409.
 */
import { CoordinationV1Api, type KubeConfig, type V1Lease, V1MicroTime } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { statusCode } from './list-watch.ts';

/** Options of {@link LeaderElector}. */
export interface LeaderOptions {
  readonly kc: KubeConfig;
  readonly namespace: string;
  readonly name: string;
  /** This candidate's identity (pod name, pid). */
  readonly identity: string;
  readonly leaseDurationSeconds: number;
  readonly logger: Logger;
  /** Called when this candidate becomes or stops being the leader. */
  readonly onChange: (leader: boolean) => void;
}

/** Takes part in the election until stopped. */
export class LeaderElector {
  readonly #o: LeaderOptions;
  readonly #api: CoordinationV1Api;
  #leader = false;
  #timer: NodeJS.Timeout | null = null;
  #lastRenew = 0;
  #stopped = false;

  /** Creates a candidate; nothing happens before {@link start}. */
  constructor(options: LeaderOptions) {
    this.#o = options;
    this.#api = options.kc.makeApiClient(CoordinationV1Api);
  }

  /** Whether this candidate holds the lease now. */
  get isLeader(): boolean {
    return this.#leader;
  }

  /** Starts trying to acquire and renew. */
  start(): void {
    void this.#tick();
  }

  /** Stops; a leader releases the lease so another candidate takes over at once. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    if (!this.#leader) return;
    this.#set(false);
    try {
      const lease = await this.#api.readNamespacedLease({ name: this.#o.name, namespace: this.#o.namespace });
      if (lease.spec?.holderIdentity !== this.#o.identity) return;
      lease.spec = { ...lease.spec, holderIdentity: '', renewTime: new V1MicroTime(0) };
      await this.#api.replaceNamespacedLease({ name: this.#o.name, namespace: this.#o.namespace, body: lease });
    } catch (err) {
      this.#o.logger.warn({ err }, 'could not release the lease');
    }
  }

  async #tick(): Promise<void> {
    try {
      const held = await this.#tryAcquire();
      if (held) this.#lastRenew = Date.now();
      this.#set(held);
    } catch (err) {
      this.#o.logger.warn({ err, lease: this.#o.name }, 'lease renewal failed');
      if (this.#leader && Date.now() - this.#lastRenew > this.#o.leaseDurationSeconds * 1000) this.#set(false);
    }
    if (!this.#stopped) {
      this.#timer = setTimeout(() => void this.#tick(), (this.#o.leaseDurationSeconds * 1000) / 3);
      this.#timer.unref();
    }
  }

  async #tryAcquire(): Promise<boolean> {
    const { namespace, name, identity, leaseDurationSeconds } = this.#o;
    const now = new V1MicroTime(Date.now());
    let lease: V1Lease;
    try {
      lease = await this.#api.readNamespacedLease({ name, namespace });
    } catch (err) {
      if (statusCode(err) !== 404) throw err;
      const body: V1Lease = {
        metadata: { name, namespace },
        spec: { holderIdentity: identity, leaseDurationSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0 },
      };
      return this.#write(() => this.#api.createNamespacedLease({ namespace, body }));
    }
    const spec = lease.spec ?? {};
    const renewed = spec.renewTime === undefined ? 0 : new Date(spec.renewTime).getTime();
    const expired = renewed + (spec.leaseDurationSeconds ?? leaseDurationSeconds) * 1000 < Date.now();
    const mine = spec.holderIdentity === identity;
    if (!mine && spec.holderIdentity && !expired) return false;
    lease.spec = {
      ...spec,
      holderIdentity: identity,
      leaseDurationSeconds,
      renewTime: now,
      ...(mine ? {} : { acquireTime: now, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 }),
    };
    return this.#write(() => this.#api.replaceNamespacedLease({ name, namespace, body: lease }));
  }

  async #write(write: () => Promise<unknown>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (err) {
      if (statusCode(err) === 409) return false;
      throw err;
    }
  }

  #set(leader: boolean): void {
    if (leader === this.#leader) return;
    this.#leader = leader;
    this.#o.logger.info({ lease: this.#o.name, identity: this.#o.identity, leader }, leader ? 'became the leader' : 'no longer the leader');
    this.#o.onChange(leader);
  }
}
