/**
 * Schema of `GatewayEndpoint.status`: the route and metav1.Condition list written by the controller.
 */
import { Type, type Static } from '@sinclair/typebox';
import { MAX_CONDITION_MESSAGE } from './conditions.ts';
import { stringEnum } from './schema-helpers.ts';

/** Schema of one metav1.Condition. */
export const ConditionSchema = Type.Object(
  {
    type: Type.String({
      description: 'Type of condition in CamelCase (Accepted, Programmed).',
      maxLength: 316,
      pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
    }),
    status: stringEnum(['True', 'False', 'Unknown'] as const, { description: 'Status of the condition: True, False or Unknown.' }),
    reason: Type.String({
      description: 'CamelCase reason for the last transition, for machines.',
      minLength: 1,
      maxLength: 1024,
      pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
    }),
    message: Type.String({ description: 'Human-readable details about the transition.', maxLength: MAX_CONDITION_MESSAGE }),
    lastTransitionTime: Type.String({ description: 'When the status last changed (RFC 3339).', format: 'date-time' }),
    observedGeneration: Type.Optional(
      Type.Integer({ description: 'The metadata.generation this condition was computed from.', minimum: 0, format: 'int64' }),
    ),
  },
  { description: 'One aspect of the current state (metav1.Condition).' },
);

/** One metav1.Condition. */
export type Condition = Static<typeof ConditionSchema>;

/** Schema of `GatewayEndpoint.status`. */
export const GatewayEndpointStatusSchema = Type.Object(
  {
    observedGeneration: Type.Optional(
      Type.Integer({ description: 'The metadata.generation the controller last judged.', minimum: 0, format: 'int64' }),
    ),
    route: Type.Optional(Type.String({ description: 'The route this resource asks for, e.g. "GET /users/{id}".', maxLength: 1100 })),
    conditions: Type.Optional(
      Type.Array(ConditionSchema, {
        description: 'Accepted and Programmed conditions.',
        maxItems: 8,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['type'],
      }),
    ),
  },
  { description: 'Observed state, written by the koaxy controller.' },
);

/** `GatewayEndpoint.status`. */
export type GatewayEndpointStatus = Static<typeof GatewayEndpointStatusSchema>;
