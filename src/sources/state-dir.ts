/**
 * The shared state directory between the controller and the proxy (DESIGN §1): the controller
 * writes `route-table.json`, the proxy writes `served.json` with the version it serves. Each
 * file is replaced atomically (temp file, fsync, rename), so a reader sees a whole old file or a
 * whole new one. A watcher follows replacements through `fs.watch` on the directory plus a slow
 * poll of the file's identity, because inotify events can be missed on some volumes.
 */
import { type FSWatcher, watch } from 'node:fs';
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { RouteTable } from '../ir/index.ts';

/** Name of the route-table file inside the state directory. */
export const TABLE_FILE = 'route-table.json';
/** Name of the file where the proxy reports the version it serves. */
export const SERVED_FILE = 'served.json';

/** What the proxy reports in `served.json`. */
export interface ServedReport {
  /** Version of the table served now. */
  readonly version: string;
  /** When the proxy started serving it (RFC 3339). */
  readonly servedAt: string;
  /** Process id of the proxy (tells a restarted proxy apart). */
  readonly pid: number;
}

/** Writes `content` to `dir/name` atomically: temp file, fsync, rename, fsync of the directory. */
export async function writeAtomic(dir: string, name: string, content: string): Promise<void> {
  const temp = join(dir, `.${name}.${process.pid}.${Date.now().toString(36)}.tmp`);
  const handle = await open(temp, 'w', 0o644);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, join(dir, name));
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw new Error(`cannot replace ${join(dir, name)}`, { cause: err });
  }
  const dirHandle = await open(dir, 'r').catch(() => null);
  if (dirHandle !== null) await dirHandle.sync().catch(() => undefined).finally(() => dirHandle.close());
}

/** Writes the route table for the proxy. */
export function writeTableFile(dir: string, table: RouteTable): Promise<void> {
  return writeAtomic(dir, TABLE_FILE, `${JSON.stringify(table)}\n`);
}

/** Reads the route table, or null when there is none; throws when the file is not a table. */
export async function readTableFile(dir: string): Promise<RouteTable | null> {
  const text = await readOrNull(join(dir, TABLE_FILE));
  if (text === null) return null;
  const table = JSON.parse(text) as RouteTable;
  if (typeof table !== 'object' || table === null || typeof table.version !== 'string' || !Array.isArray(table.routes)) {
    throw new Error(`${join(dir, TABLE_FILE)} is not a route table (needs "version" and "routes")`);
  }
  return table;
}

/** Writes the proxy's served report. */
export function writeServedFile(dir: string, report: ServedReport): Promise<void> {
  return writeAtomic(dir, SERVED_FILE, `${JSON.stringify(report)}\n`);
}

/** Reads the proxy's served report, or null when there is none or it is unreadable. */
export async function readServedFile(dir: string): Promise<ServedReport | null> {
  const text = await readOrNull(join(dir, SERVED_FILE));
  if (text === null) return null;
  try {
    const report = JSON.parse(text) as ServedReport;
    return typeof report.version === 'string' ? report : null;
  } catch {
    return null;
  }
}

async function readOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Follows replacements of one file of the state directory; `onChange` runs after each. */
export class FileFollower {
  readonly #dir: string;
  readonly #name: string;
  readonly #onChange: () => void;
  #watcher: FSWatcher | null = null;
  #poll: NodeJS.Timeout | null = null;
  #identity = '';

  /** Creates a follower of `dir/name`; nothing happens before {@link start}. */
  constructor(dir: string, name: string, onChange: () => void) {
    this.#dir = dir;
    this.#name = name;
    this.#onChange = onChange;
  }

  /** Starts watching; reports the current file once (if any) through `onChange`. */
  async start(pollMs = 1_000): Promise<void> {
    this.#watcher = watch(this.#dir, { persistent: false }, (_event, file) => {
      if (file === null || file === this.#name) void this.#check();
    });
    this.#watcher.on('error', () => undefined);
    this.#poll = setInterval(() => void this.#check(), pollMs);
    this.#poll.unref();
    await this.#check();
  }

  /** Stops watching. */
  stop(): void {
    this.#watcher?.close();
    if (this.#poll !== null) clearInterval(this.#poll);
    this.#watcher = null;
    this.#poll = null;
  }

  async #check(): Promise<void> {
    let identity: string;
    try {
      const s = await stat(join(this.#dir, this.#name), { bigint: true });
      identity = `${s.ino}:${s.mtimeNs}:${s.size}`;
    } catch {
      return;
    }
    if (identity === this.#identity) return;
    this.#identity = identity;
    this.#onChange();
  }
}
