/**
 * The data plane's Prometheus metrics, registered into the registry the caller owns. Children
 * with route labels are bound once per table so a request only increments.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The metric families of one gateway. */
export interface GatewayMetrics {
  /** Client requests by route id (`''` when no route matched), method and status. */
  readonly requests: Counter<'route' | 'method' | 'code'>;
  /** Client request duration by route id. */
  readonly duration: Histogram<'route'>;
  /** Backend calls by route id, backend index and outcome (`ok`, `incomplete`, `error`). */
  readonly backends: Counter<'route' | 'backend' | 'outcome'>;
  /** Route table loads by result (`ok`, `error`). */
  readonly swaps: Counter<'result'>;
  /** Routes of the table served now. */
  readonly routes: Gauge;
  /** Requests being served, across all tables. */
  readonly inFlight: Gauge;
}

function once<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

/** Creates (or reuses, when already registered) the gateway's metric families in `registry`. */
export function createGatewayMetrics(registry: Registry): GatewayMetrics {
  const registers = [registry];
  return {
    requests: once(registry, 'koaxy_http_requests_total', () => new Counter({ name: 'koaxy_http_requests_total', help: 'Client requests served by the data plane.', labelNames: ['route', 'method', 'code'] as const, registers })),
    duration: once(registry, 'koaxy_http_request_duration_seconds', () => new Histogram({ name: 'koaxy_http_request_duration_seconds', help: 'Time to answer a client request.', labelNames: ['route'] as const, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers })),
    backends: once(registry, 'koaxy_backend_requests_total', () => new Counter({ name: 'koaxy_backend_requests_total', help: 'Backend calls by outcome.', labelNames: ['route', 'backend', 'outcome'] as const, registers })),
    swaps: once(registry, 'koaxy_route_table_loads_total', () => new Counter({ name: 'koaxy_route_table_loads_total', help: 'Route table loads by result.', labelNames: ['result'] as const, registers })),
    routes: once(registry, 'koaxy_route_table_routes', () => new Gauge({ name: 'koaxy_route_table_routes', help: 'Routes of the table served now.', registers })),
    inFlight: once(registry, 'koaxy_http_requests_in_flight', () => new Gauge({ name: 'koaxy_http_requests_in_flight', help: 'Client requests being served.', registers })),
  };
}
