/**
 * The file source: GatewayEndpoint manifests read from files and folders (standalone mode).
 *
 * Job: turn the YAML files under the given paths into the full current set of resources, with
 * the metadata an API server would have added (namespace, generation, creationTimestamp), and
 * report that set again, debounced, whenever a file changes.
 * Must not import: gateway/, proxy/ (a source knows resources, not how they are served).
 * Invariant: a file that cannot be read or parsed keeps contributing what it last contributed,
 * and says why in `problems`; nothing the operator wrote is dropped silently.
 */
import { type FSWatcher, readdirSync, readFileSync, statSync, watch } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { ResourceInput } from '../compile/index.ts';
import { type Debouncer, createDebouncer } from './debounce.ts';

/** A file that could not be used, with the reason; its last good content keeps serving. */
export interface FileProblem {
  /** The file's path as given or found. */
  readonly file: string;
  /** Why it was not used. */
  readonly message: string;
}

/** One snapshot of everything the files describe. */
export interface FileSnapshot {
  /** Every GatewayEndpoint found, sorted by `namespace/name`. */
  readonly resources: readonly ResourceInput[];
  /** Files (or documents) that could not be used. */
  readonly problems: readonly FileProblem[];
}

/** Options of {@link FileSource}. */
export interface FileSourceOptions {
  /** Files or folders; folders contribute their `*.yaml`, `*.yml` and `*.json` files. */
  readonly paths: readonly string[];
  /** Namespace given to manifests without one. @default "default" */
  readonly defaultNamespace?: string;
  /** Hold-off after a change before re-reading, in milliseconds. @default 25 */
  readonly debounceMs?: number;
  /** The clock used for `creationTimestamp` of newly seen resources. @default Date.now */
  readonly now?: () => number;
}

const API_VERSION = 'gateway.koaxy.dev/v1alpha1';
const KIND = 'GatewayEndpoint';

interface Known {
  readonly specJson: string;
  readonly generation: number;
  readonly creationTimestamp: string;
}

interface Parsed {
  readonly docs: readonly Record<string, unknown>[];
  readonly problems: readonly FileProblem[];
}

/** Reads manifests from files and folders and follows their changes. */
export class FileSource {
  readonly #paths: readonly string[];
  readonly #namespace: string;
  readonly #now: () => number;
  readonly #debouncer: Debouncer;
  readonly #lastGood = new Map<string, readonly Record<string, unknown>[]>();
  readonly #known = new Map<string, Known>();
  #watchers: FSWatcher[] = [];
  #listener: ((snapshot: FileSnapshot) => void) | null = null;

  constructor(options: FileSourceOptions) {
    this.#paths = options.paths.map((p) => resolve(p));
    this.#namespace = options.defaultNamespace ?? 'default';
    this.#now = options.now ?? Date.now;
    this.#debouncer = createDebouncer(options.debounceMs ?? 25, 10 * (options.debounceMs ?? 25), () => this.#emit());
  }

  /** Reads every file once and returns the snapshot (no watching). */
  read(): FileSnapshot {
    const problems: FileProblem[] = [];
    const docs: { file: string; doc: Record<string, unknown> }[] = [];
    for (const file of this.#files(problems)) {
      const parsed = this.#readFile(file);
      problems.push(...parsed.problems);
      for (const doc of parsed.docs) docs.push({ file, doc });
    }
    return { resources: this.#toResources(docs, problems), problems };
  }

  /** Starts watching; `listener` gets the first snapshot at once and one after every change. */
  start(listener: (snapshot: FileSnapshot) => void): void {
    this.#listener = listener;
    for (const dir of this.#watchedDirs()) {
      const watcher = watch(dir, { persistent: true }, () => this.#debouncer.poke());
      watcher.on('error', () => this.#debouncer.poke());
      this.#watchers.push(watcher);
    }
    this.#emit();
  }

  /** Stops watching. */
  stop(): void {
    this.#debouncer.cancel();
    for (const watcher of this.#watchers) watcher.close();
    this.#watchers = [];
    this.#listener = null;
  }

  #emit(): void {
    this.#listener?.(this.read());
  }

  #watchedDirs(): string[] {
    const dirs = new Set<string>();
    for (const path of this.#paths) {
      try {
        dirs.add(statSync(path).isDirectory() ? path : dirname(path));
      } catch {
        dirs.add(dirname(path));
      }
    }
    return [...dirs].sort();
  }

  #files(problems: FileProblem[]): string[] {
    const files: string[] = [];
    for (const path of this.#paths) {
      let isDir: boolean;
      try {
        isDir = statSync(path).isDirectory();
      } catch (err) {
        problems.push({ file: path, message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
        continue;
      }
      if (!isDir) files.push(path);
      else for (const name of readdirSync(path).sort()) if (isManifestName(name)) files.push(join(path, name));
    }
    return files;
  }

  #readFile(file: string): Parsed {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      return this.#keepLastGood(file, `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    const docs: Record<string, unknown>[] = [];
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) return this.#keepLastGood(file, `invalid YAML: ${doc.errors[0]!.message.split("\n")[0]}`);
      const value: unknown = doc.toJS();
      if (value === null || value === undefined) continue;
      if (typeof value !== 'object' || Array.isArray(value)) return this.#keepLastGood(file, 'a document is not a mapping');
      docs.push(value as Record<string, unknown>);
    }
    this.#lastGood.set(file, docs);
    return { docs, problems: [] };
  }

  #keepLastGood(file: string, why: string): Parsed {
    const last = this.#lastGood.get(file);
    const suffix = last ? '; its last good content keeps serving' : '';
    return { docs: last ?? [], problems: [{ file, message: `${why}${suffix}` }] };
  }

  #toResources(docs: readonly { file: string; doc: Record<string, unknown> }[], problems: FileProblem[]): ResourceInput[] {
    const byKey = new Map<string, ResourceInput>();
    for (const { file, doc } of docs) {
      if (doc['kind'] !== KIND) continue;
      if (doc['apiVersion'] !== API_VERSION) {
        problems.push({ file, message: `apiVersion must be ${API_VERSION}, got ${JSON.stringify(doc['apiVersion'])}` });
        continue;
      }
      const metadata = (doc['metadata'] ?? {}) as Record<string, unknown>;
      const name = metadata['name'];
      if (typeof name !== 'string' || name === '') {
        problems.push({ file, message: 'metadata.name is required' });
        continue;
      }
      const namespace = typeof metadata['namespace'] === 'string' ? metadata['namespace'] : this.#namespace;
      const key = `${namespace}/${name}`;
      if (byKey.has(key)) {
        problems.push({ file, message: `${key} is defined more than once; the first definition is used` });
        continue;
      }
      byKey.set(key, this.#resource(key, name, namespace, metadata, doc['spec']));
    }
    for (const key of this.#known.keys()) if (!byKey.has(key)) this.#known.delete(key);
    return [...byKey.values()].sort((a, b) => compareKeys(a, b));
  }

  #resource(key: string, name: string, namespace: string, metadata: Record<string, unknown>, spec: unknown): ResourceInput {
    const specJson = JSON.stringify(spec ?? null);
    const known = this.#known.get(key);
    let entry: Known;
    if (known?.specJson === specJson) entry = known;
    else {
      const declared = metadata['creationTimestamp'];
      const creationTimestamp = known?.creationTimestamp ?? (typeof declared === 'string' ? declared : isoSeconds(this.#now()));
      entry = { specJson, generation: (known?.generation ?? 0) + 1, creationTimestamp };
      this.#known.set(key, entry);
    }
    return {
      apiVersion: API_VERSION,
      kind: KIND,
      metadata: { name, namespace, generation: entry.generation, creationTimestamp: entry.creationTimestamp },
      spec,
    };
  }
}

function isManifestName(name: string): boolean {
  const ext = extname(name).toLowerCase();
  return !basename(name).startsWith('.') && (ext === '.yaml' || ext === '.yml' || ext === '.json');
}

function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function compareKeys(a: ResourceInput, b: ResourceInput): number {
  const ka = `${a.metadata.namespace}/${a.metadata.name}`;
  const kb = `${b.metadata.namespace}/${b.metadata.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
