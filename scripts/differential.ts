/**
 * The differential run (`npm run test:differential`): the acceptance cases through KrakenD CE
 * and through koaxy, comparing status, the headers that matter and the body structurally.
 * A difference fails the run unless `test/differential/known-differences.json` lists it.
 * Requests are the acceptance runner's (`send()`, Go's client, redirects followed, `{{jwt}}` a
 * token signed per run with the mock backend's keys, `backends.signJwt`); cases marked
 * `koaxy_bug`, or needing a feature koaxy lacks, are skipped and listed.
 *
 * Needs a KrakenD CE binary: KRAKEND_BIN=/path/to/krakend. Without it the run cannot happen
 * and exits 1 saying so (the Go module proxy here refuses github.com/krakend/krakend-ce/v2).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Backends, startBackends } from '../test/acceptance/backends.ts';
import { type AcceptanceCase, CASES, krakendConfigText, substitute } from '../test/acceptance/cases.ts';
import { type Answer, pendingFeatures, send, serveConfig } from '../test/acceptance/runner.ts';

const bin = process.env['KRAKEND_BIN'];
if (bin === undefined || bin === '') {
  console.error('differential: cannot run: no KrakenD CE binary (the Go module proxy refuses github.com/krakend/krakend-ce/v2 with 403); set KRAKEND_BIN=/path/to/krakend (CE v2.9+) to run it');
  process.exit(1);
}

const known = JSON.parse(readFileSync(resolve(import.meta.dirname, '..', 'test', 'differential', 'known-differences.json'), 'utf8')) as { case: string; what: string }[];
const HEADERS = ['content-type', 'cache-control', 'x-krakend-completed', 'set-cookie', 'location'];

function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/** Starts `krakend run -d -c FILE` on a free port; resolves once it answers /__health. */
async function startKrakend(name: string, substitutions: Map<string, string>): Promise<{ origin: string; stop(): void }> {
  const port = await freePort();
  const self = `http://127.0.0.1:${port}`;
  // CE's config calls KrakenD itself as 127.0.0.1:8080: point that at the real KrakenD.
  const config = JSON.parse(substitute(krakendConfigText(name), new Map([...substitutions, ['http://127.0.0.1:8080', self]]))) as Record<string, unknown>;
  config['port'] = port;
  const dir = mkdtempSync(join(tmpdir(), 'koaxy-differential-'));
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(config));
  const child = spawn(bin!, ['run', '-d', '-c', file], { env: { ...process.env, USAGE_DISABLE: '1' }, stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const up = await fetch(`${self}/__health`).then((r) => r.ok, () => false);
    if (up) return { origin: self, stop: () => (child.kill(), rmSync(dir, { recursive: true, force: true })) };
    await new Promise((r) => setTimeout(r, 100)); // process start-up has no event to wait on
  }
  child.kill();
  throw new Error(`KrakenD did not answer ${self}/__health within 10 s`);
}

function normalise(answer: Answer): { status: number; headers: Record<string, unknown>; body: unknown } {
  const text = answer.body.replace(/KrakenD Version [^"\s]+/g, 'KrakenD Version X').replace(/127\.0\.0\.1:\d+/g, 'HOST');
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: compared as text
  }
  return { status: answer.status, headers: Object.fromEntries(HEADERS.map((h) => [h, answer.headers[h]])), body };
}

function differences(name: string, a: unknown, b: unknown, path: string): string[] {
  if (known.some((k) => (k.case === name || k.case === '*') && path.endsWith(k.what))) return [];
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => differences(name, (a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [`${path}: KrakenD ${JSON.stringify(a)} vs koaxy ${JSON.stringify(b)}`];
}

/**
 * The `{{var}}`s a case's request uses, as the acceptance runner fills them: `{{jwt}}` is the
 * case's token signed with the mock backend's JWK set (both gateways validate against it).
 */
async function caseVars(kase: AcceptanceCase, backends: Backends): Promise<Record<string, string>> {
  if (kase.jwt === undefined) return {};
  const claims = { exp: Math.floor(Date.now() / 1000) + 3600, ...kase.jwt.claims };
  return { jwt: await backends.signJwt(kase.jwt.header, claims) };
}

async function main(): Promise<number> {
  const backends = await startBackends();
  const substitutions = new Map(backends.substitutions);
  let failures = 0;
  try {
    for (const config of ['ce', 'lura'] as const) {
      const krakend = await startKrakend(config, substitutions);
      const koaxy = await serveConfig(config, substitutions);
      try {
        for (const kase of CASES.filter((c: AcceptanceCase) => c.config === config)) {
          const skip = kase.koaxy_bug !== undefined ? `koaxy bug: ${kase.koaxy_bug}` : pendingFeatures(kase).map((f) => `${f} not implemented by koaxy`).join(', ');
          if (skip !== '') {
            console.log(`skip ${kase.name}: ${skip}`);
            continue;
          }
          const vars = await caseVars(kase, backends);
          const diffs = differences(kase.name, normalise(await send(krakend.origin, kase, vars)), normalise(await send(koaxy.gateway.data.url, kase, vars)), '');
          failures += diffs.length > 0 ? 1 : 0;
          console.log(diffs.length === 0 ? `ok   ${kase.name}` : `DIFF ${kase.name}\n  ${diffs.join('\n  ')}`);
        }
      } finally {
        krakend.stop();
        await koaxy.close();
      }
    }
  } finally {
    await backends.close();
  }
  console.log(`\ndifferential: ${failures} case(s) differ beyond test/differential/known-differences.json`);
  return failures === 0 ? 0 : 1;
}

process.exitCode = await main();
