/**
 * The data plane with its three ports, as both `koaxy standalone` and `koaxy proxy` run it: a
 * gateway with its own metrics registry, the data port, the status port (health, readiness,
 * metrics) and the admin port (127.0.0.1, GET only). What feeds the gateway tables is the
 * caller's business.
 */
import type { Logger } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { createAdminApp, createStatusApp } from '../admin/index.ts';
import { type Gateway, createGateway } from '../gateway/index.ts';
import { type Listening, closeServer, listen } from './servers.ts';

/** Where and how to serve. */
export interface ServeOptions {
  /** Address of the data and status ports (the admin port always binds 127.0.0.1). */
  readonly bind: string;
  readonly port: number;
  readonly statusPort: number;
  readonly adminPort: number;
  readonly logger: Logger;
  /** Value of the `X-Krakend` header. */
  readonly versionHeader: string;
}

/** A gateway, not yet listening, and how to open its ports. */
export interface ServedGateway {
  readonly gateway: Gateway;
  /** Opens the three ports; `report` is what `GET /v1/status` shows. */
  listen(why: { readonly notReadyReason: () => string; readonly report: () => unknown }): Promise<Ports>;
}

/** The open ports of a served gateway. */
export interface Ports {
  readonly data: Listening;
  readonly status: Listening;
  readonly admin: Listening;
  /** Closes the three ports (letting requests in flight finish), then the gateway's pools. */
  close(): Promise<void>;
}

/** Creates the gateway with its registry; the ports open on `listen()`. */
export function createServedGateway(options: ServeOptions): ServedGateway {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const gateway = createGateway({ logger: options.logger, registry, versionHeader: options.versionHeader });
  return {
    gateway,
    async listen({ notReadyReason, report }) {
      const data = await listen(gateway.callback(), options.bind, options.port);
      const status = await listen(createStatusApp({ ready: () => gateway.ready, notReadyReason, registry }).callback(), options.bind, options.statusPort);
      const admin = await listen(createAdminApp({ routeTable: () => gateway.table, status: report }).callback(), '127.0.0.1', options.adminPort);
      return {
        data,
        status,
        admin,
        async close() {
          await Promise.all([closeServer(data.server), closeServer(status.server), closeServer(admin.server)]);
          await gateway.close();
        },
      };
    },
  };
}
