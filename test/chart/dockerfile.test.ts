import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from './chart.ts';

interface Instruction {
  readonly op: string;
  readonly args: string;
}

/** The Dockerfile's instructions, with line continuations joined and comments dropped. */
function instructions(): Instruction[] {
  const text = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [op, ...rest] = line.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(' ') };
    });
}

/** Stages: each FROM and the instructions after it. */
function stages(): Instruction[][] {
  const out: Instruction[][] = [];
  for (const ins of instructions()) {
    if (ins.op === 'FROM') out.push([]);
    out.at(-1)?.push(ins);
  }
  return out;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'testdata' ? [] : tsFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [full] : [];
  });
}

describe('Dockerfile', () => {
  const all = stages();
  const runtime = all.at(-1) ?? [];

  it('is multi-stage: Node 24 to install, a distroless Node 24 runtime without a shell', () => {
    assert.ok(all.length >= 2, 'one stage only');
    assert.match(all[0]![0]!.args, /^node:24[-\w.]*\s+AS\s+\w+/i);
    assert.match(runtime[0]!.args, /^gcr\.io\/distroless\/nodejs24-debian\d+/);
    assert.ok(!runtime.some((i) => i.op === 'RUN'), 'the runtime stage has no shell to RUN with');
  });

  it('installs production dependencies only, from the lockfile', () => {
    const installs = all.flat().filter((i) => i.op === 'RUN' && /\bnpm\b/.test(i.args));
    assert.ok(installs.length > 0);
    for (const i of installs) assert.match(i.args, /npm ci\b.*--omit=dev/, i.args);
  });

  it('runs as a non-root user, with bin/koaxy.js as the entry point', () => {
    const users = runtime.filter((i) => i.op === 'USER');
    assert.ok(users.length > 0, 'no USER in the runtime stage');
    const user = users.at(-1)!.args.split(':')[0]!;
    assert.ok(user !== 'root' && user !== '0' && user !== '', `runs as ${user}`);
    const entry = runtime.find((i) => i.op === 'ENTRYPOINT');
    assert.ok(entry, 'no ENTRYPOINT');
    const argv = JSON.parse(entry.args) as string[];
    assert.deepEqual(argv.slice(-1), ['bin/koaxy.js']);
    assert.ok(existsSync(join(repoRoot, 'bin', 'koaxy.js')));
  });

  it('copies only paths that exist and that .dockerignore lets through', () => {
    const ignore = readFileSync(join(repoRoot, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    const allowed = ignore.filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/\*\*$/, ''));
    assert.ok(ignore.includes('**'), '.dockerignore should exclude everything by default');
    const copies = all.flat().filter((i) => i.op === 'COPY' && !i.args.includes('--from='));
    assert.ok(copies.length > 0);
    for (const copy of copies) {
      const parts = copy.args.split(/\s+/).filter((p) => !p.startsWith('--'));
      for (const source of parts.slice(0, -1)) {
        assert.ok(existsSync(join(repoRoot, source)), `COPY ${source}: no such path`);
        assert.ok(allowed.includes(source), `COPY ${source}: excluded by .dockerignore`);
      }
    }
  });

  it('ships sources that import only production dependencies', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const bad: string[] = [];
    for (const file of tsFiles(join(repoRoot, 'src'))) {
      for (const match of readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)\b[^'"]*?\bfrom\s+'([^']+)'/gm)) {
        const spec = match[1]!;
        if (spec.startsWith('.') || spec.startsWith('node:')) continue;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        if (!(name in pkg.dependencies)) bad.push(`${relative(repoRoot, file)} imports ${spec}`);
      }
    }
    assert.deepEqual(bad, [], 'these would fail in the image (devDependencies are not installed)');
  });
});
