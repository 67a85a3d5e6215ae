/**
 * `npm run cluster:up`: starts the test control plane (etcd + kube-apiserver, RBAC, the
 * GatewayEndpoint CRD applied) in the foreground for people, prints the `export KUBECONFIG=...`
 * line, and on Ctrl-C (or SIGTERM) stops both processes and removes the temporary directory.
 * Builds the binaries first when they are missing. Must not import src/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { buildBinaries, clusterBinaries, missingBinaries } from './binaries.ts';
import { ControlPlane } from './control-plane.ts';
import { runChecked } from './run-command.ts';

const crdPath = process.env['KOAXY_TEST_CRD'] || resolve(import.meta.dirname, '..', '..', 'crds', 'gatewayendpoints.gateway.koaxy.dev.yaml');

async function applyCrd(kubectl: string, plane: ControlPlane): Promise<string> {
  if (!existsSync(crdPath)) return `CRD not applied: ${crdPath} does not exist yet`;
  const env = { ...process.env, KUBECONFIG: plane.kubeconfigPath };
  await runChecked(kubectl, ['apply', '--server-side', '-f', '-'], { input: readFileSync(crdPath, 'utf8'), env });
  await runChecked(kubectl, ['wait', '--for=condition=Established', '--timeout=60s', 'crd/gatewayendpoints.gateway.koaxy.dev'], { env });
  return 'CRD gatewayendpoints.gateway.koaxy.dev applied';
}

let stopping = false;

async function main(): Promise<number> {
  let bins = clusterBinaries();
  if (missingBinaries(bins).length > 0) {
    console.log('cluster:up: control-plane binaries missing, building them (scripts/cluster/build.sh) ...');
    const code = await buildBinaries();
    if (code !== 0) return code;
    bins = clusterBinaries();
  }
  const t0 = Date.now();
  const plane = new ControlPlane();
  const stop = (why: string, code: number) => {
    if (stopping) return;
    stopping = true;
    console.log(`\ncluster:up: ${why}, stopping kube-apiserver and etcd ...`);
    void plane.stop().then(() => {
      console.log(`cluster:up: stopped; removed ${plane.dir}`);
      process.exit(code);
    });
  };
  process.on('SIGINT', () => stop('Ctrl-C', 0));
  process.on('SIGTERM', () => stop('SIGTERM', 0));
  process.on('exit', () => plane.killNow());
  plane.onCrash((name, tail) => {
    console.error(`cluster:up: ${name} exited unexpectedly; its log ends:\n${tail}`);
    stop(`${name} died`, 1);
  });
  console.log(`cluster:up: starting etcd ${bins.etcdVersion} and kube-apiserver ${bins.kubeVersion} ...`);
  await plane.start({ bins, etcdPrefix: `/koaxy-up-${process.pid}` });
  let crd: string;
  try {
    crd = await applyCrd(bins.kubectl, plane);
  } catch (error) {
    crd = `CRD not applied: ${(error as Error).message}`;
  }
  console.log([
    `cluster:up: kube-apiserver ${bins.kubeVersion} (etcd ${bins.etcdVersion}) ready at ${plane.server} in ${((Date.now() - t0) / 1000).toFixed(1)}s`,
    `cluster:up: ${crd}`,
    'In another shell:',
    '',
    `  export KUBECONFIG=${plane.kubeconfigPath}`,
    `  export PATH=${dirname(bins.kubectl)}:${dirname(bins.helm)}:$PATH   # kubectl ${bins.kubeVersion} and helm ${bins.helmVersion}`,
    '  kubectl get gwe -A',
    '',
    `Logs: ${join(plane.dir, 'kube-apiserver.log')}, ${join(plane.dir, 'etcd.log')}`,
    'No controller-manager runs: namespaces never finish deleting and Deployments get no Pods.',
    'Press Ctrl-C to stop (everything under the temporary directory is removed).',
  ].join('\n'));
  return new Promise<number>(() => {}); // runs until a signal
}

main().then((code) => process.exit(code), (error: unknown) => {
  if (stopping) return; // a signal stopped the start; stop() exits when done
  console.error(`cluster:up: ${(error as Error).message}`);
  process.exit(1);
});
