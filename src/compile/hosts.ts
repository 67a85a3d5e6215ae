/**
 * Backend origins: KrakenD's host sanitising (`SafeCleanHost`) and the allow-list globs.
 */

// KrakenD's hostPattern, anchored: KrakenD counts unanchored matches and would silently drop
// trailing junk such as `http://h%`, which koaxy rejects instead.
const HOST = /^(https?:\/\/)?([a-zA-Z0-9._-]+)(:[0-9]{2,6})?\/?$/;

/** A sanitised host or why it is invalid. */
export type HostResult = { readonly ok: true; readonly origin: string } | { readonly ok: false; readonly message: string };

/**
 * Sanitises a backend host like KrakenD: missing scheme → `http://`, trailing `/` dropped;
 * anything with a path, another scheme, a one-digit port or other characters is invalid.
 */
export function sanitiseHost(host: string): HostResult {
  const match = HOST.exec(host);
  if (match === null) {
    return {
      ok: false,
      message: `host ${JSON.stringify(host)} not valid: invalid host (expected [http[s]://]name[:port] without a path, like KrakenD's host sanitising)`,
    };
  }
  const port = match[3] ?? '';
  if (port !== '' && Number(port.slice(1)) > 65535) {
    return { ok: false, message: `host ${JSON.stringify(host)} not valid: port ${port.slice(1)} is out of range` };
  }
  return { ok: true, origin: `${match[1] ?? 'http://'}${match[2]}${port}` };
}

function globToRegExp(glob: string): RegExp {
  const source = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/:]*');
  return new RegExp(`^${source}$`);
}

/** Matches sanitised origins against allow-list globs; build once per policy. */
export interface OriginMatcher {
  (origin: string): boolean;
}

/**
 * Builds a matcher for globs such as `http://127.0.0.1:*`: `*` matches characters other than
 * `/` and `:`, a lone `*` matches everything, and an origin without a port is also tried with
 * its scheme's default port (so `http://*:*` allows any http origin).
 */
export function createOriginMatcher(globs: readonly string[]): OriginMatcher {
  if (globs.includes('*')) return () => true;
  const patterns = globs.map(globToRegExp);
  return (origin: string): boolean => {
    const forms = [origin];
    if (!/:[0-9]+$/.test(origin)) forms.push(`${origin}:${origin.startsWith('https://') ? 443 : 80}`);
    return patterns.some((pattern) => forms.some((form) => pattern.test(form)));
  };
}
