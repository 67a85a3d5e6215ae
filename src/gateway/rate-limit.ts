/**
 * `qos/ratelimit/router` (spec §7.1): a global bucket per route (503 when empty) and one bucket
 * per client (429 when empty or when the request has no client key); the client check runs
 * first. Buckets live in the gateway's `QosState`, so an unchanged route keeps them across swaps.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { Route } from '../ir/index.ts';
import { type GatewayError, KeyedBuckets, type QosState, TokenBucket, gatewayError } from '../proxy/index.ts';
import { clientIp } from './client-request.ts';

/** Checks one request; null when it may pass, else the 429/503 to answer (empty body, no X-Krakend). */
export type RouterLimiter = (req: IncomingMessage, params: Readonly<Record<string, string>>) => GatewayError | null;

/** The IP of the `ip` strategy: the first entry of the `key` header when it is an IP (port stripped), else gin's ClientIP. */
function ipKey(req: IncomingMessage, header: string): string {
  if (header !== '') {
    const value = req.headers[header];
    const first = (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim() ?? '';
    if (isIP(first) !== 0) return first;
    const v4 = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(first) ?? /^\[([^\]]+)\]:\d+$/.exec(first);
    if (v4 !== null && isIP(v4[1]!) !== 0) return v4[1]!;
  }
  return clientIp(req);
}

type KeyOf = (req: IncomingMessage, params: Readonly<Record<string, string>>) => string;

function clientKey(strategy: 'ip' | 'header' | 'param', key: string): KeyOf {
  if (strategy === 'ip') return (req) => ipKey(req, key);
  if (strategy === 'header') {
    return (req) => {
      const value = req.headers[key];
      return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
    };
  }
  return (_, params) => params[key] ?? '';
}

/** Builds the limiter of `route`, or null when the route has none. */
export function createRouterLimiter(route: Route, state: QosState): RouterLimiter | null {
  const config = route.rateLimit;
  if (config === undefined) return null;
  const global = config.global;
  const bucket = global === undefined ? null : state.get(JSON.stringify(['router-ratelimit', route.id, global]), () => new TokenBucket(global, state.now));
  const client = config.client;
  const clients = client === undefined ? null : state.get(JSON.stringify(['router-ratelimit-client', route.id, client]), () => new KeyedBuckets(client, state.now));
  const keyOf = client === undefined ? null : clientKey(client.strategy, client.key);
  return (req, params) => {
    if (clients !== null) {
      const key = keyOf!(req, params);
      if (key === '' || !clients.allow(key)) return gatewayError('KOAXY_RATE_LIMITED');
    }
    if (bucket !== null && !bucket.allow()) return gatewayError('KOAXY_SERVICE_RATE_LIMITED');
    return null;
  };
}
