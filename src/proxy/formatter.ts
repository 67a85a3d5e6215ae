/**
 * The entity formatter (spec §4.1–§4.5, lura `proxy/formatter.go`): target → allow (when
 * non-empty) else deny → mapping → group, applied to each successful backend response.
 * Everything that depends only on the backend is built once here; the returned function is the
 * per-request part.
 */
import type { Backend } from '../ir/index.ts';
import { createFlatmap } from './flatmap.ts';
import { isJsonObject, setKey } from './json.ts';

/** Formats one decoded backend response; may change and return the object it is given. */
export type EntityFormatter = (data: Record<string, unknown>) => Record<string, unknown>;

/** An allow tree: `true` keeps the whole value, a subtree keeps what survives inside an object. */
type AllowTree = Map<string, AllowTree | true>;

/** A deny tree: `null` deletes the key, a subtree is followed through objects only. */
type DenyTree = Map<string, DenyTree | null>;

/**
 * Builds the allow tree like lura's `buildDictPath`: a path walks existing subtrees and creates
 * missing ones (replacing a leaf), then its last segment becomes a leaf (replacing a subtree). So
 * order matters: `["a", "a.b"]` keeps only `a.b`, `["a.b", "a"]` keeps all of `a`.
 */
function buildAllowTree(paths: readonly string[]): AllowTree {
  const root: AllowTree = new Map();
  for (const path of paths) {
    const fields = path.split('.');
    const last = fields.pop()!;
    let node = root;
    for (const field of fields) {
      const child = node.get(field);
      if (child instanceof Map) {
        node = child;
      } else {
        const created: AllowTree = new Map();
        node.set(field, created);
        node = created;
      }
    }
    node.set(last, true);
  }
  return root;
}

/** Builds the deny tree; a path that ends at a key deletes it whatever else is listed below it. */
function buildDenyTree(paths: readonly string[]): DenyTree {
  const root: DenyTree = new Map();
  for (const path of paths) {
    const fields = path.split('.');
    const last = fields.pop()!;
    let node: DenyTree | null = root;
    for (const field of fields) {
      const child: DenyTree | null | undefined = node.get(field);
      if (child === null) {
        node = null;
        break;
      }
      if (child === undefined) {
        const created: DenyTree = new Map();
        node.set(field, created);
        node = created;
      } else {
        node = child;
      }
    }
    node?.set(last, null);
  }
  return root;
}

/**
 * Keeps what the allow tree lists (lura `AllowlistPrune`): a leaf keeps any value; a subtree
 * keeps an object value if something survives inside it; everything else is dropped. Returns a
 * new object, or `null` when nothing survives. Arrays are never traversed.
 */
function allowPick(tree: AllowTree, data: Record<string, unknown>): Record<string, unknown> | null {
  let out: Record<string, unknown> | null = null;
  for (const [key, sub] of tree) {
    if (!Object.hasOwn(data, key)) continue;
    const value = data[key];
    if (sub === true) {
      setKey((out ??= {}), key, value);
    } else if (isJsonObject(value)) {
      const kept = allowPick(sub, value);
      if (kept !== null) setKey((out ??= {}), key, kept);
    }
  }
  return out;
}

/** Deletes what the deny tree lists, in place; parents stay even when they end up empty. */
function denyDelete(tree: DenyTree, data: Record<string, unknown>): void {
  for (const [key, sub] of tree) {
    if (!Object.hasOwn(data, key)) continue;
    if (sub === null) {
      delete data[key];
    } else {
      const value = data[key];
      if (isJsonObject(value)) denyDelete(sub, value);
    }
  }
}

/** Follows `target` through objects only; anything else along the path yields `{}`. */
function extractTarget(segments: readonly string[], data: Record<string, unknown>): Record<string, unknown> {
  let current = data;
  for (const segment of segments) {
    const next = Object.hasOwn(current, segment) ? current[segment] : undefined;
    if (!isJsonObject(next)) return {};
    current = next;
  }
  return current;
}

function isEmpty(data: Record<string, unknown>): boolean {
  for (const _ in data) return false;
  return true;
}

/**
 * Renames top-level keys like lura: the value moves to the new name (overwriting it) and the
 * old key is deleted afterwards, so a mapping onto itself removes the key, as in KrakenD.
 */
function applyMapping(mapping: readonly (readonly [string, string])[], data: Record<string, unknown>): void {
  for (const [from, to] of mapping) {
    if (!Object.hasOwn(data, from)) continue;
    setKey(data, to, data[from]);
    delete data[from];
  }
}

const identity: EntityFormatter = (data) => data;

/** lura's `flatmapFormatter`: target → flatmap ops → group; allow, deny and mapping are ignored. */
function flatmapFormatter(target: readonly string[] | null, ops: EntityFormatter, group: string | null): EntityFormatter {
  return (input) => {
    const data = ops(target === null ? input : extractTarget(target, input));
    if (group === null) return data;
    const grouped: Record<string, unknown> = {};
    setKey(grouped, group, data);
    return grouped;
  };
}

/**
 * Builds the per-request formatter of a backend from its target, allow/deny, mapping and group
 * (or target, flatmap and group when `flatmap_filter` is set). The formatter may change the freshly decoded object it is
 * given (deny and mapping work in place) and returns the formatted data; when nothing is
 * configured it is the identity.
 */
export function createEntityFormatter(backend: Backend): EntityFormatter {
  const target = backend.target === '' ? null : backend.target.split('.');
  const allow = backend.allow.length > 0 ? buildAllowTree(backend.allow) : null;
  const deny = allow === null && backend.deny.length > 0 ? buildDenyTree(backend.deny) : null;
  // lura keeps only the part of the new name before the first dot.
  const mapping = backend.mapping.map(([from, to]) => [from, to.split('.')[0]!] as const);
  const group = backend.group === '' ? null : backend.group;
  if (backend.flatmap !== undefined && backend.flatmap.length > 0) return flatmapFormatter(target, createFlatmap(backend.flatmap), group);
  if (target === null && allow === null && deny === null && mapping.length === 0 && group === null) return identity;

  return (input) => {
    let data = target === null ? input : extractTarget(target, input);
    if (allow !== null) data = allowPick(allow, data) ?? {};
    else if (deny !== null) denyDelete(deny, data);
    if (mapping.length > 0 && !isEmpty(data)) applyMapping(mapping, data);
    if (group === null) return data;
    const grouped: Record<string, unknown> = {};
    setKey(grouped, group, data);
    return grouped;
  };
}
