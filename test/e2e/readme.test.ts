import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startDemoUpstream } from '../../scripts/demo-upstream.ts';
import type { Standalone } from '../../src/cli/standalone.ts';
import { startGateway, waitFor } from './helpers.ts';

const root = resolve(import.meta.dirname, '..', '..');
const run = promisify(execFile);

interface CurlExample {
  readonly command: string;
  readonly expected: string;
}

/** The `$ curl ...` lines of the README's "Try it" section and the output printed under each. */
function readmeExamples(): CurlExample[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Try it'), readme.indexOf('## Commands'));
  const examples: CurlExample[] = [];
  for (const block of section.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const lines = block[1]!.split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!lines[i]!.startsWith('$ ')) continue;
      const output: string[] = [];
      for (let j = i + 1; j < lines.length && !lines[j]!.startsWith('$ '); j++) output.push(lines[j]!);
      while (output.length > 0 && output.at(-1) === '') output.pop();
      examples.push({ command: lines[i]!.slice(2), expected: output.join('\n') });
    }
  }
  return examples;
}

describe('the README', () => {
  let upstream: Server;
  let gateway: Standalone;
  let dir: string;

  before(async () => {
    upstream = await startDemoUpstream('127.0.0.1', 0);
    const { port } = upstream.address() as AddressInfo;
    dir = mkdtempSync(join(tmpdir(), 'koaxy-readme-'));
    cpSync(join(root, 'examples'), dir, { recursive: true });
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      writeFileSync(path, readFileSync(path, 'utf8').replaceAll('127.0.0.1:8081', `127.0.0.1:${port}`));
    }
    gateway = await startGateway([dir]);
    await waitFor(gateway, () => gateway.version() !== null, 'the examples to load');
  });

  after(async () => {
    await gateway.close();
    upstream.closeAllConnections();
    upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has curl examples in "Try it"', () => {
    assert.ok(readmeExamples().length >= 5, 'expected at least five curl lines');
  });

  it('loads every bundled example as accepted', () => {
    const rejected = gateway.report().resources.filter((r) => r.conditions.some((c) => c.type === 'Accepted' && c.status !== 'True'));
    assert.deepEqual(rejected, []);
    assert.deepEqual(gateway.report().files, []);
  });

  for (const example of readmeExamples()) {
    it(`answers "${example.command}" as printed`, async () => {
      const command = example.command.replaceAll('localhost:8080', gateway.data.url.replace('http://', ''));
      let actual: string;
      try {
        // The gateway runs in this process: the command must not block the event loop.
        actual = (await run('sh', ['-c', command], { encoding: 'utf8', timeout: 10_000 })).stdout;
      } catch (err) {
        throw new Error(`"${example.command}" failed (is curl installed? apt-get install curl): ${(err as Error).message}`);
      }
      assert.equal(actual.replace(/\n+$/, '').replaceAll('\r', ''), example.expected);
    });
  }
});
