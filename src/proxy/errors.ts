/**
 * The request-failure catalog: every way a request can fail in the data plane, as one
 * `GatewayError` hierarchy with stable codes, a default status and `expose` (fastify
 * `lib/errors.js` style). One place — the gateway's error writer — decides what the client sees:
 * the message only when `expose` is true, never a stack trace or a backend address.
 */

/** One catalog entry: a stable code, the default client status and whether the message is shown. */
export interface ErrorSpec {
  readonly code: string;
  readonly status: number;
  readonly expose: boolean;
  /** Default message; for exposed errors this is the exact client body (spec §1.8). */
  readonly message: string;
}

/** The base of every request failure; `cause` keeps the internal detail for logs only. */
export class GatewayError extends Error {
  /** Stable machine-readable code, `KOAXY_*`. */
  readonly code: string;
  /** HTTP status the client gets by default. */
  readonly status: number;
  /** Whether `message` may be written to the client. */
  readonly expose: boolean;

  constructor(spec: ErrorSpec, message?: string, options?: { cause?: unknown; status?: number }) {
    super(message ?? spec.message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = spec.code;
    this.status = options?.status ?? spec.status;
    this.expose = spec.expose;
  }

  override get name(): string {
    return 'GatewayError';
  }
}

function spec(code: string, status: number, expose: boolean, message: string): ErrorSpec {
  return Object.freeze({ code, status, expose, message });
}

/** Every catalog entry by code; the test in errors.test.ts keeps it unique and consistent. */
export const ERRORS = Object.freeze({
  KOAXY_ROUTE_NOT_FOUND: spec('KOAXY_ROUTE_NOT_FOUND', 404, true, '404 page not found'),
  KOAXY_METHOD_NOT_ALLOWED: spec('KOAXY_METHOD_NOT_ALLOWED', 405, true, '405 method not allowed'),
  KOAXY_BAD_REQUEST_URL: spec('KOAXY_BAD_REQUEST_URL', 400, true, '400 Bad Request'),
  KOAXY_ENCODED_URL_PARAMS: spec('KOAXY_ENCODED_URL_PARAMS', 400, true, 'error: encoded url params'),
  KOAXY_INVALID_URL_ESCAPE: spec('KOAXY_INVALID_URL_ESCAPE', 400, true, 'error: invalid URL escape'),
  KOAXY_BODY_TOO_LARGE: spec('KOAXY_BODY_TOO_LARGE', 413, true, 'request body too large'),
  KOAXY_NO_ROUTE_TABLE: spec('KOAXY_NO_ROUTE_TABLE', 503, false, 'no route table loaded'),
  KOAXY_BACKEND_STATUS: spec('KOAXY_BACKEND_STATUS', 500, false, 'invalid status code'),
  KOAXY_BACKEND_UNREACHABLE: spec('KOAXY_BACKEND_UNREACHABLE', 500, false, 'backend request failed'),
  KOAXY_BACKEND_DECODE: spec('KOAXY_BACKEND_DECODE', 500, false, 'backend body could not be decoded'),
  KOAXY_DEADLINE_EXCEEDED: spec('KOAXY_DEADLINE_EXCEEDED', 500, false, 'context deadline exceeded'),
  KOAXY_CLIENT_CANCELED: spec('KOAXY_CLIENT_CANCELED', 499, false, 'context canceled'),
  KOAXY_ALL_BACKENDS_FAILED: spec('KOAXY_ALL_BACKENDS_FAILED', 500, false, 'all backends failed'),
  KOAXY_INTERNAL: spec('KOAXY_INTERNAL', 500, false, 'internal server error'),
  KOAXY_CIRCUIT_OPEN: spec('KOAXY_CIRCUIT_OPEN', 500, false, 'circuit breaker is open'),
  KOAXY_CIRCUIT_BUSY: spec('KOAXY_CIRCUIT_BUSY', 500, false, 'too many requests'),
  KOAXY_BACKEND_RATE_LIMITED: spec('KOAXY_BACKEND_RATE_LIMITED', 500, false, 'rate limit exceded'),
  KOAXY_RATE_LIMITED: spec('KOAXY_RATE_LIMITED', 429, false, 'too many requests from this client'),
  KOAXY_SERVICE_RATE_LIMITED: spec('KOAXY_SERVICE_RATE_LIMITED', 503, false, 'endpoint rate limit reached'),
  KOAXY_UNAUTHORIZED: spec('KOAXY_UNAUTHORIZED', 401, false, 'missing or invalid token'),
  KOAXY_FORBIDDEN: spec('KOAXY_FORBIDDEN', 403, false, 'token roles or scopes not allowed'),
  KOAXY_INVALID_BODY: spec('KOAXY_INVALID_BODY', 400, false, 'request body does not match the JSON schema'),
});

/** A catalog code. */
export type ErrorCode = keyof typeof ERRORS;

/** Builds the catalog error `code`, optionally with a more precise message and a cause. */
export function gatewayError(code: ErrorCode, message?: string, cause?: unknown): GatewayError {
  return new GatewayError(ERRORS[code], message, cause === undefined ? undefined : { cause });
}

/**
 * A backend answered with a status other than 200/201 under the `code` error policy
 * (spec §1.4): the client gets `statusCode` when this is the only backend of the route.
 */
export class BackendStatusError extends GatewayError {
  /** The backend's HTTP status. */
  readonly statusCode: number;
  /** The backend body, kept for logs (never written to the client by default). */
  readonly body: Buffer;
  /** The backend `Content-Type`, `''` when absent. */
  readonly contentType: string;

  constructor(statusCode: number, body: Buffer, contentType: string, message: string) {
    super(ERRORS.KOAXY_BACKEND_STATUS, message, { status: statusCode });
    this.statusCode = statusCode;
    this.body = body;
    this.contentType = contentType;
  }
}

/** No backend of a merged route succeeded; `errors` lists each backend's failure in order. */
export class MergeError extends GatewayError {
  /** The per-backend failures, in declared order. */
  readonly errors: readonly GatewayError[];

  constructor(errors: readonly GatewayError[]) {
    super(ERRORS.KOAXY_ALL_BACKENDS_FAILED, errors.map((e) => e.message).join('\n'));
    this.errors = errors;
  }
}

/** Wraps anything thrown into a `GatewayError`, keeping the original as `cause` (never shown). */
export function toGatewayError(err: unknown, fallback: ErrorCode = 'KOAXY_INTERNAL'): GatewayError {
  if (err instanceof GatewayError) return err;
  return gatewayError(fallback, undefined, err);
}
