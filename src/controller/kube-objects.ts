/**
 * The Kubernetes objects the controller watches (GatewayEndpoints and Services): their shapes as
 * far as we read them, the list functions and watch paths per scope, and what counts as a change.
 */
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { GROUP, PLURAL, VERSION } from '../api/index.ts';
import type { ResourceInput } from '../compile/index.ts';
import type { StoredStatus } from '../status/resource-status.ts';
import type { KubeList } from './list-watch.ts';

export { GROUP, PLURAL, VERSION };

/** A GatewayEndpoint as the API server returns it. */
export interface EndpointObject {
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly uid?: string;
    readonly generation: number;
    readonly resourceVersion?: string;
    readonly creationTimestamp: string;
    readonly deletionTimestamp?: string;
  };
  readonly spec: unknown;
  readonly status?: StoredStatus;
}

/** A Service, as far as backends need it. */
export interface ServiceObject {
  readonly metadata: { readonly name: string; readonly namespace: string; readonly resourceVersion?: string };
  readonly spec?: { readonly ports?: readonly { readonly port: number }[] };
}

/** Contour's IsObjectEqual for CRDs: same generation means same spec; status-only updates are equal. */
export function sameEndpoint(a: EndpointObject, b: EndpointObject): boolean {
  return a.metadata.generation === b.metadata.generation && a.metadata.deletionTimestamp === b.metadata.deletionTimestamp;
}

/** Services are equal when their port numbers are. */
export function sameService(a: ServiceObject, b: ServiceObject): boolean {
  return servicePorts(a).join(',') === servicePorts(b).join(',');
}

/** The port numbers of a Service, sorted. */
export function servicePorts(s: ServiceObject): number[] {
  return (s.spec?.ports ?? []).map((p) => p.port).sort((x, y) => x - y);
}

/** The compiler's view of a GatewayEndpoint. */
export function toResourceInput(o: EndpointObject): ResourceInput {
  const { name, namespace, generation, creationTimestamp } = o.metadata;
  return { apiVersion: `${GROUP}/${VERSION}`, kind: 'GatewayEndpoint', metadata: { name, namespace, generation, creationTimestamp: String(creationTimestamp) }, spec: o.spec };
}

/** Watch path and list function of GatewayEndpoints in one namespace (or all, for `null`). */
export function endpointSource(kc: KubeConfig, namespace: string | null): { path: string; list: () => Promise<KubeList<EndpointObject>> } {
  const api = kc.makeApiClient(CustomObjectsApi);
  if (namespace === null) {
    return {
      path: `/apis/${GROUP}/${VERSION}/${PLURAL}`,
      list: async () => normalise((await api.listCustomObjectForAllNamespaces({ group: GROUP, version: VERSION, resourcePlural: PLURAL })) as KubeList<EndpointObject>),
    };
  }
  return {
    path: `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${PLURAL}`,
    list: async () => normalise((await api.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL })) as KubeList<EndpointObject>),
  };
}

/** Watch path and list function of Services in one namespace (or all, for `null`). */
export function serviceSource(kc: KubeConfig, namespace: string | null): { path: string; list: () => Promise<KubeList<ServiceObject>> } {
  const api = kc.makeApiClient(CoreV1Api);
  if (namespace === null) {
    return { path: '/api/v1/services', list: async () => (await api.listServiceForAllNamespaces()) as unknown as KubeList<ServiceObject> };
  }
  return { path: `/api/v1/namespaces/${namespace}/services`, list: async () => (await api.listNamespacedService({ namespace })) as unknown as KubeList<ServiceObject> };
}

function normalise(list: KubeList<EndpointObject>): KubeList<EndpointObject> {
  return { items: list.items ?? [], metadata: list.metadata ?? {} };
}
