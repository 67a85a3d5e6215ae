/**
 * The test command (`npm test`): type-checks the tree, then runs every mocha tier and closes
 * with the line CI reads: `N passed, N failed`. Exits non-zero on any failure, and also when no
 * test ran at all (a run that executed nothing proves nothing).
 *
 * Usage: node scripts/run-tests.ts [--no-typecheck] [--grep RE] [FILE_OR_DIR...]
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Mocha from 'mocha';

const root = resolve(import.meta.dirname, '..');

function findTests(path: string, out: string[]): string[] {
  const stat = statSync(path);
  if (stat.isFile()) {
    out.push(path);
    return out;
  }
  for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = join(path, entry.name);
    if (entry.isDirectory()) findTests(full, out);
    else if (entry.name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

function typecheck(): boolean {
  const tsc = join(root, 'node_modules', '.bin', 'tsc');
  const result = spawnSync(tsc, ['-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
  return result.status === 0;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let grep: string | undefined;
  let check = true;
  const paths: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--no-typecheck') check = false;
    else if (arg === '--grep') grep = args[++i];
    else paths.push(resolve(arg));
  }
  let typeFailures = 0;
  if (check && !typecheck()) {
    console.error('type check failed (tsc -p tsconfig.json)');
    typeFailures = 1;
  }
  const files = (paths.length > 0 ? paths : [join(root, 'src'), join(root, 'test')]).flatMap((p) => findTests(p, []));
  const mocha = new Mocha({ reporter: 'spec', timeout: 20_000, ...(grep ? { grep } : {}) });
  for (const file of files) mocha.addFile(file);
  await mocha.loadFilesAsync();
  const stats = await new Promise<{ passes: number; failures: number; pending: number }>((done) => {
    const runner = mocha.run(() => done({ passes: runner.stats?.passes ?? 0, failures: runner.stats?.failures ?? 0, pending: runner.stats?.pending ?? 0 }));
  });
  const failed = stats.failures + typeFailures;
  const skipped = stats.pending > 0 ? `, ${stats.pending} skipped` : '';
  console.log(`\n${stats.passes} passed, ${failed} failed${skipped}`);
  if (stats.passes + failed === 0) {
    console.error('no test ran: a run that executes nothing is a failure');
    process.exitCode = 1;
  } else if (failed > 0 || stats.pending > 0) {
    process.exitCode = 1;
  }
}

await main();
