/**
 * Listening helpers shared by the entry points: start an HTTP server on a host and port and
 * learn the bound address (port 0 picks a free one), and close it without waiting forever.
 */
import { type RequestListener, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A listening server and its URL. */
export interface Listening {
  readonly server: Server;
  /** `http://host:port` as bound. */
  readonly url: string;
  readonly port: number;
}

/** Starts an HTTP server for `listener` on `host:port`. */
export async function listen(listener: RequestListener, host: string, port: number): Promise<Listening> {
  const server = createServer({ keepAliveTimeout: 65_000 }, listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { server, url: `http://${shownHost}:${address.port}`, port: address.port };
}

/** Stops accepting, lets requests in flight finish for up to `graceMs`, then drops the rest. */
export async function closeServer(server: Server, graceMs = 5_000): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  await closed;
  clearTimeout(timer);
}
