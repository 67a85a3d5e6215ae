/**
 * The shapes every proxy layer speaks: a request already filtered by the endpoint, and a result
 * that is data + completeness + the backend errors (lura's `proxy.Response`; partial aggregation
 * is a result, a total failure is a rejected promise carrying a `GatewayError`).
 */
import type { Readable } from 'node:stream';
import type { GatewayError } from './errors.ts';

/** Outgoing header values by lower-cased name. */
export type HeaderMap = Readonly<Record<string, string | readonly string[]>>;

/** A request as the proxy layer sees it: endpoint-level filtering already applied. */
export interface ProxyRequest {
  /** Decoded endpoint params by name (the `{name}` of the endpoint path). */
  readonly params: Readonly<Record<string, string>>;
  /** Client query after the endpoint's `inputQueryStrings` filter: key → all its values. */
  readonly query: ReadonlyMap<string, readonly string[]>;
  /** Client headers after the endpoint's `inputHeaders` filter, plus the gateway-set ones. */
  readonly headers: HeaderMap;
  /**
   * The body: a stream (single backend; consumed once), a buffer (each backend sends its own
   * copy), or null for none.
   */
  readonly body: Readable | Buffer | null;
  /** Byte length of `body` when known (a buffer, or the client's `Content-Length`). */
  readonly bodyLength: number | null;
}

/** The backend answer of a `no-op` route, streamed to the client as is (spec §2.3). */
export interface NoopResponse {
  readonly status: number;
  /** Backend headers by lower-cased name, hop-by-hop already removed. */
  readonly headers: Readonly<Record<string, string | string[]>>;
  /** The backend body, not buffered. */
  readonly body: Readable;
}

/** Decoded, formatted data: a JSON object (decoders always produce one). */
export type ProxyData = Record<string, unknown>;

/** What a proxy produces when at least one backend answered (lura `proxy.Response`). */
export interface ProxyResult {
  readonly data: ProxyData;
  /** False when any backend failed, timed out, was pending or answered incompletely. */
  readonly complete: boolean;
  /** Failures of the backends that did not contribute, in declared order. */
  readonly errors: readonly GatewayError[];
  /** Set only on `no-op` routes. */
  readonly noop?: NoopResponse;
}

/** One stage of the pipeline; rejects with a `GatewayError` when nothing can be returned. */
export type Proxy = (req: ProxyRequest, signal: AbortSignal) => Promise<ProxyResult>;
