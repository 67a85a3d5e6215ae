/**
 * The status and admin ports of DESIGN §4.
 *
 * Job: serve health, readiness and Prometheus metrics on the status port (read-only, all
 * interfaces), and the route table and per-resource status on the admin port (127.0.0.1, GET
 * only).
 * Must not import: gateway/, proxy/, compile/ — everything it shows comes in through getters.
 * Invariant: no request to either port can change what is served; every non-GET is refused.
 */
import Router from '@koa/router';
import Koa from 'koa';
import type { Registry } from 'prom-client';
import type { RouteTable } from '../ir/index.ts';
import { redactTable } from './redact.ts';

/** Inputs of the status port. */
export interface StatusAppOptions {
  /** Whether the process is ready to take traffic. */
  readonly ready: () => boolean;
  /** Why it is not ready (shown by `/readyz`). */
  readonly notReadyReason?: () => string;
  /** The registry `/metrics` exposes. */
  readonly registry: Registry;
}

/** Inputs of the admin port. */
export interface AdminAppOptions {
  /** The table served now, or null. */
  readonly routeTable: () => RouteTable | null;
  /** The per-resource status report (`GET /v1/status`). */
  readonly status: () => unknown;
}

/** Creates the Koa app of the status port: `/healthz`, `/readyz`, `/metrics`. */
export function createStatusApp(options: StatusAppOptions): Koa {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.type = 'text/plain';
    ctx.body = 'ok';
  });
  router.get('/readyz', (ctx) => {
    const ready = options.ready();
    ctx.status = ready ? 200 : 503;
    ctx.type = 'text/plain';
    ctx.body = ready ? 'ok' : `not ready: ${options.notReadyReason?.() ?? 'starting'}`;
  });
  router.get('/metrics', async (ctx) => {
    ctx.type = options.registry.contentType;
    ctx.body = await options.registry.metrics();
  });
  return readOnlyApp(router);
}

/** Creates the Koa app of the admin port: `GET /v1/route-table`, `GET /v1/status`. */
export function createAdminApp(options: AdminAppOptions): Koa {
  const router = new Router();
  router.get('/v1/route-table', (ctx) => {
    const table = options.routeTable();
    ctx.type = 'application/json';
    ctx.body = table === null ? { version: null, routes: [] } : redactTable(table);
  });
  router.get('/v1/status', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = options.status();
  });
  return readOnlyApp(router);
}

function readOnlyApp(router: Router): Koa {
  const app = new Koa();
  app.use(async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.status = 405;
      ctx.set('Allow', 'GET, HEAD');
      ctx.type = 'text/plain';
      ctx.body = 'read-only: only GET is allowed';
      return;
    }
    await next();
  });
  app.use(router.routes());
  app.on('error', () => {
    // Client aborts and similar socket errors are not the admin port's business to log.
  });
  return app;
}
