/**
 * Resource names: a DNS-1123 subdomain-safe label derived from the method and the path
 * (`GET /users/{id}` → `get-users-id`), deduplicated deterministically in file order.
 */

const MAX_NAME = 63;

/** The base name of an endpoint: method and path lower-cased, every other run of characters a `-`. */
export function baseName(method: string, path: string): string {
  const slug = `${method}-${path === '/' ? 'root' : path}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return trimName(slug === '' ? 'endpoint' : slug, MAX_NAME);
}

function trimName(name: string, max: number): string {
  return name.slice(0, max).replace(/-+$/g, '');
}

/**
 * Gives every base name a unique final name: the first holder keeps it, later ones get `-2`,
 * `-3`, … (skipping names another endpoint already holds), so the same file always yields the
 * same names.
 */
export function uniqueNames(bases: readonly string[]): string[] {
  const taken = new Set<string>(bases);
  const used = new Set<string>();
  return bases.map((base) => {
    if (!used.has(base)) {
      used.add(base);
      return base;
    }
    for (let n = 2; ; n++) {
      const suffix = `-${n}`;
      const candidate = `${trimName(base, MAX_NAME - suffix.length)}${suffix}`;
      if (!used.has(candidate) && !taken.has(candidate)) {
        used.add(candidate);
        return candidate;
      }
    }
  });
}
