/**
 * Redaction for the debug endpoint: the route table minus what must not leave the pod.
 */
import type { RouteTable } from '../ir/index.ts';

/** Returns the table with credentials in backend URLs replaced by `REDACTED`. */
export function redactTable(table: RouteTable): RouteTable {
  return {
    ...table,
    routes: table.routes.map((route) => ({
      ...route,
      backends: route.backends.map((backend) => ({ ...backend, hosts: backend.hosts.map(redactUserInfo) })),
    })),
  };
}

/** Replaces the user-info part of a URL (`http://user:secret@host`) with `REDACTED`. */
export function redactUserInfo(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1REDACTED@');
}
