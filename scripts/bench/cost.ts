/**
 * `npm run bench:cost`: what one request COSTS the gateway, in microseconds of the gateway
 * process's CPU time, for scenarios 1–3 of the benchmark. Throughput on a shared machine moves
 * with whatever else runs; CPU time per request of the gateway process moves much less, so a
 * change to the hot path can be shown by it.
 *
 * Method: the bench upstream and each contender run as children; per scenario and contender a
 * warm-up, then `--rounds` runs of `--requests` requests (autocannon, `--connections`, no
 * pipelining), contenders alternating and the order reversed every round. Around each run the
 * contender's CPU time is read from /proc: the sum of `/proc/PID/task/*\/schedstat` (ns, every
 * thread: main, libuv pool, GC helpers) and, as a cross-check, utime+stime of `/proc/PID/stat`
 * (clock ticks). The table gives the median µs per request and the spread of the runs.
 *
 * Contenders: koaxy (this tree, `bin/koaxy.js standalone`, one process); `--against DIR` adds a
 * second koaxy tree (e.g. a copy of `src`, `bin`, `package.json` taken before an edit, with a
 * `node_modules` symlink) measured in alternation with this one; `--node` adds the bare Node
 * proxy (scripts/bench/node-proxy.ts) as the floor the ratio is taken against.
 *
 * Usage: node scripts/bench/cost.ts [--scenarios 1,2,3] [--requests 20000] [--rounds 5]
 *          [--connections 32] [--rate R] [--against DIR] [--node]
 * `--rate R` holds the load at R requests/s (autocannon `overallRate`) so the contender is not
 * starved of a core, which makes the cost steadier on a busy machine.
 */
import { readdirSync, readFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PATHS, koaxyManifests } from './configs.ts';
import autocannon from 'autocannon';
import { freePort, median, root, start, stopAll, waitForHttp } from './lib.ts';

const { values } = parseArgs({
  options: {
    scenarios: { type: 'string', default: '1,2,3' },
    requests: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '32' },
    against: { type: 'string' },
    node: { type: 'boolean', default: false },
    rate: { type: 'string', default: '0' },
  },
});
const scenarios = String(values.scenarios)
  .split(',')
  .map((s) => `s${s.trim()}` as keyof typeof PATHS)
  .filter((s) => s in PATHS);
const requests = Number(values.requests);
const rounds = Number(values.rounds);
const connections = Number(values.connections);
/** Requests per second over all connections; 0 drives as fast as the contender answers. */
const rate = Number(values.rate);
const TICK_US = 1_000_000 / 100; // USER_HZ is 100 on Linux

interface Contender {
  readonly name: string;
  readonly base: string;
  readonly pid: number;
  /** Path of a scenario on this contender. */
  path(scenario: keyof typeof PATHS): string;
}

/** CPU time of every thread of `pid`, in µs: schedstat (ns precision) and stat (tick precision). */
function cpuUs(pid: number): { sched: number; ticks: number } {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // a thread that ended between readdir and read
    }
  }
  // Fields after the `(comm)`: state is field 3, utime 14 and stime 15.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { sched: ns / 1000, ticks: (Number(fields[11]) + Number(fields[12])) * TICK_US };
}

async function startKoaxy(name: string, tree: string, routes: string): Promise<Contender> {
  const port = await freePort();
  const child = start(process.execPath, [join(tree, 'bin', 'koaxy.js'), 'standalone', '--endpoints', routes, '--port', String(port), '--status-port', '0', '--admin-port', '0', '--bind', '127.0.0.1', '--log-level', 'warn']);
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}${PATHS.s1.gateway}`, child);
  return { name, base, pid: child.pid!, path: (s) => PATHS[s].gateway };
}

async function startNodeProxy(upstream: string): Promise<Contender> {
  const port = await freePort();
  const child = start(process.execPath, ['scripts/bench/node-proxy.ts', String(port), upstream]);
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}${PATHS.s1.gateway}`, child);
  return { name: 'bare Node proxy', base, pid: child.pid!, path: (s) => PATHS[s].gateway };
}

/** One measured run: µs of the contender's CPU per request (schedstat and stat), and failures. */
async function run(c: Contender, scenario: keyof typeof PATHS): Promise<{ sched: number; ticks: number; failed: number }> {
  const before = cpuUs(c.pid);
  const sample = await drive(`${c.base}${c.path(scenario)}`, requests);
  const after = cpuUs(c.pid);
  return { sched: (after.sched - before.sched) / sample.total, ticks: (after.ticks - before.ticks) / sample.total, failed: sample.failed };
}

/** `amount` requests through autocannon (keep-alive, no pipelining, `--rate` when set). */
async function drive(url: string, amount: number): Promise<{ total: number; failed: number }> {
  const result = await autocannon({ url, connections, pipelining: 1, timeout: 10, amount, ...(rate > 0 ? { overallRate: rate } : {}) });
  return { total: result.requests.total, failed: result.non2xx + result.errors + result.timeouts };
}

const work = mkdtempSync(join(tmpdir(), 'koaxy-cost-'));
try {
  const upPort = await freePort();
  const upstream = start(process.execPath, ['scripts/bench/upstream.ts', String(upPort)]);
  const upstreamBase = `http://127.0.0.1:${upPort}`;
  await waitForHttp(`${upstreamBase}/item/1`, upstream);
  const routes = join(work, 'routes');
  mkdirSync(routes);
  writeFileSync(join(routes, 'routes.yaml'), koaxyManifests(upstreamBase));

  const contenders: Contender[] = [await startKoaxy('koaxy', root, routes)];
  if (values.against !== undefined) contenders.push(await startKoaxy(`koaxy @ ${values.against}`, resolve(values.against), routes));
  if (values.node === true) contenders.push(await startNodeProxy(upstreamBase));

  console.log(`µs of gateway CPU per request: ${requests} requests × ${rounds} rounds, ${connections} connections, ${rate > 0 ? `${rate} req/s` : 'unthrottled'}; median (min–max) of schedstat, stat ticks in brackets\n`);
  for (const scenario of scenarios) {
    const runs = new Map<string, { sched: number; ticks: number; failed: number }[]>(contenders.map((c) => [c.name, []]));
    for (const c of contenders) await drive(`${c.base}${c.path(scenario)}`, Math.max(2_000, requests / 2));
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? contenders : [...contenders].reverse();
      for (const c of order) runs.get(c.name)!.push(await run(c, scenario));
    }
    const floor = values.node === true ? median(runs.get('bare Node proxy')!.map((x) => x.sched)) : null;
    console.log(`scenario ${scenario.slice(1)} (${PATHS[scenario].gateway})`);
    for (const c of contenders) {
      const xs = runs.get(c.name)!;
      const sched = xs.map((x) => x.sched);
      const mid = median(sched);
      const ratio = floor === null ? '' : `  ×${(mid / floor).toFixed(2)} of the bare Node proxy`;
      const failed = xs.reduce((sum, x) => sum + x.failed, 0);
      console.log(
        `  ${c.name.padEnd(28)} ${mid.toFixed(1).padStart(7)} µs  (${Math.min(...sched).toFixed(1)}–${Math.max(...sched).toFixed(1)})  [${median(xs.map((x) => x.ticks)).toFixed(1)}]${ratio}${failed > 0 ? `  failed ${failed}` : ''}  runs: ${sched.map((x) => x.toFixed(1)).join(', ')}`,
      );
    }
    console.log('');
  }
} finally {
  await stopAll();
  rmSync(work, { recursive: true, force: true });
}
