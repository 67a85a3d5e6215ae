/**
 * One test control plane: etcd and kube-apiserver as local processes on free loopback ports
 * (envtest-style: no kubelet, no controller-manager), with generated certificates, RBAC
 * authorization and an admin kubeconfig. Used by the mocha harness and by `cluster:up`.
 * Must not import src/. Invariant: once stop() or killNow() has run, none of its processes
 * is alive; its processes also die with the Node process that started them (PR_SET_PDEATHSIG
 * through setpriv), and a directory left by a killed run is removed by the next run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { ClusterBinaries } from './binaries.ts';
import { generateCerts, type ClusterCerts } from './certs.ts';

/** Prefix of the temporary directory of every control plane (`$TMPDIR/koaxy-cluster-XXXXXX`). */
export const tempDirPrefix = 'koaxy-cluster-';

/** Options of {@link ControlPlane.start}. */
export interface ControlPlaneOptions {
  readonly bins: ClusterBinaries;
  /** Key prefix in etcd, distinct per run so several runs could share one etcd. */
  readonly etcdPrefix?: string;
  /** @default 120_000 */
  readonly startTimeoutMs?: number;
}

/** Picks `count` distinct free loopback ports (all held open together, then released). */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
    }
    return servers.map((server) => (server.address() as { port: number }).port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

/** Removes control-plane directories whose owning process is gone (a run killed with SIGKILL). */
export function removeStaleDirs(): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(tempDirPrefix)) continue;
    const dir = join(tmpdir(), name);
    let owner = Number.NaN;
    try {
      owner = Number(readFileSync(join(dir, 'owner.pid'), 'utf8'));
    } catch {
      continue; // being created right now, or not ours
    }
    if (Number.isInteger(owner) && !isAlive(owner)) rmSync(dir, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function findOnPath(name: string): string | undefined {
  return (process.env['PATH'] ?? '').split(delimiter).map((dir) => join(dir, name)).find((path) => existsSync(path));
}

function logTail(path: string, lines = 25): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function httpsGet(url: string, ca: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, timeout: 2_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout'))).on('error', reject).end();
  });
}

/** An etcd + kube-apiserver pair: `new ControlPlane()`, then `await start()`; stop() works at any point. */
export class ControlPlane {
  readonly #children = new Map<string, ChildProcess>();
  readonly #exited = new Map<string, Promise<void>>();
  #dir = '';
  #server = '';
  #stopping = false;
  #onCrash: ((name: string, tail: string) => void) | undefined;
  /** How to start kube-apiserver again after {@link stopApiServer}. */
  #apiserver: { bin: string; args: string[]; ca: Buffer } | undefined;
  /** Processes stopped on purpose (their exit is not a crash). */
  readonly #paused = new Set<string>();

  /** The temporary directory holding data, certificates, logs and the kubeconfig ('' before start). */
  get dir(): string {
    return this.#dir;
  }

  /**
   * Creates the temp directory, generates certificates, starts etcd then kube-apiserver and waits
   * for `/readyz`, then writes the kubeconfig. On failure (or a stop() meanwhile) it cleans up and rejects.
   */
  async start(options: ControlPlaneOptions): Promise<void> {
    if (this.#dir) throw new Error('ControlPlane.start() called twice');
    removeStaleDirs();
    // Synchronous, so that a stop() from a signal handler always sees the directory to remove.
    this.#dir = mkdtempSync(join(tmpdir(), tempDirPrefix));
    writeFileSync(join(this.#dir, 'owner.pid'), String(process.pid));
    try {
      await this.#boot(options);
      if (this.#stopping) throw new Error('the control plane was stopped while starting');
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** The API server URL, `https://127.0.0.1:PORT`. */
  get server(): string {
    return this.#server;
  }

  /** The admin kubeconfig (context `admin`, identity in `system:masters`). */
  get kubeconfigPath(): string {
    return join(this.#dir, 'kubeconfig');
  }

  /** Calls `listener` when etcd or kube-apiserver exits while the plane is not being stopped. */
  onCrash(listener: (name: string, logTail: string) => void): void {
    this.#onCrash = listener;
  }

  async #boot(options: ControlPlaneOptions): Promise<void> {
    const { bins } = options;
    const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
    const certs = await generateCerts(this.dir);
    const [etcdPort, peerPort, apiPort] = (await freePorts(3)) as [number, number, number];
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    this.#spawn('etcd', bins.etcd, [
      '--name=default', `--data-dir=${join(this.dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`, `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`, `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=default=${peerUrl}`, '--unsafe-no-fsync=true', '--log-level=warn',
    ]);
    await this.#waitFor('etcd /health', deadline, async () => {
      const res = await fetch(`${etcdUrl}/health`, { signal: AbortSignal.timeout(2_000) });
      return res.ok && (await res.text()).includes('"health":"true"');
    });
    this.#server = `https://127.0.0.1:${apiPort}`;
    const ca = readFileSync(certs.caCert);
    this.#apiserver = { bin: bins.kubeApiserver, args: apiserverArgs(this.dir, certs, etcdUrl, apiPort, options.etcdPrefix), ca };
    this.#spawn('kube-apiserver', this.#apiserver.bin, this.#apiserver.args);
    await this.#waitFor('kube-apiserver /readyz', deadline, async () => {
      const res = await httpsGet(`${this.#server}/readyz`, ca);
      return res.status === 200 && res.body.trim() === 'ok';
    });
    await writeFile(this.kubeconfigPath, kubeconfig(this.#server, certs));
  }

  #spawn(name: string, bin: string, args: readonly string[]): void {
    if (this.#stopping) throw new Error(`not starting ${name}: the control plane is stopping`);
    const log = openSync(join(this.dir, `${name}.log`), 'a');
    const setpriv = findOnPath('setpriv');
    const [file, argv] = setpriv ? [setpriv, ['--pdeathsig', 'KILL', '--', bin, ...args]] : [bin, [...args]];
    // Own process group: a terminal's Ctrl-C reaches only Node, which stops the pair in order.
    const child = spawn(file, argv, { stdio: ['ignore', log, log], detached: true });
    closeSync(log);
    this.#children.set(name, child);
    this.#exited.set(name, new Promise((resolve) => {
      child.once('exit', () => {
        resolve();
        if (!this.#stopping && !this.#paused.has(name)) this.#onCrash?.(name, logTail(join(this.dir, `${name}.log`)));
      });
      child.once('error', () => resolve());
    }));
  }

  async #waitFor(what: string, deadline: number, probe: () => Promise<boolean>): Promise<void> {
    while (Date.now() < deadline) {
      for (const [name, child] of this.#children) {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) while waiting for ${what}; its log ends:\n${logTail(join(this.dir, `${name}.log`))}`);
        }
      }
      if (await probe().catch(() => false)) return;
      await delay(100); // polling a readiness endpoint: nothing else signals readiness
    }
    const logs = [...this.#children.keys()].map((name) => `--- ${name}.log\n${logTail(join(this.dir, `${name}.log`))}`);
    throw new Error(`timed out waiting for ${what}\n${logs.join('\n')}`);
  }

  /**
   * Stops kube-apiserver only (SIGTERM, SIGKILL after 5 s); etcd and the data stay, so
   * {@link startApiServer} brings the same API back on the same port (resilience tests).
   */
  async stopApiServer(): Promise<void> {
    const child = this.#children.get('kube-apiserver');
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.#paused.add('kube-apiserver');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await this.#exited.get('kube-apiserver');
    clearTimeout(timer);
  }

  /** Starts kube-apiserver again after {@link stopApiServer} and waits for `/readyz`. */
  async startApiServer(timeoutMs = 60_000): Promise<void> {
    const api = this.#apiserver;
    if (api === undefined) throw new Error('startApiServer() before start()');
    const child = this.#children.get('kube-apiserver');
    if (child && child.exitCode === null && child.signalCode === null) return;
    this.#spawn('kube-apiserver', api.bin, api.args);
    this.#paused.delete('kube-apiserver');
    await this.#waitFor('kube-apiserver /readyz', Date.now() + timeoutMs, async () => {
      const res = await httpsGet(`${this.#server}/readyz`, api.ca);
      return res.status === 200 && res.body.trim() === 'ok';
    });
  }

  /** Stops kube-apiserver then etcd (SIGTERM, SIGKILL after 5 s) and removes the directory. */
  async stop(): Promise<void> {
    this.#stopping = true;
    for (const name of ['kube-apiserver', 'etcd']) {
      const child = this.#children.get(name);
      if (!child || child.exitCode !== null || child.signalCode !== null) continue;
      child.kill('SIGTERM');
      const exited = this.#exited.get(name);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    if (this.#dir) rmSync(this.#dir, { recursive: true, force: true });
  }

  /** Synchronous last resort for `process.on('exit')`: SIGKILL both and remove the directory. */
  killNow(): void {
    this.#stopping = true;
    for (const child of this.#children.values()) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    if (this.#dir) rmSync(this.#dir, { recursive: true, force: true });
  }
}

function apiserverArgs(dir: string, certs: ClusterCerts, etcdUrl: string, port: number, etcdPrefix?: string): string[] {
  return [
    `--etcd-servers=${etcdUrl}`, ...(etcdPrefix ? [`--etcd-prefix=${etcdPrefix}`] : []),
    '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${port}`,
    `--cert-dir=${dir}`, `--tls-cert-file=${certs.servingCert}`, `--tls-private-key-file=${certs.servingKey}`,
    `--client-ca-file=${certs.caCert}`,
    `--service-account-issuer=https://127.0.0.1:${port}/`,
    `--service-account-key-file=${certs.serviceAccountPub}`,
    `--service-account-signing-key-file=${certs.serviceAccountKey}`,
    '--service-cluster-ip-range=10.0.0.0/24', '--authorization-mode=RBAC',
    '--disable-admission-plugins=ServiceAccount', '--allow-privileged=true', '--profiling=false',
  ];
}

function kubeconfig(server: string, certs: ClusterCerts): string {
  const b64 = (path: string) => readFileSync(path).toString('base64');
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'koaxy-test', cluster: { server, 'certificate-authority-data': b64(certs.caCert) } }],
    users: [{ name: 'admin', user: { 'client-certificate-data': b64(certs.adminCert), 'client-key-data': b64(certs.adminKey) } }],
    contexts: [{ name: 'admin', context: { cluster: 'koaxy-test', user: 'admin', namespace: 'default' } }],
    'current-context': 'admin',
  }, null, 2) + '\n';
}
