/**
 * KrakenD's health endpoint on the data port (spec §6.2): `GET /__health` answers 200 with
 * `{"agents":{},"now":"<time>","status":"ok"}` (gin's `c.JSON`, keys sorted). koaxy has no
 * async agents, so `agents` is always empty; `now` is Go's `time.Time.String()` in UTC.
 */
import type { ServerResponse } from 'node:http';

/** Go's `time.Time.String()` of `date` in UTC, without the monotonic clock reading. */
export function goTimeString(date: Date): string {
  const iso = date.toISOString(); // 2006-01-02T15:04:05.000Z
  const millis = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${millis === '' ? '' : `.${millis}`} +0000 UTC`;
}

/** Writes the health answer. */
export function writeHealth(res: ServerResponse, now: Date = new Date()): void {
  const body = JSON.stringify({ agents: {}, now: goTimeString(now), status: 'ok' });
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}
