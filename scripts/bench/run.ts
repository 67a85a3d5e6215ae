/**
 * `npm run bench`: koaxy against nginx, KrakenD CE (when `KRAKEND_BIN` names a binary) and a
 * direct call to the upstream, all started on loopback by this script and driven in one run
 * with autocannon, alternating contenders round by round and reporting medians. Writes
 * `bench/results.md` and `bench/chart.svg` (`--quick`: `bench/results-quick.md`, `bench/chart-quick.svg`).
 *
 * Scenarios: 1 JSON passthrough with allow + group; 2 two backends aggregated, one failing half
 * the time under return_error_details; 3 no-op passthrough of 64 KiB; 4 route scale (1, 1,000,
 * 10,000 endpoints, the last one hit); 5 100 table swaps under the load of scenario 1; 6 resident
 * memory with 1, 1,000 and 10,000 endpoints.
 *
 * Usage: node scripts/bench/run.ts [--quick] [--only 1,2,3,4,5,6] [--rounds R] [--connections C] [--out DIR]
 * Environment: KRAKEND_BIN (a KrakenD CE binary), NGINX_BIN (default: nginx on PATH or /usr/sbin/nginx).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { barChart } from './chart.ts';
import { PATHS, koaxyManifests, krakendConfig, nginxConf, scaleManifests, scalePath } from './configs.ts';
import { type Sample, freePort, measure, median, medianSample, root, rssMiB, sleep, start, stop, stopAll, waitForHttp } from './lib.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string', default: '1,2,3,4,5,6' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
    out: { type: 'string' },
  },
});
const quick = values.quick === true;
const only = new Set(String(values.only).split(',').map((s) => s.trim()));
const rounds = Math.max(3, Number(values.rounds));
const connections = Number(values.connections);
const AMOUNT = quick ? 2_000 : 20_000;
const BIG_AMOUNT = quick ? 1_000 : 8_000;
const SWAPS = 100;
const SWAP_SECONDS = quick ? 4 : 10;
const SCALES = [1, 1_000, 10_000] as const;
const outDir = values.out ?? join(root, 'bench');
const suffix = quick ? '-quick' : '';
const startedAt = Date.now();

type Started = { name: string; base: string; pid: number; child: ReturnType<typeof start> };
const log = (line: string): void => void process.stderr.write(`[bench ${((Date.now() - startedAt) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);

function which(name: string): string | null {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (found !== '') return found;
  for (const dir of ['/usr/sbin', '/usr/local/sbin', '/sbin']) if (existsSync(join(dir, name))) return join(dir, name);
  return null;
}

const nginxBin = process.env['NGINX_BIN'] ?? which('nginx');
const krakendBin = process.env['KRAKEND_BIN'] ?? null;
const NGINX_MISSING = 'nginx not found: install it with `sudo apt-get update && sudo apt-get install -y nginx-light` (Debian/Ubuntu) or set NGINX_BIN';
const KRAKEND_MISSING =
  'KRAKEND_BIN is not set. KrakenD CE could not be built on this machine: the Go module proxy answers 403 for github.com/krakend/krakend-ce/v2 and every krakendio/devopsfaith/luraproject module, and no prebuilt binary can be downloaded here. Point KRAKEND_BIN at a KrakenD CE binary to add the column.';
const koaxyWorkers = /--workers/.test(spawnSync(process.execPath, ['bin/koaxy.js', 'help'], { cwd: root, encoding: 'utf8' }).stdout) ? availableParallelism() : 0;

async function startUpstream(): Promise<Started> {
  const port = await freePort();
  const child = start(process.execPath, ['scripts/bench/upstream.ts', String(port)]);
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/item/1`, child);
  return { name: 'direct', base, pid: child.pid!, child };
}

async function startKoaxy(name: string, dir: string, probe: string, workers = 0): Promise<Started & { statusBase: string }> {
  const [port, statusPort] = [await freePort(), await freePort()];
  const args = ['bin/koaxy.js', 'standalone', '--endpoints', dir, '--port', String(port), '--status-port', String(statusPort), '--admin-port', '0', '--bind', '127.0.0.1', '--log-level', 'warn'];
  if (workers > 0) args.push('--workers', String(workers));
  const child = start(process.execPath, args);
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(base + probe, child, 180_000);
  return { name, base, pid: child.pid!, child, statusBase: `http://127.0.0.1:${statusPort}` };
}

async function startNginx(upstream: string, work: string): Promise<Started> {
  const dir = join(work, 'nginx');
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  writeFileSync(join(dir, 'nginx.conf'), nginxConf(dir, port, upstream));
  const child = start(nginxBin!, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')]);
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(base + PATHS.s1.gateway, child);
  return { name: 'nginx', base, pid: child.pid!, child };
}

async function startNodeProxy(upstream: string): Promise<Started> {
  const port = await freePort();
  const child = start(process.execPath, ['scripts/bench/node-proxy.ts', String(port), upstream]);
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(base + PATHS.s1.gateway, child);
  return { name: 'bare Node proxy', base, pid: child.pid!, child };
}

async function startKrakend(upstream: string, work: string): Promise<Started> {
  const port = await freePort();
  const file = join(work, 'krakend.json');
  writeFileSync(file, krakendConfig(port, upstream));
  const child = start(krakendBin!, ['run', '-c', file], { USAGE_DISABLE: '1' });
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(base + PATHS.s1.gateway, child);
  return { name: 'KrakenD CE', base, pid: child.pid!, child };
}

/** Runs every contender once per round, in alternation (after one warm-up run each). */
async function alternate(targets: readonly { name: string; url: string }[], amount: number): Promise<Map<string, Sample[]>> {
  const out = new Map<string, Sample[]>(targets.map((t) => [t.name, []]));
  for (const t of targets) await measure(t.url, connections, { amount: Math.ceil(amount / 4) });
  for (let round = 0; round < rounds; round++) {
    for (const t of round % 2 === 0 ? targets : [...targets].reverse()) {
      const sample = await measure(t.url, connections, { amount });
      out.get(t.name)!.push(sample);
      log(`  ${t.name.padEnd(22)} round ${round + 1}: ${sample.rps.toFixed(0)} req/s, p99 ${sample.p99} ms, failed ${sample.failed}`);
    }
  }
  return out;
}

const fmt = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–');
const md: string[] = [];
const chartGroups: { title: string; bars: { label: string; value: number | null; ratio: number | null }[] }[] = [];
const headline: Record<string, Record<string, number>> = {};

function contenderTable(title: string, results: Map<string, Sample[]>, reference: string, extraRows: string[], notes: string[]): void {
  const ref = median((results.get(reference) ?? []).map((s) => s.rps));
  md.push(`### ${title}`, '', `| contender | requests/s (median) | p50 ms | p99 ms | failed | ratio to ${reference} | runs (req/s) |`, '|---|---:|---:|---:|---:|---:|---|');
  const bars: (typeof chartGroups)[number]['bars'] = [];
  headline[title] = {};
  for (const [name, samples] of results) {
    const m = medianSample(samples);
    const ratio = Number.isFinite(ref) ? m.rps / ref : Number.NaN;
    headline[title]![name] = ratio;
    md.push(`| ${name} | ${fmt(m.rps)} | ${fmt(m.p50, 1)} | ${fmt(m.p99, 1)} | ${m.failed} | ${fmt(ratio, 2)} | ${samples.map((s) => fmt(s.rps)).join(', ')} |`);
    bars.push({ label: name, value: m.rps, ratio: Number.isFinite(ratio) ? ratio : null });
  }
  md.push(...extraRows, '', ...notes, '');
  chartGroups.push({ title, bars });
}

async function scenarios123(upstream: Started, work: string): Promise<void> {
  const dir = join(work, 'koaxy-123');
  mkdirSync(dir);
  writeFileSync(join(dir, 'routes.yaml'), koaxyManifests(upstream.base));
  const contenders: Started[] = [upstream];
  const unavailable: string[] = [];
  if (nginxBin !== null) contenders.push(await startNginx(upstream.base, work));
  else unavailable.push(`| nginx | not available: ${NGINX_MISSING} | | | | | |`);
  if (krakendBin !== null) contenders.push(await startKrakend(upstream.base, work));
  else unavailable.push(`| KrakenD CE | not available (${'KRAKEND_BIN is not set; see the note above'}) | | | | | |`);
  contenders.push(await startNodeProxy(upstream.base));
  contenders.push(await startKoaxy('koaxy (1 process)', dir, PATHS.s1.gateway));
  if (koaxyWorkers > 1) contenders.push(await startKoaxy(`koaxy (${koaxyWorkers} workers)`, dir, PATHS.s1.gateway, koaxyWorkers));
  const reference = krakendBin !== null ? 'KrakenD CE' : nginxBin !== null ? 'nginx' : 'direct';
  const scenarios = [
    { key: '1', id: 's1', title: 'Scenario 1 — one backend, JSON with allow + group', amount: AMOUNT, note: 'nginx and the bare Node proxy (node:http + an undici Pool, scripts/bench/node-proxy.ts: the floor of any Node gateway) forward the body untouched; koaxy and KrakenD filter and group it.' },
    { key: '2', id: 's2', title: 'Scenario 2 — two backends aggregated, one failing half the time (return_error_details)', amount: AMOUNT, note: 'nginx and the bare Node proxy cannot aggregate: their rows forward to the first backend only (one upstream call instead of two), and the direct call is one call to that backend. koaxy and KrakenD make both calls and merge.' },
    { key: '3', id: 's3', title: 'Scenario 3 — no-op passthrough of a 64 KiB body', amount: BIG_AMOUNT, note: '' },
  ] as const;
  try {
    for (const s of scenarios) {
      if (!only.has(s.key)) continue;
      log(`scenario ${s.key}`);
      const targets = contenders.map((c) => ({ name: c.name, url: c.base + (c.name === 'direct' ? PATHS[s.id].direct : PATHS[s.id].gateway) }));
      const results = await alternate(targets, s.amount);
      contenderTable(s.title, results, reference, unavailable, s.note === '' ? [] : [`Note: ${s.note}`]);
    }
  } finally {
    for (const c of contenders) if (c !== upstream) await stop(c.child);
  }
}

async function scenarios46(upstream: Started, work: string): Promise<void> {
  log('scenarios 4 and 6: starting gateways with 1, 1,000 and 10,000 endpoints');
  const gateways = await Promise.all(
    SCALES.map(async (count) => {
      const dir = join(work, `scale-${count}`);
      mkdirSync(dir);
      writeFileSync(join(dir, 'routes.yaml'), scaleManifests(count, upstream.base));
      const last = scalePath(count - 1).replace('{id}', '7');
      const g = await startKoaxy(`${count.toLocaleString('en-US')} endpoint${count === 1 ? '' : 's'}`, dir, last);
      return { ...g, count, url: g.base + last };
    }),
  );
  try {
    await sleep(1_000);
    const idle = new Map(gateways.map((g) => [g.name, rssMiB(g.pid)]));
    const results = await alternate(gateways.map((g) => ({ name: g.name, url: g.url })), AMOUNT);
    const loaded = new Map(gateways.map((g) => [g.name, rssMiB(g.pid)]));
    if (only.has('4')) {
      const ref = median(results.get(gateways[0]!.name)!.map((s) => s.rps));
      md.push('### Scenario 4 — route scale (koaxy, the last-defined endpoint is hit)', '', '| endpoints loaded | requests/s (median) | p50 ms | p99 ms | failed | ratio to 1 endpoint | runs (req/s) |', '|---|---:|---:|---:|---:|---:|---|');
      for (const [name, samples] of results) {
        const m = medianSample(samples);
        md.push(`| ${name} | ${fmt(m.rps)} | ${fmt(m.p50, 1)} | ${fmt(m.p99, 1)} | ${m.failed} | ${fmt(m.rps / ref, 2)} | ${samples.map((s) => fmt(s.rps)).join(', ')} |`);
      }
      md.push('');
    }
    if (only.has('6')) {
      md.push('### Scenario 6 — resident memory of the koaxy process (VmRSS)', '', '| endpoints loaded | RSS after start, MiB | RSS after the load of scenario 4, MiB |', '|---|---:|---:|');
      for (const g of gateways) md.push(`| ${g.name} | ${fmt(idle.get(g.name)!, 1)} | ${fmt(loaded.get(g.name)!, 1)} |`);
      md.push('');
    }
  } finally {
    for (const g of gateways) await stop(g.child);
  }
}

async function loadsOk(statusBase: string): Promise<number> {
  const text = await (await fetch(`${statusBase}/metrics`)).text();
  return Number(/koaxy_route_table_loads_total\{result="ok"\} (\d+)/.exec(text)?.[1] ?? 0);
}

async function scenario5(upstream: Started, work: string): Promise<void> {
  log('scenario 5: reload under load');
  const dir = join(work, 'koaxy-5');
  const staging = join(work, 'koaxy-5-staging');
  mkdirSync(dir);
  mkdirSync(staging);
  let version = 0;
  const write = (): void => {
    // Atomic replace: the watcher never sees a half-written file.
    writeFileSync(join(staging, 'routes.yaml'), koaxyManifests(upstream.base, version++));
    renameSync(join(staging, 'routes.yaml'), join(dir, 'routes.yaml'));
  };
  write();
  const g = await startKoaxy('koaxy', dir, PATHS.s1.gateway);
  const url = g.base + PATHS.s1.gateway;
  const steady: Sample[] = [];
  const swapping: Sample[] = [];
  const swapsSeen: number[] = [];
  try {
    await measure(url, connections, { amount: Math.ceil(AMOUNT / 4) });
    for (let round = 0; round < rounds; round++) {
      const s = await measure(url, connections, { duration: SWAP_SECONDS });
      steady.push(s);
      log(`  without swaps round ${round + 1}: ${s.rps.toFixed(0)} req/s, p99 ${s.p99} ms, failed ${s.failed}`);
      const before = await loadsOk(g.statusBase);
      const load = measure(url, connections, { duration: SWAP_SECONDS });
      const interval = (SWAP_SECONDS * 1000 * 0.85) / SWAPS;
      await sleep(interval / 2);
      for (let i = 0; i < SWAPS; i++) {
        write();
        await sleep(interval);
      }
      const w = await load;
      await sleep(300);
      swapsSeen.push((await loadsOk(g.statusBase)) - before);
      swapping.push(w);
      log(`  with swaps    round ${round + 1}: ${w.rps.toFixed(0)} req/s, p99 ${w.p99} ms, failed ${w.failed}, swaps ${swapsSeen.at(-1)}`);
    }
  } finally {
    await stop(g.child);
  }
  const a = medianSample(steady);
  const b = medianSample(swapping);
  md.push(
    `### Scenario 5 — ${SWAPS} route-table swaps during the load of scenario 1 (koaxy, 1 process, ${SWAP_SECONDS} s runs)`,
    '',
    '| run | requests (all rounds) | failed requests | requests/s (median) | p50 ms | p99 ms | table swaps applied per run |',
    '|---|---:|---:|---:|---:|---:|---|',
    `| without swaps | ${a.total} | ${a.failed} | ${fmt(a.rps)} | ${fmt(a.p50, 1)} | ${fmt(a.p99, 1)} | 0 |`,
    `| with swaps | ${b.total} | ${b.failed} | ${fmt(b.rps)} | ${fmt(b.p50, 1)} | ${fmt(b.p99, 1)} | ${swapsSeen.join(', ')} |`,
    '',
    `p99 with swaps / without: ${fmt(b.p99 / a.p99, 2)}. A swap is a file rewrite picked up by the watcher, a full compile and an atomic table swap; the counter is \`koaxy_route_table_loads_total{result="ok"}\`.`,
    '',
  );
}

function machine(): string[] {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const version = (cmd: string, args: string[]): string => {
    const out = spawnSync(cmd, args, { encoding: 'utf8' });
    return `${out.stdout ?? ''}${out.stderr ?? ''}`.trim().split('\n')[0] ?? '';
  };
  const autocannonVersion = (JSON.parse(readFileSync(join(root, 'node_modules/autocannon/package.json'), 'utf8')) as { version: string }).version;
  return [
    `- Machine: ${cpu}, ${availableParallelism()} cores available, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Linux ${release()}`,
    `- Node ${process.version}; autocannon ${autocannonVersion} in the harness process, ${connections} connections, no pipelining`,
    `- nginx: ${nginxBin === null ? 'not available' : version(nginxBin, ['-v']).replace('nginx version: ', '')}; KrakenD CE: ${krakendBin === null ? 'not available' : version(krakendBin, ['version'])}`,
    `- koaxy clustered mode: ${koaxyWorkers > 1 ? `--workers ${koaxyWorkers}` : 'not offered by this build'}`,
    `- Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; total bench time ${((Date.now() - startedAt) / 1000).toFixed(0)} s${quick ? ' (--quick)' : ''}`,
  ];
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'koaxy-bench-'));
  try {
    const upstream = await startUpstream();
    if (['1', '2', '3'].some((k) => only.has(k))) await scenarios123(upstream, work);
    if (only.has('4') || only.has('6')) await scenarios46(upstream, work);
    if (only.has('5')) await scenario5(upstream, work);
  } finally {
    await stopAll();
    rmSync(work, { recursive: true, force: true });
  }
  const reference = krakendBin !== null ? 'KrakenD CE' : nginxBin !== null ? 'nginx' : 'the direct call';
  const header = [
    `# koaxy benchmark results${quick ? ' (quick run)' : ''}`,
    '',
    'Generated by `npm run bench' + (quick ? ' -- --quick' : '') + '` (scripts/bench/run.ts). Every contender runs on this machine on loopback, together with the upstream (one Node process) and the load generator; contenders are measured in alternation, each ' + `${rounds} times after a warm-up run, and the tables give medians. Read the ratios, not the absolute numbers: they come from one run on a shared machine.`,
    '',
    ...machine(),
    '',
    krakendBin === null ? `**KrakenD CE: not available.** ${KRAKEND_MISSING} Ratios are therefore against **${reference}** (a plain reverse proxy that does no JSON work), not against KrakenD.` : `Ratios are against **KrakenD CE** from the same run.`,
    '',
    `![requests per second](chart${suffix}.svg)`,
    '',
  ];
  writeFileSync(join(outDir, `results${suffix}.md`), [...header, ...md].join('\n'));
  writeFileSync(join(outDir, `chart${suffix}.svg`), barChart('koaxy benchmark: requests/s (median)', `ratios against ${reference}; ${availableParallelism()} cores shared by everything; ${quick ? 'quick run' : 'full run'}`, chartGroups));
  log(`wrote ${join(outDir, `results${suffix}.md`)} and chart${suffix}.svg`);
  process.stdout.write([...header, ...md].join('\n') + '\n');
}

for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    void stopAll().then(() => process.exit(130));
  });
await main();
