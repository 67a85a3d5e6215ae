/**
 * `node scripts/bench/profile.ts [--scenario s1|s2|s3] [--requests N]`: where koaxy's time goes on
 * the hot path. Starts the bench upstream and `koaxy standalone` under `--cpu-prof`, drives one
 * scenario with autocannon, stops koaxy (which writes the profile) and prints self time by
 * function and by module (koaxy source, each package, Node internals, idle/GC).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PATHS, koaxyManifests } from './configs.ts';
import { freePort, measure, root, start, stop, stopAll, waitForHttp } from './lib.ts';

const { values } = parseArgs({ options: { scenario: { type: 'string', default: 's1' }, requests: { type: 'string', default: '30000' }, top: { type: 'string', default: '30' } } });
const scenario = values.scenario as keyof typeof PATHS;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function moduleOf(url: string, name: string): string {
  if (url === '') return name.startsWith('(') ? name : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 13).split('/').slice(0, url.slice(nm + 13).startsWith('@') ? 2 : 1).join('/');
  if (url.startsWith('node:')) return 'node internals';
  if (url.includes('/src/')) return 'koaxy ' + url.slice(url.indexOf('/src/') + 5).split('/')[0];
  return url;
}

function summarize(profile: Profile, top: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fn = new Map<string, number>();
  const mod = new Map<string, number>();
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const where = url === '' ? '' : ` ${url.replace(/^file:\/\/.*?\/(node_modules|src)\//, '$1/')}:${lineNumber + 1}`;
    const key = `${functionName || '(anonymous)'}${where}`;
    fn.set(key, (fn.get(key) ?? 0) + us);
    const m = moduleOf(url, functionName);
    mod.set(m, (mod.get(m) ?? 0) + us);
  }
  const pct = (us: number): string => `${((us / total) * 100).toFixed(1).padStart(5)} %`;
  const lines = ['self time by module:'];
  for (const [m, us] of [...mod].sort((a, b) => b[1] - a[1]).slice(0, 20)) lines.push(`  ${pct(us)}  ${m}`);
  lines.push('', 'self time by function:');
  for (const [f, us] of [...fn].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(us)}  ${f}`);
  return lines.join('\n');
}

const work = mkdtempSync(join(tmpdir(), 'koaxy-profile-'));
try {
  const upPort = await freePort();
  const upstream = start(process.execPath, ['scripts/bench/upstream.ts', String(upPort)]);
  const upstreamBase = `http://127.0.0.1:${upPort}`;
  await waitForHttp(`${upstreamBase}/item/1`, upstream);
  const dir = join(work, 'routes');
  const profDir = join(work, 'prof');
  mkdirSync(dir);
  writeFileSync(join(dir, 'routes.yaml'), koaxyManifests(upstreamBase));
  const port = await freePort();
  const koaxy = start(process.execPath, ['--cpu-prof', '--cpu-prof-dir', profDir, 'bin/koaxy.js', 'standalone', '--endpoints', dir, '--port', String(port), '--status-port', '0', '--admin-port', '0', '--bind', '127.0.0.1', '--log-level', 'warn']);
  const url = `http://127.0.0.1:${port}${PATHS[scenario].gateway}`;
  await waitForHttp(url, koaxy);
  await measure(url, 32, { amount: 2_000 });
  const sample = await measure(url, 32, { amount: Number(values.requests) });
  console.log(`${scenario}: ${sample.rps.toFixed(0)} req/s, p50 ${sample.p50} ms, p99 ${sample.p99} ms, failed ${sample.failed} (under --cpu-prof)\n`);
  await stop(koaxy);
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error('koaxy wrote no profile');
  console.log(summarize(JSON.parse(readFileSync(join(profDir, file), 'utf8')) as Profile, Number(values.top)));
  const keep = join(root, 'bench', `profile-${scenario}.cpuprofile`);
  if (process.env['KEEP_PROFILE'] === '1') writeFileSync(keep, readFileSync(join(profDir, file)));
} finally {
  await stopAll();
  rmSync(work, { recursive: true, force: true });
}
