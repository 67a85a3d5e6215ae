/**
 * Helpers of the benchmark harness: free ports, child processes that are waited for and always
 * stopped, one load run through autocannon, resident memory from /proc, medians.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import autocannon from 'autocannon';

export const root = join(import.meta.dirname, '..', '..');

/** Every child started by the harness, stopped on exit whatever happens. */
const children = new Set<ChildProcess>();

/** A port free right now on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts `command` and tracks it; stderr is kept (the last 4 KiB) for error messages. */
export function start(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): ChildProcess & { tail: () => string } {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: false });
  let tail = '';
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString()).slice(-4096);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  children.add(child);
  child.once('exit', () => children.delete(child));
  return Object.assign(child, { tail: () => tail });
}

/** Waits until `url` answers anything (any status), or throws after `timeoutMs`. */
export async function waitForHttp(url: string, child: ChildProcess & { tail: () => string }, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${child.spawnfile} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${child.tail()}`);
    const res = await fetch(url).catch(() => null);
    if (res !== null) {
      await res.arrayBuffer();
      return;
    }
    await sleep(100);
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s:\n${child.tail()}`);
}

/** Stops a child: SIGTERM, then SIGKILL after 3 s. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}

/** Stops every child still running (called from `finally` and on signals). */
export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((child) => stop(child)));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One load run's figures. */
export interface Sample {
  /** Requests per second over the wall-clock time of the run. */
  readonly rps: number;
  /** Latency percentiles, in milliseconds. */
  readonly p50: number;
  readonly p99: number;
  /** Responses that were not 2xx, plus connection errors and timeouts. */
  readonly failed: number;
  readonly total: number;
}

/** Load options: a fixed request count, or a duration in seconds. */
export type Load = { readonly amount: number } | { readonly duration: number };

/** Drives `url` with autocannon (keep-alive, no pipelining) and returns the run's figures. */
export async function measure(url: string, connections: number, load: Load): Promise<Sample> {
  const started = performance.now();
  // autocannon reports at its next sample tick: 1 s by default, which would round every run up.
  const result = await autocannon({ url, connections, pipelining: 1, timeout: 10, sampleInt: 20, ...load });
  const seconds = (performance.now() - started) / 1000;
  return {
    rps: result.requests.total / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed: result.non2xx + result.errors + result.timeouts,
    total: result.requests.total,
  };
}

/** Resident memory of a process, in MiB (VmRSS of /proc/PID/status). */
export function rssMiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match === null) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]) / 1024;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median of each field over several samples. */
export function medianSample(samples: readonly Sample[]): Sample {
  return {
    rps: median(samples.map((s) => s.rps)),
    p50: median(samples.map((s) => s.p50)),
    p99: median(samples.map((s) => s.p99)),
    failed: samples.reduce((sum, s) => sum + s.failed, 0),
    total: samples.reduce((sum, s) => sum + s.total, 0),
  };
}
