/**
 * Helpers of the controller cluster tests: `koaxy proxy` and `koaxy controller` as child
 * processes (so tests can kill and restart them), real backends on loopback, manifests, and
 * bounded waits on what the processes expose (logs, HTTP answers, resource status).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { type Cluster, repoRoot } from './harness.ts';

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** A `koaxy` child process and its structured log. */
export interface KoaxyProcess {
  readonly child: ChildProcess;
  /** Every parsed log line so far. */
  readonly logs: Record<string, unknown>[];
  /** Resolves with the first log line (past or future) whose `msg` is `msg`. */
  waitForLog(msg: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Sends `signal` and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Spawns `bin/koaxy.js ARGS` with the project's Node. */
export function spawnKoaxy(args: readonly string[], env: NodeJS.ProcessEnv = process.env): KoaxyProcess {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'koaxy.js'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => {
    children.delete(child);
    resolve();
  }));
  const logs: Record<string, unknown>[] = [];
  const waiters: { msg: string; resolve: (line: Record<string, unknown>) => void }[] = [];
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  createInterface(child.stdout!).on('line', (line) => {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    logs.push(parsed);
    for (const w of waiters.filter((x) => x.msg === parsed['msg'])) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(parsed);
    }
  });
  return {
    child,
    logs,
    waitForLog(msg, timeoutMs = 30_000) {
      const seen = logs.find((l) => l['msg'] === msg);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no log "${msg}" within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
        const onExit = () => reject(new Error(`koaxy ${args[0]} exited (${child.exitCode}) before logging "${msg}"; stderr: ${stderr}`));
        child.once('exit', onExit);
        waiters.push({ msg, resolve: (l) => {
          clearTimeout(timer);
          child.off('exit', onExit);
          resolve(l);
        } });
      });
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** A running `koaxy proxy` child. */
export interface ProxyProcess extends KoaxyProcess {
  readonly url: string;
  readonly statusUrl: string;
}

/** Starts `koaxy proxy --state-dir DIR` on free loopback ports. */
export async function startProxyProcess(stateDir: string): Promise<ProxyProcess> {
  const p = spawnKoaxy(['proxy', '--state-dir', stateDir, '--port', '0', '--status-port', '0', '--admin-port', '0', '--bind', '127.0.0.1']);
  const line = await p.waitForLog('koaxy proxy listening');
  return { ...p, url: String(line['data']), statusUrl: String(line['status']) };
}

/** A running `koaxy controller` child. */
export interface ControllerProcess extends KoaxyProcess {
  readonly statusUrl: string;
  /** Reads one gauge of its `/metrics`. */
  metric(name: string): Promise<number>;
}

/** Starts `koaxy controller` against `kubeconfig`, watching `namespace`, and waits until ready. */
export async function startControllerProcess(stateDir: string, kubeconfig: string, namespace: string, extra: readonly string[] = []): Promise<ControllerProcess> {
  const args = ['controller', '--state-dir', stateDir, '--status-port', '0', '--bind', '127.0.0.1', '--namespace', namespace, '--allowed-backends', 'http://127.0.0.1:*', ...extra];
  const p = spawnKoaxy(args, { ...process.env, KUBECONFIG: kubeconfig, KOAXY_LOG_LEVEL: 'info' });
  const statusUrl = String((await p.waitForLog('koaxy controller starting'))['status']);
  await p.waitForLog('koaxy controller ready', 60_000);
  return {
    ...p,
    statusUrl,
    async metric(name) {
      const text = await (await fetch(`${statusUrl}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`${name} `));
      return line === undefined ? Number.NaN : Number(line.split(' ')[1]);
    },
  };
}

/** A fresh state directory, removed by the returned function. */
export function stateDirectory(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'koaxy-state-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A backend on 127.0.0.1 answering `{"backend": NAME, "path": PATH}`. */
export async function startBackend(name: string): Promise<{ server: Server; origin: string; port: number }> {
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ backend: name, path: req.url }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { server, origin: `http://127.0.0.1:${port}`, port };
}

/** Polls `probe` until it returns a value other than undefined (bounded). */
export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await delay(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** A GatewayEndpoint manifest (YAML is JSON). */
export function endpointManifest(namespace: string, name: string, spec: Record<string, unknown>): string {
  return JSON.stringify({ apiVersion: 'gateway.koaxy.dev/v1alpha1', kind: 'GatewayEndpoint', metadata: { name, namespace }, spec });
}

/** The spec of a GET endpoint with one backend. */
export function simpleSpec(endpoint: string, backend: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { endpoint, method: 'GET', backends: [{ urlPattern: '/hello', ...backend }], ...extra };
}

/** A GatewayEndpoint's status as the API server has it. */
export interface ReadStatus {
  readonly generation: number;
  readonly observedGeneration?: number;
  readonly route?: string;
  readonly conditions: { type: string; status: string; reason: string; message: string; observedGeneration?: number }[];
}

/** Reads one GatewayEndpoint's generation and status. */
export async function readStatus(cluster: Cluster, namespace: string, name: string): Promise<ReadStatus> {
  const o = JSON.parse(await cluster.kubectlOk(['get', 'gatewayendpoints.gateway.koaxy.dev', '-n', namespace, name, '-o', 'json'])) as {
    metadata: { generation: number };
    status?: Omit<ReadStatus, 'generation'>;
  };
  return { generation: o.metadata.generation, ...o.status, conditions: o.status?.conditions ?? [] };
}

/** The condition of `type`, or undefined. */
export function condition(status: ReadStatus, type: string) {
  return status.conditions.find((c) => c.type === type);
}

/** GET `url`, returning status and parsed body (null when not JSON). */
export async function get(url: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body };
}
