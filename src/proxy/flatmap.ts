/**
 * `flatmap_filter` (spec §4.6): the operations of github.com/krakend/flatmap's `tree` package,
 * reproduced with its quirks. The data becomes a tree of labelled edges (object keys, array
 * indexes as text); `move`, `del` and `append` rewrite edges; the tree is expanded back (an
 * array node lists its children in edge order, whatever their labels).
 */
import type { FlatmapOp } from '../ir/index.ts';
import { isJsonObject, setKey } from './json.ts';

const WILDCARD = '*';

interface Node {
  /** Leaf value (also an empty object or array). */
  value: unknown;
  isCollection: boolean;
  edges: Edge[];
}

interface Edge {
  label: string;
  node: Node;
}

function newNode(): Node {
  return { value: undefined, isCollection: false, edges: [] };
}

function flatten(node: Node, value: unknown): void {
  if (Array.isArray(value)) {
    node.isCollection = true;
    if (value.length === 0) node.value = value;
    value.forEach((item, i) => add(node, [String(i)], item));
  } else if (isJsonObject(value)) {
    node.isCollection = false;
    const keys = Object.keys(value);
    if (keys.length === 0) node.value = value;
    for (const key of keys) add(node, [key], value[key]);
  } else {
    node.isCollection = false;
    node.value = value;
  }
}

function add(node: Node, keys: readonly string[], value: unknown): void {
  if (keys.length === 0) return flatten(node, value);
  const edge = node.edges.find((e) => e.label === keys[0]);
  if (edge !== undefined) return add(edge.node, keys.slice(1), value);
  const child = newNode();
  node.edges.push({ label: keys[0]!, node: child });
  add(child, keys.slice(1), value);
}

function del(node: Node, keys: readonly string[]): void {
  if (keys.length === 0 || node.edges.length === 0) return;
  if (keys[0] === WILDCARD) {
    if (keys.length > 1) for (const e of node.edges) del(e.node, keys.slice(1));
    else node.edges = [];
    return;
  }
  const i = node.edges.findIndex((e) => e.label === keys[0]);
  if (i === -1) return;
  if (keys.length === 1) node.edges.splice(i, 1);
  else del(node.edges[i]!.node, keys.slice(1));
}

function get(node: Node, keys: readonly string[]): unknown {
  if (node.edges.length === 0 && keys.length > 0) return null;
  if (keys.length === 0) return expand(node);
  if (keys[0] === WILDCARD) return node.edges.map((e) => get(e.node, keys.slice(1)));
  const edge = node.edges.find((e) => e.label === keys[0]);
  return edge === undefined ? null : get(edge.node, keys.slice(1));
}

function expand(node: Node): unknown {
  if (node.edges.length === 0) return node.value ?? null;
  if (node.isCollection) return node.edges.map((e) => expand(e.node));
  const out: Record<string, unknown> = {};
  for (const e of node.edges) setKey(out, e.label, expand(e.node));
  return out;
}

type Candidate = { node: Node; path: string[] };

function candidates(root: Node, prefix: readonly string[]): Candidate[] {
  let next: Candidate[] = [{ node: root, path: [] }];
  for (const step of prefix) {
    const acc: Candidate[] = [];
    for (const c of next) {
      for (const e of c.node.edges) {
        if (step !== WILDCARD && step !== e.label) continue;
        acc.push({ node: e.node, path: [...c.path, e.label] });
        if (step !== WILDCARD) break;
      }
    }
    next = acc;
  }
  return next;
}

/** `Tree.Move`: same length relabels the last segment; shorter dst promotes; longer embeds. */
function move(root: Node, src: readonly string[], dst: readonly string[]): void {
  const last = src[src.length - 1]!;
  const relabel = src.length === dst.length;
  const moved: { from: Candidate; edge: Edge }[] = [];
  for (const c of candidates(root, src.slice(0, -1))) {
    const i = c.node.edges.findIndex((e) => e.label === last);
    if (i === -1) continue;
    const edge = c.node.edges[i]!;
    if (relabel) {
      edge.label = dst[dst.length - 1]!;
      continue;
    }
    moved.push({ from: c, edge });
    c.node.edges.splice(i, 1);
  }
  if (relabel) return;
  if (src.length > dst.length) {
    for (const { from, edge } of moved) {
      let parent = root;
      for (let i = 0; i < dst.length - 1; i++) {
        const label = dst[i] === WILDCARD ? from.path[i] : dst[i];
        const found = parent.edges.find((e) => e.label === label);
        if (found === undefined) break;
        parent = found.node;
      }
      edge.label = dst[dst.length - 1]!;
      parent.edges.push(edge);
    }
    return;
  }
  const rest = dst.slice(src.length - 1);
  for (const { from, edge } of moved) {
    let parent = from.node;
    for (const key of rest.slice(0, -1)) {
      let found = parent.edges.find((e) => e.label === key);
      if (found === undefined) parent.edges.push((found = { label: key, node: newNode() }));
      parent = found.node;
    }
    edge.label = rest[rest.length - 1]!;
    parent.edges.push(edge);
  }
}

/** `Tree.Append`: when both paths hold lists, dst becomes dst + src and src is deleted. */
function append(root: Node, src: readonly string[], dst: readonly string[]): void {
  const from = get(root, src);
  const to = get(root, dst);
  if (!Array.isArray(from) || !Array.isArray(to)) return;
  add(root, dst, [...to, ...from]);
  del(root, src);
}

/** Builds the flatmap transformation of `ops`; the result is always an object (`{}` if not). */
export function createFlatmap(ops: readonly FlatmapOp[]): (data: Record<string, unknown>) => Record<string, unknown> {
  return (data) => {
    const root = newNode();
    flatten(root, data);
    for (const op of ops) {
      const [a, b] = op.args;
      if (op.type === 'del') for (const path of op.args) del(root, path);
      else if (op.type === 'move' && a !== undefined && b !== undefined && a.length > 0 && b.length > 0) move(root, a, b);
      else if (op.type === 'append' && a !== undefined && b !== undefined) append(root, a, b);
    }
    const out = expand(root);
    return isJsonObject(out) ? out : {};
  };
}
