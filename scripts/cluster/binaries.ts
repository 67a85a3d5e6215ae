/**
 * Where the control-plane binaries built by build.sh live, and how to build the missing ones.
 * The cache is outside the work tree: `${KOAXY_CACHE:-$HOME/.cache/koaxy}/bin/<set>-<version>/`.
 * Must not import anything from src/ (the cluster tooling stands apart from the product).
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const here = import.meta.dirname;

/** Absolute paths of the four binaries and the versions they were built at. */
export interface ClusterBinaries {
  readonly etcd: string;
  readonly kubeApiserver: string;
  readonly kubectl: string;
  readonly helm: string;
  readonly kubeVersion: string;
  readonly etcdVersion: string;
  readonly helmVersion: string;
}

/** Reads scripts/cluster/versions.env (KEY=VALUE lines, `#` comments). */
export function readVersions(): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const line of readFileSync(join(here, 'versions.env'), 'utf8').split('\n')) {
    const match = /^([A-Z_]+)=(\S+)$/.exec(line.trim());
    if (match) versions[match[1]!] = match[2]!;
  }
  return versions;
}

/** The cache root: `$KOAXY_CACHE`, else `~/.cache/koaxy`. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env['KOAXY_CACHE'] || join(homedir(), '.cache', 'koaxy');
}

/** The paths build.sh writes for the versions in versions.env (they may not exist yet). */
export function clusterBinaries(env: NodeJS.ProcessEnv = process.env): ClusterBinaries {
  const v = readVersions();
  const kubeVersion = v['KUBE_VERSION'] ?? 'missing';
  const etcdVersion = v['ETCD_VERSION'] ?? 'missing';
  const helmVersion = v['HELM_VERSION'] ?? 'missing';
  const bin = join(cacheRoot(env), 'bin');
  return {
    etcd: join(bin, `etcd-${etcdVersion}`, 'etcd'),
    kubeApiserver: join(bin, `kube-${kubeVersion}`, 'kube-apiserver'),
    kubectl: join(bin, `kube-${kubeVersion}`, 'kubectl'),
    helm: join(bin, `helm-${helmVersion}`, 'helm'),
    kubeVersion,
    etcdVersion,
    helmVersion,
  };
}

/** The binaries of {@link clusterBinaries} that are not present and executable. */
export function missingBinaries(bins: ClusterBinaries = clusterBinaries()): string[] {
  return [bins.etcd, bins.kubeApiserver, bins.kubectl, bins.helm].filter((path) => {
    try {
      accessSync(path, constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
}

/** Runs build.sh with inherited output; resolves with its exit code (3 = Go missing). */
export function buildBinaries(): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('bash', [join(here, 'build.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', () => resolve(127));
    child.on('close', (code) => resolve(code ?? 1));
  });
}
