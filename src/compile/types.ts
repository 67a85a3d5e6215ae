/**
 * Inputs and outputs of `compile()`: resources, the gateway's policy, outcomes and problems.
 */
import type { AcceptedReasonName } from '../api/index.ts';
import type { RouteTable } from '../ir/index.ts';

/** One GatewayEndpoint as read from the API server or a file; `spec` is untrusted. */
export interface ResourceInput {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly generation: number;
    /** RFC 3339; the older resource wins a route conflict. */
    readonly creationTimestamp: string;
  };
  readonly spec: unknown;
}

/** What the gateway allows and knows about backends; fixed for one compile run. */
export interface CompilePolicy {
  /** Only resources whose `spec.gateway` (default `default`) equals this are compiled. */
  readonly gatewayName: string;
  /**
   * `'any'` allows every backend origin; a list allows origins matching one of its globs,
   * e.g. `http://127.0.0.1:*` or `http://*.shop.svc.cluster.local:*` (`*` matches a run of
   * characters other than `/` and `:`; a lone `*` matches everything).
   */
  readonly allowedBackends: 'any' | readonly string[];
  /**
   * Also allow `service` backends in the resource's own namespace (the in-cluster default).
   * @default false
   */
  readonly allowOwnNamespaceServices?: boolean;
  /** Services that exist, `namespace/name` → port numbers; `null` skips the check. */
  readonly services: ReadonlyMap<string, readonly number[]> | null;
  /** Cluster DNS domain used to resolve `service` backends. @default 'cluster.local' */
  readonly clusterDomain: string;
}

/** A reason a resource is not accepted. */
export type RejectReason = Exclude<AcceptedReasonName, 'Accepted'>;

/** One thing wrong with a resource, naming the field like `spec.backends[1].urlPattern`. */
export interface Problem {
  readonly reason: RejectReason;
  readonly field: string;
  readonly message: string;
}

/** What became of one considered resource. */
export interface Outcome {
  /** `namespace/name`. */
  readonly key: string;
  readonly generation: number;
  /** `METHOD /path` the resource asks for (`''` when its spec is too broken to tell). */
  readonly route: string;
  readonly accepted: boolean;
  readonly reason: AcceptedReasonName;
  /** Bounded summary for the condition message. */
  readonly message: string;
  readonly problems: readonly Problem[];
  readonly warnings: readonly string[];
  /** The generation whose route is in the table (current, an older last-good one, or none). */
  readonly servedGeneration: number | null;
}

/** The result of one compile run. */
export interface CompileResult {
  readonly table: RouteTable;
  /** One per considered resource, sorted by key. */
  readonly outcomes: readonly Outcome[];
}

/** The policy of `koaxy standalone` and `koaxy validate`: files are trusted, any host is allowed. */
export function standalonePolicy(gatewayName = 'default'): CompilePolicy {
  return { gatewayName, allowedBackends: 'any', services: null, clusterDomain: 'cluster.local' };
}

/** The in-cluster policy: own-namespace Services plus the given globs, Services checked. */
export function clusterPolicy(options: {
  readonly gatewayName?: string;
  readonly allowedBackends?: readonly string[];
  readonly services: ReadonlyMap<string, readonly number[]> | null;
  readonly clusterDomain?: string;
}): CompilePolicy {
  return {
    gatewayName: options.gatewayName ?? 'default',
    allowedBackends: options.allowedBackends ?? [],
    allowOwnNamespaceServices: true,
    services: options.services,
    clusterDomain: options.clusterDomain ?? 'cluster.local',
  };
}
