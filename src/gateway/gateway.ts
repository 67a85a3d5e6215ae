/**
 * The Koa data plane. Layers, outermost first (each a `(ctx, next)` middleware):
 *   1. accounting — pins the table the request starts on (it finishes there whatever `load()`
 *                   does meanwhile), counts it in flight until the response closes, records
 *                   status and duration, and is the last-resort error boundary;
 *   2. dispatch   — route match (404/405; a CORS preflight is answered on the miss; gin's
 *                   trailing-slash and fixed-path redirects, `GET /__health`: redirect.ts), param
 *                   checker (400), CORS headers, JWT (401/403), router rate limit (429/503),
 *                   request reading (413), the route's proxy stack, the response writer.
 * Koa's own response handling is bypassed (`ctx.respond = false`): respond.ts writes every byte.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import Koa from 'koa';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Backend, Route, RouteTable } from '../ir/index.ts';
import { type BackendOutcome, PoolRegistry, QosState, gatewayError, toGatewayError } from '../proxy/index.ts';
import { type GatewayMetrics, createGatewayMetrics } from './metrics.ts';
import { resolveRoute } from './match.ts';
import { corsAtPath, isPreflight } from './cors.ts';
import { X_KRAKEND, writeError, writeNoop, writeResult, writeRouterMiss } from './respond.ts';
import type { RouteRuntime, TableRuntime } from './runtime.ts';
import { TableSlot } from './table-slot.ts';
import { writeRedirect } from './redirect.ts';
import { writeHealth } from './health.ts';

/** Options of {@link createGateway}. */
export interface GatewayOptions {
  readonly logger: Logger;
  /** Where request, backend and table-load metrics are registered. */
  readonly registry: Registry;
  /** Value of `X-Krakend`, e.g. `Version koaxy-0.1.0`. */
  readonly versionHeader: string;
  /** Largest client body accepted, in bytes (413 above). @default 10 MiB */
  readonly maxBodyBytes?: number;
  /** Connection pools shared across tables. @default a registry owned (and closed) by the gateway */
  readonly pools?: PoolRegistry;
  /** Rate limiters, circuit breakers and HTTP caches kept across tables (tests inject a clock). @default new QosState() */
  readonly state?: QosState;
}

/** A running data plane whose route table can be swapped without dropping a request. */
export interface Gateway {
  /** The request listener for `http.createServer`. */
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  /** Builds the runtime of `table` off the request path and swaps it in; throws (keeping the old one) on failure. */
  load(table: RouteTable): void;
  /** The table served now, or null before the first load. */
  readonly table: RouteTable | null;
  /** True once a table is loaded. */
  readonly ready: boolean;
  /** The connection pools (tests look at which origins are open). */
  readonly pools: PoolRegistry;
  /** Closes the pools the gateway owns; the HTTP server is the caller's. */
  close(): Promise<void>;
}

type Settings = GatewayOptions & { readonly maxBodyBytes: number };
type State = { runtime: TableRuntime; entry: RouteRuntime | null };

const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

function accounting(slot: TableSlot, metrics: GatewayMetrics, logger: Logger): Koa.Middleware<State> {
  return async (ctx, next) => {
    ctx.respond = false;
    const runtime = slot.current;
    if (runtime === null) return writeError(ctx.res, gatewayError('KOAXY_NO_ROUTE_TABLE'), false);
    const started = performance.now();
    runtime.enter();
    metrics.inFlight.inc();
    ctx.res.once('close', () => {
      metrics.inFlight.dec();
      runtime.leave();
    });
    ctx.state.runtime = runtime;
    ctx.state.entry = null;
    try {
      await next();
    } catch (err) {
      logger.error({ err }, 'request failed unexpectedly');
      writeError(ctx.res, toGatewayError(err), false);
    }
    const entry = ctx.state.entry as RouteRuntime | null;
    if (entry !== null) entry.observe(entry.route.method, ctx.res.statusCode, (performance.now() - started) / 1000);
    else metrics.requests.labels('', ctx.req.method ?? '', String(ctx.res.statusCode)).inc();
  };
}

function dispatch(settings: Settings): Koa.Middleware<State> {
  return async (ctx) => {
    const { req, res } = ctx;
    const match = resolveRoute(ctx.state.runtime, req.method ?? 'GET', req.url ?? '/');
    if (match.kind === 'miss') {
      // No route answers OPTIONS: a CORS preflight is answered here, before routing, without X-Krakend.
      if (isPreflight(req) && corsAtPath(ctx.state.runtime, req)?.preflight(req, res) === true) return;
      if (match.error.status === 404 || match.error.status === 405) writeRouterMiss(res, settings.versionHeader, match.error);
      else writeError(res, match.error, false);
      return;
    }
    if (match.kind === 'redirect') return writeRedirect(res, req.method ?? 'GET', match.redirect);
    if (match.kind === 'health') return writeHealth(res);
    const entry = (ctx.state.entry = match.runtime);
    entry.cors?.actual(req, res);
    let params = match.params;
    if (entry.authorize !== null) {
      const auth = await entry.authorize(req, params);
      if (auth.error !== undefined) return writeError(res, auth.error, false);
      params = auth.params;
    }
    const limited = entry.limit?.(req, params) ?? null;
    if (limited !== null) return writeError(res, limited, false);
    res.setHeader(X_KRAKEND, settings.versionHeader);
    const controller = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) controller.abort(gatewayError('KOAXY_CLIENT_CANCELED'));
    });
    let body: unknown = null;
    try {
      const request = await entry.read(req, match.rawQuery, params);
      body = request.body;
      const result = await entry.proxy(request, controller.signal);
      if (result.noop !== undefined) writeNoop(res, result.noop);
      else writeResult(res, entry, result, req.headers.accept);
    } catch (err) {
      const tooLarge = typeof body === 'object' && body !== null && (body as { exceeded?: boolean }).exceeded === true;
      const error = tooLarge ? gatewayError('KOAXY_BODY_TOO_LARGE') : toGatewayError(err);
      if (error.code === 'KOAXY_INTERNAL') settings.logger.error({ err, route: entry.route.id }, 'request failed unexpectedly');
      else settings.logger.debug({ err: error, route: entry.route.id }, 'request failed');
      writeError(res, error, true, entry.route.returnErrorMsg === true);
    }
  };
}

function backendObserver(metrics: GatewayMetrics): (route: Route, backend: Backend) => (outcome: BackendOutcome) => void {
  return (route, backend) => {
    const children = new Map<BackendOutcome, { inc(): void }>();
    return (outcome) => {
      let child = children.get(outcome);
      if (child === undefined) {
        const values = [route.id, String(backend.index), outcome];
        children.set(outcome, (child = metrics.backends.labels(...values)));
        metrics.routeChildren.track(metrics.backends, values);
      }
      child.inc();
    };
  };
}

/** Creates the data plane; it answers 503 until the first `load()`. */
export function createGateway(options: GatewayOptions): Gateway {
  const settings: Settings = { ...options, maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES };
  const metrics = createGatewayMetrics(options.registry);
  const pools = options.pools ?? new PoolRegistry();
  const state = options.state ?? new QosState();
  const slot = new TableSlot({ ...settings, pools, state, metrics, observeBackend: backendObserver(metrics) }, options.logger);

  const app = new Koa();
  app.on('error', (err: unknown) => options.logger.error({ err }, 'unexpected error in the data plane'));
  app.use(accounting(slot, metrics, options.logger));
  app.use(dispatch(settings));

  return {
    callback: () => app.callback(),
    load: (table) => slot.load(table),
    get table() {
      return slot.current?.table ?? null;
    },
    get ready() {
      return slot.current !== null;
    },
    pools,
    close: () => (options.pools === undefined ? pools.close() : Promise.resolve()),
  };
}
