/**
 * The process logger (pino), with an error serializer that keeps Kubernetes API failures to one
 * readable line: client-node's ApiException carries the whole response (headers included) in its
 * message, which buried the reason (`storage is (re)initializing`, `forbidden`) in a 3 KB line.
 */
import { type Logger, pino } from 'pino';

interface ApiFailure {
  readonly code: number;
  readonly body: unknown;
}

function isApiFailure(err: unknown): err is Error & ApiFailure {
  return err instanceof Error && typeof (err as Partial<ApiFailure>).code === 'number' && 'body' in err;
}

/** Serializes an error for the log; API failures become `{type, code, reason, message}`. */
export function serializeError(err: unknown): unknown {
  if (!isApiFailure(err)) return pino.stdSerializers.err(err as Error);
  let status: { reason?: string; message?: string } = {};
  try {
    status = typeof err.body === 'string' ? (JSON.parse(err.body) as typeof status) : ((err.body ?? {}) as typeof status);
  } catch {
    // Not a Status object: keep the first line of the message below.
  }
  return { type: err.name, code: err.code, reason: status.reason, message: status.message ?? err.message.split('\n')[0] };
}

/** Creates the logger of a koaxy command. */
export function createLogger(level: string): Logger {
  return pino({ level, serializers: { err: serializeError } });
}
