/**
 * Route conflicts as gin would find them (spec §6.3), per method: the same path twice, or two
 * different param names at the same position after the same prefix. Static and param siblings
 * (`/user/{id}` and `/user/new`) are fine. A trie keeps this linear in the number of segments.
 */
import type { HttpMethod } from '../ir/index.ts';

interface Node {
  readonly statics: Map<string, Node>;
  param: { readonly name: string; readonly owner: string; readonly node: Node } | null;
  owner: string | null;
}

/** Why a route cannot be added: the owner that holds the clashing route and a sentence. */
export interface Conflict {
  readonly winner: string;
  readonly message: string;
}

function newNode(): Node {
  return { statics: new Map(), param: null, owner: null };
}

function segments(path: string): string[] {
  return path.split('/').slice(1);
}

function paramName(segment: string): string | null {
  return segment.startsWith('{') && segment.endsWith('}') ? segment.slice(1, -1) : null;
}

/** Per-method tries of accepted routes; routes are added winners first. */
export class RouteTrie {
  readonly #roots = new Map<HttpMethod, Node>();

  /** The conflict `path` would cause for `method`, or `null` when it can be added. */
  check(method: HttpMethod, path: string): Conflict | null {
    let node: Node | undefined = this.#roots.get(method);
    for (const segment of segments(path)) {
      if (node === undefined) return null;
      const name = paramName(segment);
      if (name === null) {
        node = node.statics.get(segment);
        continue;
      }
      if (node.param !== null && node.param.name !== name) {
        return {
          winner: node.param.owner,
          message: `{${name}} clashes with {${node.param.name}} at the same position of a ${method} route of ${node.param.owner}`,
        };
      }
      node = node.param?.node;
    }
    if (node?.owner != null) return { winner: node.owner, message: `${method} ${path} is already served by ${node.owner}` };
    return null;
  }

  /** Adds a route owned by `owner`; call only after `check` returned `null`. */
  add(method: HttpMethod, path: string, owner: string): void {
    let node: Node | undefined = this.#roots.get(method);
    if (node === undefined) {
      node = newNode();
      this.#roots.set(method, node);
    }
    for (const segment of segments(path)) {
      const name = paramName(segment);
      if (name === null) {
        let next: Node | undefined = node.statics.get(segment);
        if (next === undefined) {
          next = newNode();
          node.statics.set(segment, next);
        }
        node = next;
      } else {
        node.param ??= { name, owner, node: newNode() };
        node = node.param.node;
      }
    }
    node.owner = owner;
  }
}
