import assert from 'node:assert/strict';
import { chartDir, grants, helm, only, ofKind, rbacRulesFile, render, type K8sObject, type PolicyRule } from './chart.ts';

interface Container {
  name: string;
  image: string;
  args: string[];
  ports: { name: string; containerPort: number }[];
  volumeMounts: { name: string; mountPath: string }[];
  livenessProbe: { httpGet: { path: string; port: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
  resources: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  securityContext: Record<string, unknown>;
  lifecycle?: { preStop?: { sleep?: { seconds: number } } };
}
interface PodSpec {
  automountServiceAccountToken: boolean;
  serviceAccountName: string;
  terminationGracePeriodSeconds: number;
  securityContext: Record<string, unknown>;
  containers: Container[];
  volumes: { name: string; emptyDir?: unknown; projected?: { sources: Record<string, unknown>[] } }[];
}

const nonDefault = ['--set', 'watchNamespaces={team-a,team-b}', '--set', 'autoscaling.enabled=true', '--set', 'metrics.serviceMonitor.enabled=true'];
/** The flags of each command in DESIGN §4. */
const commandFlags: Record<string, string[]> = {
  proxy: ['--state-dir', '--port', '--status-port', '--admin-port'],
  controller: ['--state-dir', '--status-port', '--gateway-name', '--namespace', '--allowed-backends', '--leader-elect'],
};

function podOf(objects: readonly K8sObject[]): PodSpec {
  const deployment = only(objects, 'Deployment') as unknown as { spec: { template: { spec: PodSpec } } };
  return deployment.spec.template.spec;
}
function container(pod: PodSpec, name: string): Container {
  const found = pod.containers.find((c) => c.name === name);
  assert.ok(found, `no container ${name}`);
  return found;
}
function portNumber(c: Container, name: string): number | undefined {
  return c.ports.find((p) => p.name === name)?.containerPort;
}
function rulesOf(objects: readonly K8sObject[], kind: string): PolicyRule[] {
  return ofKind(objects, kind).flatMap((o) => (o as unknown as { rules: PolicyRule[] }).rules);
}
const hasLeases = (rule: PolicyRule) => rule.resources.includes('leases');

describe('helm chart: lint and template (offline)', function () {
  this.timeout(30_000);
  let defaults: K8sObject[];
  let custom: K8sObject[];

  before(async () => {
    [defaults, custom] = await Promise.all([render(), render(nonDefault)]);
  });

  it('passes helm lint --strict with default and non-default values', async () => {
    for (const flags of [[], nonDefault]) {
      const result = await helm(['lint', '--strict', chartDir, ...flags]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
    }
  });

  it('renders the expected objects with default values', () => {
    const kinds = defaults.map((o) => o.kind).sort();
    assert.deepEqual(kinds, ['ClusterRole', 'ClusterRoleBinding', 'Deployment', 'PodDisruptionBudget', 'Role', 'RoleBinding', 'Service', 'ServiceAccount']);
    for (const o of defaults) if (!o.kind.startsWith('Cluster')) assert.equal(o.metadata.namespace, 'edge', `${o.kind} ${o.metadata.name}`);
  });

  it('runs the two containers of DESIGN §1 from one image with the flags of DESIGN §4', () => {
    const pod = podOf(defaults);
    assert.deepEqual(pod.containers.map((c) => c.name), ['proxy', 'controller']);
    const [proxy, controller] = [container(pod, 'proxy'), container(pod, 'controller')];
    assert.equal(proxy.image, controller.image);
    assert.deepEqual(proxy.args, ['proxy', '--state-dir=/var/run/koaxy', '--port=8080', '--status-port=9900', '--admin-port=9901']);
    assert.deepEqual(controller.args, ['controller', '--state-dir=/var/run/koaxy', '--status-port=9902', '--gateway-name=default', '--leader-elect']);
    const customPod = podOf(custom);
    for (const c of customPod.containers) {
      const [command, ...flags] = c.args;
      for (const flag of flags) assert.ok(commandFlags[command!]!.includes(flag.split('=')[0]!), `${command} has no flag ${flag} in DESIGN §4`);
    }
    assert.deepEqual(container(customPod, 'controller').args.filter((a) => a.startsWith('--namespace=')), ['--namespace=team-a', '--namespace=team-b']);
  });

  it('gives Kubernetes credentials to the controller container only', () => {
    const pod = podOf(defaults);
    assert.equal(pod.automountServiceAccountToken, false);
    const proxy = container(pod, 'proxy');
    const controller = container(pod, 'controller');
    assert.ok(!proxy.volumeMounts.some((m) => m.name === 'kube-api-access' || m.mountPath.startsWith('/var/run/secrets')), 'the proxy mounts credentials');
    const tokenMount = controller.volumeMounts.find((m) => m.name === 'kube-api-access');
    assert.equal(tokenMount?.mountPath, '/var/run/secrets/kubernetes.io/serviceaccount');
    const volume = pod.volumes.find((v) => v.name === 'kube-api-access');
    assert.ok(volume?.projected?.sources.some((s) => 'serviceAccountToken' in s), 'no projected ServiceAccount token');
    assert.equal((only(defaults, 'ServiceAccount') as unknown as { automountServiceAccountToken: boolean }).automountServiceAccountToken, false);
  });

  it('shares the state emptyDir and probes each status port', () => {
    const pod = podOf(defaults);
    assert.ok(pod.volumes.find((v) => v.name === 'state')?.emptyDir, 'state is not an emptyDir');
    for (const [name, port] of [['proxy', 9900], ['controller', 9902]] as const) {
      const c = container(pod, name);
      assert.equal(c.volumeMounts.find((m) => m.name === 'state')?.mountPath, '/var/run/koaxy', `${name} state mount`);
      assert.equal(c.livenessProbe.httpGet.path, '/healthz');
      assert.equal(c.readinessProbe.httpGet.path, '/readyz');
      assert.equal(portNumber(c, c.livenessProbe.httpGet.port), port, `${name} liveness port`);
      assert.equal(portNumber(c, c.readinessProbe.httpGet.port), port, `${name} readiness port`);
      assert.ok(c.resources.requests?.['cpu'] && c.resources.requests['memory'] && c.resources.limits?.['memory'], `${name} resources`);
    }
  });

  it('runs non-root, read-only, without capabilities or privilege escalation, seccomp RuntimeDefault', () => {
    const pod = podOf(defaults);
    assert.equal(pod.securityContext['runAsNonRoot'], true);
    assert.deepEqual(pod.securityContext['seccompProfile'], { type: 'RuntimeDefault' });
    for (const c of pod.containers) {
      const sc = c.securityContext;
      assert.equal(sc['runAsNonRoot'], true, c.name);
      assert.equal(sc['readOnlyRootFilesystem'], true, c.name);
      assert.equal(sc['allowPrivilegeEscalation'], false, c.name);
      assert.deepEqual(sc['capabilities'], { drop: ['ALL'] }, c.name);
      assert.deepEqual(sc['seccompProfile'], { type: 'RuntimeDefault' }, c.name);
    }
  });

  it('lets the proxy drain: preStop sleep, then a longer grace period', () => {
    const pod = podOf(defaults);
    const sleep = container(pod, 'proxy').lifecycle?.preStop?.sleep?.seconds;
    assert.ok(sleep !== undefined && sleep > 0, 'no preStop sleep on the proxy');
    assert.ok(pod.terminationGracePeriodSeconds >= sleep + 10, `grace ${pod.terminationGracePeriodSeconds}s leaves under 10s to drain after ${sleep}s`);
    const strategy = (only(defaults, 'Deployment') as unknown as { spec: { strategy: { rollingUpdate: { maxUnavailable: number } } } }).spec.strategy;
    assert.equal(strategy.rollingUpdate.maxUnavailable, 0);
  });

  it('exposes only the data port on the Service by default; the metrics Service is separate', () => {
    const service = only(defaults, 'Service') as unknown as { spec: { type: string; ports: { name: string; targetPort: string }[] } };
    assert.equal(service.spec.type, 'ClusterIP');
    assert.deepEqual(service.spec.ports.map((p) => [p.name, p.targetPort]), [['http', 'http']]);
    const metrics = ofKind(custom, 'Service').find((s) => s.metadata.name.endsWith('-metrics')) as unknown as { metadata: { labels: Record<string, string> }; spec: { ports: { name: string; port: number }[] } };
    assert.deepEqual(metrics.spec.ports.map((p) => [p.name, p.port]), [['proxy-metrics', 9900], ['controller-metrics', 9902]]);
    const monitor = only(custom, 'ServiceMonitor') as unknown as { spec: { selector: { matchLabels: Record<string, string> }; endpoints: { port: string }[] } };
    for (const [key, value] of Object.entries(monitor.spec.selector.matchLabels)) assert.equal(metrics.metadata.labels[key], value, `ServiceMonitor selects ${key}`);
    const dataService = ofKind(custom, 'Service').find((s) => !s.metadata.name.endsWith('-metrics'))!;
    assert.ok(Object.entries(monitor.spec.selector.matchLabels).some(([k, v]) => dataService.metadata.labels?.[k] !== v), 'the ServiceMonitor also selects the data Service');
    assert.deepEqual(monitor.spec.endpoints.map((e) => e.port), ['proxy-metrics', 'controller-metrics']);
  });

  it('grants exactly files/rbac-rules.yaml cluster-wide, with Leases only in the release namespace', () => {
    const file = rbacRulesFile();
    assert.deepEqual(grants([...rulesOf(defaults, 'ClusterRole'), ...rulesOf(defaults, 'Role')]), grants(file));
    assert.deepEqual(rulesOf(defaults, 'ClusterRole'), file.filter((r) => !hasLeases(r)));
    const leaderRole = only(defaults, 'Role');
    assert.equal(leaderRole.metadata.namespace, 'edge');
    assert.deepEqual((leaderRole as unknown as { rules: PolicyRule[] }).rules, file.filter(hasLeases));
    const all = grants(file).join(' ');
    assert.ok(!all.includes('*'), 'a wildcard in rbac-rules.yaml');
    assert.deepEqual(grants(file), [
      '/events:create', '/events:patch', '/services:get', '/services:list', '/services:watch',
      'coordination.k8s.io/leases:create', 'coordination.k8s.io/leases:get', 'coordination.k8s.io/leases:update',
      'events.k8s.io/events:create', 'events.k8s.io/events:patch',
      'gateway.koaxy.dev/gatewayendpoints/status:get', 'gateway.koaxy.dev/gatewayendpoints/status:patch', 'gateway.koaxy.dev/gatewayendpoints/status:update',
      'gateway.koaxy.dev/gatewayendpoints:get', 'gateway.koaxy.dev/gatewayendpoints:list', 'gateway.koaxy.dev/gatewayendpoints:watch',
    ]);
    assertBindings(defaults);
  });

  it('with watchNamespaces: a Role per namespace and nothing cluster-wide', () => {
    const file = rbacRulesFile();
    assert.equal(ofKind(custom, 'ClusterRole').length + ofKind(custom, 'ClusterRoleBinding').length, 0);
    const roles = ofKind(custom, 'Role');
    assert.deepEqual(roles.map((r) => r.metadata.namespace).sort(), ['edge', 'team-a', 'team-b']);
    for (const role of roles) {
      const expected = role.metadata.namespace === 'edge' ? file.filter(hasLeases) : file.filter((r) => !hasLeases(r));
      assert.deepEqual((role as unknown as { rules: PolicyRule[] }).rules, expected, `Role in ${role.metadata.namespace}`);
    }
    assertBindings(custom);
  });

  it('with autoscaling: an HPA on the Deployment, which leaves replicas to it', () => {
    const hpa = only(custom, 'HorizontalPodAutoscaler') as unknown as { apiVersion: string; spec: { scaleTargetRef: { kind: string; name: string } } };
    const deployment = only(custom, 'Deployment') as unknown as { metadata: { name: string }; spec: { replicas?: number } };
    assert.equal(hpa.apiVersion, 'autoscaling/v2');
    assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
    assert.equal(deployment.spec.replicas, undefined);
  });

  it('without leader election: no Lease rights and no --leader-elect', async () => {
    const objects = await render(['--set', 'controller.leaderElection=false']);
    assert.equal(ofKind(objects, 'Role').length, 0);
    assert.ok(!container(podOf(objects), 'controller').args.includes('--leader-elect'));
    assert.ok(!grants(rulesOf(objects, 'ClusterRole')).some((g) => g.includes('leases')));
  });
});

/** Every binding refers to a rendered role and to the chart's ServiceAccount in the release namespace. */
function assertBindings(objects: readonly K8sObject[]): void {
  const sa = only(objects, 'ServiceAccount').metadata.name;
  const bindings = [...ofKind(objects, 'RoleBinding'), ...ofKind(objects, 'ClusterRoleBinding')] as unknown as {
    kind: string;
    metadata: { namespace?: string };
    roleRef: { kind: string; name: string };
    subjects: { kind: string; name: string; namespace: string }[];
  }[];
  assert.ok(bindings.length > 0);
  for (const binding of bindings) {
    assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: sa, namespace: 'edge' }]);
    const role = objects.find((o) => o.kind === binding.roleRef.kind && o.metadata.name === binding.roleRef.name && o.metadata.namespace === binding.metadata.namespace);
    assert.ok(role, `${binding.kind} refers to a missing ${binding.roleRef.kind} ${binding.roleRef.name}`);
  }
}
