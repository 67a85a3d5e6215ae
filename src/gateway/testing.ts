/**
 * Test support for the gateway (used only by `*.test.ts`): a gateway behind a real HTTP server
 * on 127.0.0.1:0, and a client that returns status, headers and body exactly as received.
 */
import { type IncomingHttpHeaders, type Server, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { Registry } from 'prom-client';
import type { RouteTable } from '../ir/index.ts';
import { type Gateway, createGateway } from './gateway.ts';

/** Value of `X-Krakend` in tests. */
export const VERSION_HEADER = 'Version test';

/** A gateway listening on a loopback port. */
export interface TestGateway {
  readonly url: string;
  readonly port: number;
  readonly gateway: Gateway;
  readonly registry: Registry;
  readonly server: Server;
  close(): Promise<void>;
}

/** Starts a gateway serving `table` (when given) behind `http.createServer`. */
export async function startGateway(table?: RouteTable, options: { maxBodyBytes?: number } = {}): Promise<TestGateway> {
  const registry = new Registry();
  const gateway = createGateway({ logger: pino({ level: 'silent' }), registry, versionHeader: VERSION_HEADER, ...options });
  if (table !== undefined) gateway.load(table);
  const server = createServer(gateway.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    gateway,
    registry,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await gateway.close();
    },
  };
}

/** A response as the client received it. */
export interface ClientResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** Raw header pairs, to see repeated headers such as two `Set-Cookie`. */
  readonly rawHeaders: readonly string[];
  readonly body: string;
}

/** Options of {@link send}. */
export interface SendOptions {
  readonly method?: string;
  readonly headers?: Record<string, string | string[]>;
  readonly body?: string | Buffer;
  /** Send the body chunked (no Content-Length). */
  readonly chunked?: boolean;
}

/** Sends one request with `node:http` (no client-side normalisation) and reads the whole answer. */
export function send(base: string, path: string, options: SendOptions = {}): Promise<ClientResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | string[]> = { ...options.headers };
    if (options.body !== undefined && !options.chunked) headers['content-length'] = String(Buffer.byteLength(options.body));
    const req = httpRequest({ host: url.hostname, port: url.port, method: options.method ?? 'GET', path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}
