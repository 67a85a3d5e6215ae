/**
 * What the client sees (spec §1.2–§1.4, §2.3, §3.2, §3.3): the only place that writes handler
 * responses and decides what of an error is shown (`expose`; never a stack or an address).
 */
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import { BackendStatusError, BodyValidationError, ERRORS, type ErrorCode, GatewayError, MergeError, type NoopResponse, type ProxyResult } from '../proxy/index.ts';
import { renderBody } from './render.ts';
import type { RouteRuntime } from './runtime.ts';

/** Header names, in the canonical form Go puts on the wire. */
export const X_KRAKEND = 'X-Krakend';
/** Whether every backend answered completely with non-empty data (spec §3.3). */
export const X_KRAKEND_COMPLETED = 'X-Krakend-Completed';

/** Writes a rendered (non-no-op) result: 200, `X-Krakend-Completed` and `Cache-Control` by §3.3. */
export function writeResult(res: ServerResponse, entry: RouteRuntime, result: ProxyResult, accept: string | undefined): void {
  let nonEmpty = false;
  for (const _ in result.data) {
    nonEmpty = true;
    break;
  }
  const complete = nonEmpty && result.complete;
  res.setHeader(X_KRAKEND_COMPLETED, complete ? 'true' : 'false');
  if (complete && entry.cacheControl !== null) res.setHeader('Cache-Control', entry.cacheControl);
  const { body, contentType } = renderBody(entry.route.outputEncoding, result.data, accept ?? '');
  res.statusCode = 200;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/** Streams a no-op backend answer: its status, every header added (multi-valued kept), its body. */
export function writeNoop(res: ServerResponse, noop: NoopResponse): void {
  res.setHeader(X_KRAKEND_COMPLETED, 'false');
  for (const name in noop.headers) res.appendHeader(name, noop.headers[name]!);
  res.statusCode = noop.status;
  pipeline(noop.body, res, () => {
    // A broken stream (client gone, backend reset) ends the response; nothing else to report.
  });
}

/**
 * The client text of a failure under `return_error_msg` (spec §1.6): a backend body kept by
 * `return_error_code`, else the catalog message (never the internal detail with addresses);
 * a merge joins its parts with `\n`.
 */
function errorText(err: GatewayError): string {
  if (err instanceof BackendStatusError) return err.body.toString('utf8');
  if (err instanceof MergeError) return err.errors.map(errorText).join('\n');
  if (err instanceof BodyValidationError) return err.message;
  return ERRORS[err.code as ErrorCode]?.message ?? err.message;
}

/**
 * Writes a failed request: the error's status (a backend's under `return_error_code`, else 500),
 * an empty body without Content-Type unless the error is exposed or the route sets
 * `return_error_msg` (then the error text, with the backend's Content-Type when it kept one).
 */
export function writeError(res: ServerResponse, err: GatewayError, handler: boolean, showMessage = false): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const status = err instanceof BackendStatusError ? err.statusCode : err.status === 499 ? 500 : err.status;
  if (handler) res.setHeader(X_KRAKEND_COMPLETED, 'false');
  res.statusCode = status;
  if (!err.expose && !showMessage) {
    res.end();
    return;
  }
  const body = err.expose ? err.message : errorText(err);
  const backendType = err instanceof BackendStatusError && !err.expose ? err.contentType : '';
  res.setHeader('Content-Type', backendType !== '' ? backendType : 'text/plain; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/** Writes the 404/405 of the router (CE: text/plain, `X-Krakend`, `X-Krakend-Completed: false`). */
export function writeRouterMiss(res: ServerResponse, versionHeader: string, err: GatewayError): void {
  res.setHeader(X_KRAKEND, versionHeader);
  res.setHeader(X_KRAKEND_COMPLETED, 'false');
  res.statusCode = err.status;
  res.setHeader('Content-Type', 'text/plain');
  res.setHeader('Content-Length', Buffer.byteLength(err.message));
  res.end(err.message);
}

/** True for an error value thrown by the pipeline rather than a programming error. */
export function isGatewayError(err: unknown): err is GatewayError {
  return err instanceof GatewayError;
}
