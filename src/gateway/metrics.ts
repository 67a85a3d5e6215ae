/**
 * The data plane's Prometheus metrics, registered into the registry the caller owns. Children
 * with route labels are created on a route's first use (a table of 10,000 routes does not hold
 * 10,000 idle histograms) and kept by the route's runtime, so a request only increments; they
 * are removed once their route is in no live table, so route churn over many reloads does not
 * grow the registry without bound.
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
  /** The route-labelled children created so far, for removal when their route is gone. */
  readonly routeChildren: RouteChildren;
}

type RouteMetric = { remove(...values: string[]): void };

/** Remembers which route-labelled children exist, to remove those of routes no table serves. */
export class RouteChildren {
  readonly #byRoute = new Map<string, { metric: RouteMetric; values: string[] }[]>();

  /** Records that `metric` has a child with `values` (the route id first). */
  track(metric: RouteMetric, values: string[]): void {
    const route = values[0]!;
    let list = this.#byRoute.get(route);
    if (list === undefined) this.#byRoute.set(route, (list = []));
    list.push({ metric, values });
  }

  /** Removes the children of every route id not in `live`. */
  retain(live: ReadonlySet<string>): void {
    for (const [route, list] of this.#byRoute) {
      if (live.has(route)) continue;
      for (const { metric, values } of list) metric.remove(...values);
      this.#byRoute.delete(route);
    }
  }
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
    routeChildren: new RouteChildren(),
  };
}
