/**
 * Condition types and reasons of a GatewayEndpoint's status (DESIGN §3), as string constants.
 *
 * Reasons are single CamelCase words (the metav1.Condition reason pattern) that tools can count;
 * the human detail goes in the condition message.
 */

/** The condition types koaxy publishes on every GatewayEndpoint. */
export const ConditionType = {
  /** The spec is valid, allowed and not in conflict: the gateway will serve it. */
  Accepted: 'Accepted',
  /** The proxy serves the route at a known route-table version. */
  Programmed: 'Programmed',
} as const;

/** A condition type koaxy publishes. */
export type ConditionTypeName = (typeof ConditionType)[keyof typeof ConditionType];

/** Reasons of the `Accepted` condition: `Accepted` when True, the others when False. */
export const AcceptedReason = {
  Accepted: 'Accepted',
  /** A field is invalid; the message names the field path and why. */
  Invalid: 'Invalid',
  /** Another, older resource serves the same route; the message names it. */
  RouteConflict: 'RouteConflict',
  /** A backend host is outside the gateway's allow-list. */
  BackendNotAllowed: 'BackendNotAllowed',
  /** A referenced Service (or its port) does not exist. */
  BackendNotFound: 'BackendNotFound',
} as const;

/** A reason of the `Accepted` condition. */
export type AcceptedReasonName = (typeof AcceptedReason)[keyof typeof AcceptedReason];

/** Reasons of the `Programmed` condition: `Programmed` when True, the others when False. */
export const ProgrammedReason = {
  /** Served by the proxy at route-table version V (named in the message). */
  Programmed: 'Programmed',
  /** Accepted, but the proxy has not confirmed a table containing it yet. */
  Pending: 'Pending',
  /** The proxy did not report a served version. */
  ProxyUnavailable: 'ProxyUnavailable',
  /** Not served because the resource is not accepted (and no earlier generation is served). */
  NotAccepted: 'NotAccepted',
} as const;

/** A reason of the `Programmed` condition. */
export type ProgrammedReasonName = (typeof ProgrammedReason)[keyof typeof ProgrammedReason];

/** Condition status values (metav1.ConditionStatus). */
export const ConditionStatus = { True: 'True', False: 'False', Unknown: 'Unknown' } as const;

/** A condition status value. */
export type ConditionStatusName = (typeof ConditionStatus)[keyof typeof ConditionStatus];

/** The longest condition message the API server accepts (metav1.Condition). */
export const MAX_CONDITION_MESSAGE = 32768;
