/**
 * `npm run bench:routes`: requests/s through koaxy standalone with 1 and with 10,000 endpoints
 * loaded, always hitting the last-defined route, measured in alternation in one run so the
 * machine's noise cancels out. Prints the table and the 10,000/1 ratio (DESIGN §6: route
 * matching must not get slower with the number of routes).
 *
 * Usage: node scripts/bench/routes.ts [--requests N] [--rounds R] [--connections C]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { scaleManifests } from './configs.ts';

const root = join(import.meta.dirname, '..', '..');
const { values } = parseArgs({
  options: { requests: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '3' }, connections: { type: 'string', default: '32' } },
});
const requests = Number(values.requests);
const rounds = Number(values.rounds);
const connections = Number(values.connections);


/** Spawns a child running `script` and resolves with the first line it prints (its address). */
function spawnChild(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const newline = buffer.indexOf('\n');
      if (newline >= 0) resolve({ child, line: buffer.slice(0, newline) });
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code} before it was ready`)));
  });
}

async function startGateway(dir: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['bin/koaxy.js', 'standalone', '--endpoints', dir, '--port', String(port), '--status-port', '0', '--admin-port', '0', '--bind', '127.0.0.1', '--log-level', 'warn'], { cwd: root, stdio: 'inherit' });
  for (let i = 0; i < 600; i++) {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/service-0/resource-0/1`).catch(() => null);
    if (res !== null) {
      await res.arrayBuffer();
      return child;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new Error('the gateway did not start within 60 s');
}

async function measure(url: string): Promise<number> {
  const started = performance.now();
  // sampleInt: autocannon reports at its next sample tick (1 s by default), which rounds short runs up.
  const result = await autocannon({ url, connections, amount: requests, pipelining: 1, sampleInt: 20 });
  const seconds = (performance.now() - started) / 1000;
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.total / seconds;
}

const upstream = await spawnChild(['--input-type=module', '-e', `
  import { createServer } from 'node:http';
  const s = createServer((req, res) => { res.setHeader('content-type', 'application/json'); res.end('{"id":1,"name":"n","extra":true}'); });
  s.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + s.address().port));
`]);
const dirs = { 1: mkdtempSync(join(tmpdir(), 'koaxy-bench-1-')), 10000: mkdtempSync(join(tmpdir(), 'koaxy-bench-10000-')) };
const results: Record<string, number[]> = { 1: [], 10000: [] };
try {
  for (const [count, dir] of Object.entries(dirs)) writeFileSync(join(dir, 'routes.yaml'), scaleManifests(Number(count), upstream.line));
  const gateways = { 1: await startGateway(dirs[1], 18081), 10000: await startGateway(dirs[10000], 18082) };
  try {
    const last = (count: number, port: number): string => `http://127.0.0.1:${port}/api/v1/service-${(count - 1) % 100}/resource-${count - 1}/7`;
    await measure(last(1, 18081));
    await measure(last(10000, 18082));
    for (let round = 0; round < rounds; round++) {
      results[1]!.push(await measure(last(1, 18081)));
      results[10000]!.push(await measure(last(10000, 18082)));
    }
  } finally {
    for (const child of Object.values(gateways)) child.kill('SIGTERM');
  }
} finally {
  upstream.child.kill();
  for (const dir of Object.values(dirs)) rmSync(dir, { recursive: true, force: true });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const one = median(results[1]!);
const many = median(results[10000]!);
console.log(`\nroutes   requests/s (median of ${rounds}; ${requests} requests, ${connections} connections each)`);
console.log(`1        ${one.toFixed(0)}   [${results[1]!.map((x) => x.toFixed(0)).join(', ')}]`);
console.log(`10000    ${many.toFixed(0)}   [${results[10000]!.map((x) => x.toFixed(0)).join(', ')}]`);
console.log(`ratio 10000/1: ${(many / one).toFixed(3)}`);
process.exitCode = many / one >= 0.9 ? 0 : 1;
