import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startCluster, type Cluster } from '../cluster/harness.ts';
import { chartDir, repoRoot } from './chart.ts';

/** `kubectl get KIND -n NS -l instance=RELEASE -o name`, sorted. */
async function names(cluster: Cluster, kind: string, release: string, namespace?: string): Promise<string[]> {
  const scope = namespace ? ['-n', namespace] : [];
  const out = await cluster.kubectlOk(['get', kind, ...scope, '-l', `app.kubernetes.io/instance=${release}`, '-o', 'name']);
  return out.split('\n').filter((l) => l !== '').sort();
}

describe('helm chart and deploy/ on a real kube-apiserver', function () {
  this.timeout(60_000);
  let cluster: Cluster;

  before(async function () {
    this.timeout(180_000); // the first cluster file pays for starting the control plane
    cluster = await startCluster();
  });

  it('installs, upgrades and uninstalls the chart', async () => {
    const ns = await cluster.namespace('chart');
    const release = 'gw';
    const install = await cluster.helm(['install', release, chartDir, '--namespace', ns]);
    assert.equal(install.code, 0, install.stderr);
    assert.match(install.stdout, /kubectl describe gwe hello/);
    // The first endpoint NOTES.txt tells the user to apply is valid on the real API server.
    const manifest = /<<'YAML'.*\n([\s\S]*?)\n\s*YAML\n/.exec(install.stdout)?.[1];
    assert.ok(manifest, 'no manifest in NOTES.txt');
    const dry = await cluster.kubectl(['apply', '--dry-run=server', '-n', ns, '-f', '-'], manifest.replace(/^  /gm, ''));
    assert.equal(dry.code, 0, dry.stderr);
    assert.deepEqual(await names(cluster, 'deployment,service,serviceaccount,poddisruptionbudget,role,rolebinding', release, ns), [
      'deployment.apps/gw-koaxy', 'poddisruptionbudget.policy/gw-koaxy', 'role.rbac.authorization.k8s.io/gw-koaxy-leader-election',
      'rolebinding.rbac.authorization.k8s.io/gw-koaxy-leader-election', 'service/gw-koaxy', 'serviceaccount/gw-koaxy',
    ]);
    assert.deepEqual(await names(cluster, 'clusterrole,clusterrolebinding', release), [
      `clusterrole.rbac.authorization.k8s.io/${ns}-gw-koaxy`, `clusterrolebinding.rbac.authorization.k8s.io/${ns}-gw-koaxy`,
    ]);

    const watched = await cluster.namespace('chart-watched');
    const upgrade = await cluster.helm(['upgrade', release, chartDir, '--namespace', ns, '--set', `watchNamespaces={${watched}}`, '--set', 'autoscaling.enabled=true', '--set', 'metrics.service.enabled=true']);
    assert.equal(upgrade.code, 0, upgrade.stderr);
    assert.deepEqual(await names(cluster, 'clusterrole,clusterrolebinding', release), [], 'namespaced mode left cluster-wide RBAC');
    assert.deepEqual(await names(cluster, 'role,rolebinding', release, watched), [
      'role.rbac.authorization.k8s.io/gw-koaxy', 'rolebinding.rbac.authorization.k8s.io/gw-koaxy',
    ]);
    assert.deepEqual(await names(cluster, 'horizontalpodautoscaler,service', release, ns), [
      'horizontalpodautoscaler.autoscaling/gw-koaxy', 'service/gw-koaxy', 'service/gw-koaxy-metrics',
    ]);
    const args = await cluster.kubectlOk(['get', 'deployment', 'gw-koaxy', '-n', ns, '-o', 'jsonpath={.spec.template.spec.containers[1].args}']);
    assert.ok((JSON.parse(args) as string[]).includes(`--namespace=${watched}`), args);

    const uninstall = await cluster.helm(['uninstall', release, '--namespace', ns]);
    assert.equal(uninstall.code, 0, uninstall.stderr);
    assert.deepEqual(await names(cluster, 'deployment,service,serviceaccount,role,rolebinding,horizontalpodautoscaler', release, ns), []);
    assert.deepEqual(await names(cluster, 'role,rolebinding', release, watched), []);
    const crd = await cluster.kubectl(['get', 'crd', 'gatewayendpoints.gateway.koaxy.dev']);
    assert.equal(crd.code, 0, 'helm uninstall must leave the CRD (and every GatewayEndpoint) in place');
  });

  it('lets the controller ServiceAccount do exactly what files/rbac-rules.yaml says', async () => {
    const ns = await cluster.namespace('chart-rbac');
    const install = await cluster.helm(['install', 'rb', chartDir, '--namespace', ns]);
    assert.equal(install.code, 0, install.stderr);
    const as = `--as=system:serviceaccount:${ns}:rb-koaxy`;
    const can = async (...args: string[]) => (await cluster.kubectl(['auth', 'can-i', as, ...args])).stdout.trim();
    assert.equal(await can('watch', 'gatewayendpoints.gateway.koaxy.dev', '--all-namespaces'), 'yes');
    assert.equal(await can('patch', 'gatewayendpoints.gateway.koaxy.dev', '--subresource=status', '-n', 'default'), 'yes');
    assert.equal(await can('list', 'services', '--all-namespaces'), 'yes');
    assert.equal(await can('create', 'events', '-n', 'default'), 'yes');
    assert.equal(await can('update', 'leases.coordination.k8s.io', '-n', ns), 'yes');
    assert.equal(await can('update', 'leases.coordination.k8s.io', '-n', 'default'), 'no', 'Leases outside the release namespace');
    assert.equal(await can('patch', 'gatewayendpoints.gateway.koaxy.dev', '-n', 'default'), 'no', 'the spec is the user\'s');
    assert.equal(await can('get', 'secrets', '-n', ns), 'no');
    assert.equal(await can('list', 'pods', '--all-namespaces'), 'no');
    await cluster.helm(['uninstall', 'rb', '--namespace', ns]);
  });

  for (const [mode, args] of [['-k deploy/', ['-k', join(repoRoot, 'deploy')]], ['-f deploy/koaxy.yaml', ['-f', join(repoRoot, 'deploy', 'koaxy.yaml')]]] as const) {
    it(`accepts kubectl apply --server-side --dry-run=server ${mode}`, async () => {
      // Server dry-run creates nothing, so the namespace the manifests create must exist already.
      await cluster.kubectlOk(['apply', '-f', '-'], 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: koaxy\n');
      const result = await cluster.kubectl(['apply', '--server-side', '--dry-run=server', ...args]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /deployment\.apps\/koaxy serverside-applied \(server dry run\)/);
      assert.match(result.stdout, /clusterrole\.rbac\.authorization\.k8s\.io\/koaxy-koaxy serverside-applied \(server dry run\)/);
    });
  }
});
