/**
 * The test command (`npm test`): type-checks the tree, then runs every mocha tier and closes
 * with the line CI reads: `N passed, N failed`. Exits non-zero on any failure, and also when no
 * test ran at all (a run that executed nothing proves nothing).
 *
 * Usage: node scripts/run-tests.ts [--no-typecheck] [--grep RE] [FILE_OR_DIR...]
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import Mocha from 'mocha';
import { buildBinaries, missingBinaries } from './cluster/binaries.ts';

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

/** Test files of the cluster tier: under test/cluster/, or importing its harness. */
function clusterTestFiles(files: readonly string[]): string[] {
  const clusterDir = join(root, 'test', 'cluster') + sep;
  return files.filter((file) => file.startsWith(clusterDir) || readFileSync(file, 'utf8').includes('cluster/harness.ts'));
}

/**
 * The cluster tier needs etcd, kube-apiserver, kubectl and helm built from Go modules
 * (scripts/cluster/build.sh, cached outside the work tree). Builds them when missing; returns 1
 * (a failure for the closing line) when they cannot be built, so the tier never passes skipped.
 */
async function ensureClusterBinaries(files: readonly string[]): Promise<number> {
  const clusterFiles = clusterTestFiles(files);
  if (clusterFiles.length === 0 || missingBinaries().length === 0) return 0;
  console.log(`cluster tier: ${clusterFiles.length} file(s) need etcd/kube-apiserver/kubectl/helm; building them into the cache (minutes when cold) ...`);
  const code = await buildBinaries();
  if (code === 0 && missingBinaries().length === 0) return 0;
  console.error(`cluster tier FAILED: the control-plane binaries could not be built (scripts/cluster/build.sh exited ${code}; its message is above).`);
  console.error('  Fix: install Go >= 1.24 (go1.26 recommended) with access to the Go module proxy, then run `npm run cluster:build` (or `bash scripts/cluster/build.sh`).');
  return 1;
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
  const clusterFailures = await ensureClusterBinaries(files);
  const mocha = new Mocha({ reporter: 'spec', timeout: 20_000, ...(grep ? { grep } : {}) });
  for (const file of files) mocha.addFile(file);
  await mocha.loadFilesAsync();
  const stats = await new Promise<{ passes: number; failures: number; pending: number }>((done) => {
    const runner = mocha.run(() => done({ passes: runner.stats?.passes ?? 0, failures: runner.stats?.failures ?? 0, pending: runner.stats?.pending ?? 0 }));
  });
  const failed = stats.failures + typeFailures + clusterFailures;
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
