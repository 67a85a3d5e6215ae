/**
 * The whole GatewayEndpoint resource: API coordinates, schema and static type.
 */
import { Type, type Static } from '@sinclair/typebox';
import { GatewayEndpointSpecSchema, type GatewayEndpointSpec } from './spec-schema.ts';
import { GatewayEndpointStatusSchema, type GatewayEndpointStatus } from './status-schema.ts';

/** API group of koaxy's resources. */
export const GROUP = 'gateway.koaxy.dev';

/** API version served and stored. */
export const VERSION = 'v1alpha1';

/** `apiVersion` of a GatewayEndpoint. */
export const API_VERSION = `${GROUP}/${VERSION}`;

/** Kind of the resource. */
export const KIND = 'GatewayEndpoint';

/** Plural resource name (URL path segment). */
export const PLURAL = 'gatewayendpoints';

/** Singular resource name. */
export const SINGULAR = 'gatewayendpoint';

/** kubectl short name. */
export const SHORT_NAME = 'gwe';

/** kubectl category (`kubectl get koaxy`). */
export const CATEGORY = 'koaxy';

/** Name of the CustomResourceDefinition. */
export const CRD_NAME = `${PLURAL}.${GROUP}`;

/** Gateway name used when `spec.gateway` is not set. */
export const DEFAULT_GATEWAY = 'default';

/** Schema of the whole resource (the CRD's openAPIV3Schema). */
export const GatewayEndpointSchema = Type.Object(
  {
    apiVersion: Type.Optional(Type.String({ description: 'APIVersion defines the versioned schema of this representation of an object.' })),
    kind: Type.Optional(Type.String({ description: 'Kind is a string value representing the REST resource this object represents.' })),
    // The API server forbids anything but `type` here (it owns metadata's schema).
    metadata: Type.Optional(Type.Object({})),
    spec: GatewayEndpointSpecSchema,
    status: Type.Optional(GatewayEndpointStatusSchema),
  },
  { description: 'GatewayEndpoint is one public endpoint of a koaxy gateway: a KrakenD endpoint with its backends.' },
);

/** Minimal object metadata koaxy reads. */
export interface GatewayEndpointMetadata {
  readonly name: string;
  readonly namespace: string;
  readonly generation?: number;
  readonly creationTimestamp?: string;
  readonly resourceVersion?: string;
  readonly uid?: string;
}

/** A GatewayEndpoint resource. */
export interface GatewayEndpoint {
  readonly apiVersion: typeof API_VERSION;
  readonly kind: typeof KIND;
  readonly metadata: GatewayEndpointMetadata;
  readonly spec: GatewayEndpointSpec;
  readonly status?: GatewayEndpointStatus;
}

/** Static type of the schema (for consumers that validate with it). */
export type GatewayEndpointSchemaType = Static<typeof GatewayEndpointSchema>;
