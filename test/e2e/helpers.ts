/**
 * Helpers of the end-to-end tier: real upstreams on 127.0.0.1:0, a quiet logger, a standalone
 * gateway on free ports, and waiting on the gateway's own counters (never on the clock).
 */
import { type RequestListener, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { type Standalone, startStandalone } from '../../src/cli/standalone.ts';

/** A started upstream and its origin. */
export interface Upstream {
  readonly server: Server;
  readonly origin: string;
  close(): Promise<void>;
}

/** Starts an upstream on a free loopback port. */
export async function startUpstream(handler: RequestListener): Promise<Upstream> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Starts `koaxy standalone` in this process on free ports. */
export function startGateway(paths: readonly string[], debounceMs = 10): Promise<Standalone> {
  return startStandalone({
    paths,
    bind: '127.0.0.1',
    port: 0,
    statusPort: 0,
    adminPort: 0,
    logger: pino({ level: 'silent' }),
    versionHeader: 'Version koaxy-test',
    debounceMs,
  });
}

/** Resolves once `predicate()` holds, re-checking after every snapshot the gateway applies. */
export async function waitFor(gateway: Standalone, predicate: () => boolean, what: string, limit = 200): Promise<void> {
  for (let i = 0; i < limit && !predicate(); i++) {
    await new Promise((resolve) => gateway.events.once('applied', resolve));
  }
  if (!predicate()) throw new Error(`gave up waiting for ${what} after ${limit} snapshots`);
}
