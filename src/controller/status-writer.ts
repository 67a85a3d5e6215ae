/**
 * Writes a GatewayEndpoint's status through the status subresource: a JSON merge patch of the
 * whole status (conditions list included, so no stale condition survives) carrying the read
 * resourceVersion. A 409 re-reads the object and tries again; a no-op is skipped; a status
 * judged from a newer generation is never overwritten. Each condition transition emits an Event
 * on the resource.
 */
import { CoreV1Api, CustomObjectsApi, type KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { GROUP, PLURAL, VERSION } from './kube-objects.ts';
import type { EndpointObject } from './kube-objects.ts';
import type { Outcome } from '../compile/index.ts';
import type { ServedState } from '../status/conditions.ts';
import { desiredStatus, sameStatus, storedIsNewer, transitions, type EndpointStatus } from '../status/resource-status.ts';
import { statusCode } from './list-watch.ts';

/** Counters of the status writer. */
export interface StatusWriterStats {
  writes: number;
  noops: number;
  conflicts: number;
  staleSkips: number;
  errors: number;
  events: number;
}

/** Writes status and Events for one controller. */
export class StatusWriter {
  readonly #custom: CustomObjectsApi;
  readonly #core: CoreV1Api;
  readonly #logger: Logger;
  readonly #identity: string;
  readonly stats: StatusWriterStats = { writes: 0, noops: 0, conflicts: 0, staleSkips: 0, errors: 0, events: 0 };

  /** Creates a writer using `kc`'s credentials. */
  constructor(kc: KubeConfig, logger: Logger, identity: string) {
    this.#custom = kc.makeApiClient(CustomObjectsApi);
    this.#core = kc.makeApiClient(CoreV1Api);
    this.#logger = logger;
    this.#identity = identity;
  }

  /** Brings `object`'s status in line with `outcome`; returns the object as written (or null when nothing was written). */
  async write(object: EndpointObject, outcome: Outcome, served: ServedState): Promise<EndpointObject | null> {
    let current = object;
    for (let attempt = 0; attempt < 5; attempt++) {
      if (storedIsNewer(current.status, outcome.generation)) {
        this.stats.staleSkips++;
        return null;
      }
      const next = desiredStatus(outcome, served, current.status, new Date().toISOString());
      if (sameStatus(current.status, next)) {
        this.stats.noops++;
        return null;
      }
      try {
        const written = await this.#patch(current, next);
        this.stats.writes++;
        await this.#events(current, next);
        return written;
      } catch (err) {
        if (statusCode(err) === 404) return null;
        if (statusCode(err) !== 409) throw new Error(`status write of ${outcome.key} failed`, { cause: err });
        this.stats.conflicts++;
        current = (await this.#custom.getNamespacedCustomObject({ ...coords(current), name: current.metadata.name })) as EndpointObject;
        if (current.metadata.generation !== outcome.generation) return null; // a newer spec: the next compile judges it
      }
    }
    throw new Error(`status write of ${outcome.key} kept conflicting`);
  }

  async #patch(object: EndpointObject, status: EndpointStatus): Promise<EndpointObject> {
    const body = { metadata: { resourceVersion: object.metadata.resourceVersion }, status };
    const options = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    const result = await this.#custom.patchNamespacedCustomObjectStatus(
      { ...coords(object), name: object.metadata.name, body, fieldManager: 'koaxy-controller' },
      options,
    );
    return result as EndpointObject;
  }

  async #events(object: EndpointObject, next: EndpointStatus): Promise<void> {
    for (const c of transitions(object.status, next)) {
      // Waiting for the proxy is part of every apply, not something to warn about.
      const normal = c.status === 'True' || c.reason === 'Pending';
      const now = new Date();
      try {
        await this.#core.createNamespacedEvent({
          namespace: object.metadata.namespace,
          body: {
            metadata: { name: `${object.metadata.name}.${now.getTime().toString(16)}${Math.random().toString(16).slice(2, 6)}`, namespace: object.metadata.namespace },
            involvedObject: {
              apiVersion: `${GROUP}/${VERSION}`, kind: 'GatewayEndpoint', name: object.metadata.name,
              namespace: object.metadata.namespace, uid: object.metadata.uid, resourceVersion: object.metadata.resourceVersion,
            },
            reason: c.reason,
            message: `${c.type}=${c.status}: ${c.message}`.slice(0, 1024),
            type: normal ? 'Normal' : 'Warning',
            source: { component: 'koaxy-controller' },
            reportingComponent: 'koaxy.dev/controller',
            reportingInstance: this.#identity,
            firstTimestamp: now,
            lastTimestamp: now,
            count: 1,
          },
        });
        this.stats.events++;
      } catch (err) {
        this.stats.errors++;
        this.#logger.warn({ err, resource: `${object.metadata.namespace}/${object.metadata.name}` }, 'could not record an Event');
      }
    }
  }
}

function coords(object: EndpointObject) {
  return { group: GROUP, version: VERSION, namespace: object.metadata.namespace, plural: PLURAL };
}
