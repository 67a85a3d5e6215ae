/**
 * The controller as the Helm chart deploys it, outside a pod: `helm template` of `helm/koaxy`
 * (the real helm), the rendered ServiceAccount, (Cluster)Roles and bindings applied and nothing
 * else, a token of that ServiceAccount in a kubeconfig, and `koaxy controller` started with the
 * args and env of the rendered Deployment's `controller` container.
 *
 * What differs from the pod, and only this: `--state-dir` is a temp dir, `--status-port` is 0 and
 * `--bind=127.0.0.1` is added (several controllers share this host); the credentials are a
 * `kubectl create token` token (lifetime = the rendered projected token's `expirationSeconds`)
 * in a kubeconfig instead of the projected token file; `fieldRef` env values are filled in as the
 * kubelet would (metadata.name = a made-up pod name, metadata.namespace = the release namespace).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { type Cluster, repoRoot } from './harness.ts';
import { type ControllerProcess, spawnKoaxy, waitUntil } from './controller-helpers.ts';

/** One rendered Kubernetes object. */
export interface RenderedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly [field: string]: unknown;
}

interface RbacRule {
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly verbs: string[];
}

interface Binding extends RenderedObject {
  readonly roleRef: { kind: string; name: string };
  readonly subjects: { kind: string; name: string; namespace: string }[];
}

interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { fieldRef?: { fieldPath: string } };
}

interface Container {
  readonly name: string;
  readonly args: string[];
  readonly env?: EnvVar[];
}

interface PodSpec {
  readonly serviceAccountName: string;
  readonly automountServiceAccountToken?: boolean;
  readonly containers: Container[];
  readonly volumes: { name: string; projected?: { sources: { serviceAccountToken?: { expirationSeconds: number } }[] } }[];
}

/** The kinds taken from the rendering and applied; everything else is left out. */
export const rbacKinds = ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'] as const;

/** The chart rendered for a release in `namespace`. */
export interface RenderedChart {
  readonly releaseNamespace: string;
  /** Every rendered object. */
  readonly objects: readonly RenderedObject[];
  /** The ServiceAccount, (Cluster)Roles and (Cluster)RoleBindings, in rendering order. */
  readonly rbac: readonly RenderedObject[];
  /** The Deployment's pod spec. */
  readonly pod: PodSpec;
  /** The `controller` container of the Deployment. */
  readonly controller: Container;
}

/** `helm template koaxy helm/koaxy --namespace NS ARGS` with the real helm. */
export async function renderChart(cluster: Cluster, releaseNamespace: string, args: readonly string[]): Promise<RenderedChart> {
  const result = await cluster.helm(['template', 'koaxy', join(repoRoot, 'helm', 'koaxy'), '--namespace', releaseNamespace, ...args]);
  if (result.code !== 0) throw new Error(`helm template exited ${result.code}: ${result.stderr}`);
  const objects = parseAllDocuments(result.stdout).map((d) => d.toJS() as RenderedObject | null).filter((o): o is RenderedObject => o !== null);
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  if (deployments.length !== 1) throw new Error(`expected one Deployment in the rendering, got ${deployments.length}`);
  const pod = (deployments[0] as unknown as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
  const controller = pod.containers.find((c) => c.name === 'controller');
  if (controller === undefined) throw new Error('the rendered Deployment has no "controller" container');
  const rbac = objects.filter((o) => (rbacKinds as readonly string[]).includes(o.kind));
  return { releaseNamespace, objects, rbac, pod, controller };
}

/** "Kind namespace/name" of each object, sorted, for assertions. */
export function describeObjects(objects: readonly RenderedObject[]): string[] {
  return objects.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort();
}

/**
 * Applies the rendered RBAC objects (and nothing else), then waits — bounded, through a
 * SubjectAccessReview as each binding's subject — until the API server's authorizer has each
 * binding and its role (a role arrives in the authorizer's cache whole, so one granted verb per
 * binding means all of its rules are in force).
 */
export async function applyRbac(cluster: Cluster, chart: RenderedChart): Promise<void> {
  const forApply = chart.rbac.map((o) => (o.metadata.namespace !== undefined || o.kind.startsWith('Cluster') ? o : { ...o, metadata: { ...o.metadata, namespace: chart.releaseNamespace } }));
  await cluster.kubectlOk(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: forApply }));
  const roles = new Map(chart.rbac.filter((o) => o.kind.endsWith('Role')).map((o) => [`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, (o as unknown as { rules: RbacRule[] }).rules]));
  const checks = chart.rbac.filter((o): o is Binding => o.kind.endsWith('RoleBinding')).flatMap((b) => {
    const rules = roles.get(`${b.roleRef.kind}/${b.roleRef.kind === 'Role' ? b.metadata.namespace ?? '' : ''}/${b.roleRef.name}`);
    if (rules === undefined) throw new Error(`${b.kind} ${b.metadata.name} refers to ${b.roleRef.kind} ${b.roleRef.name}, which is not rendered`);
    const rule = rules[0];
    if (rule === undefined) throw new Error(`${b.roleRef.kind} ${b.roleRef.name} has no rules`);
    const group = rule.apiGroups[0] ?? '';
    const [plural, sub] = rule.resources[0]!.split('/');
    const scope = b.kind === 'ClusterRoleBinding' ? ['--all-namespaces'] : ['-n', b.metadata.namespace!];
    return b.subjects.map((subject) => ['auth', 'can-i', rule.verbs[0]!, group === '' ? plural! : `${plural}.${group}`, ...(sub ? ['--subresource', sub] : []), ...scope, '--as', `system:serviceaccount:${subject.namespace}:${subject.name}`]);
  });
  await Promise.all(checks.map((args) => waitUntil(`kubectl ${args.join(' ')}`, async () => ((await cluster.kubectl(args)).stdout.trim() === 'yes' ? true : undefined), 10_000, 50)));
}

/** `kubectl auth can-i` for the rendered ServiceAccount: true when allowed. */
export async function serviceAccountCan(cluster: Cluster, chart: RenderedChart, args: readonly string[]): Promise<boolean> {
  const r = await cluster.kubectl(['auth', 'can-i', ...args, '--as', `system:serviceaccount:${chart.releaseNamespace}:${chart.pod.serviceAccountName}`]);
  return r.stdout.trim() === 'yes';
}

/**
 * A kubeconfig in `dir` whose user is a fresh token of the pod's ServiceAccount, with the
 * lifetime of the rendered projected token, and the release namespace as the context's namespace
 * (what the projected `namespace` file gives in the pod).
 */
export async function serviceAccountKubeconfig(cluster: Cluster, chart: RenderedChart, dir: string): Promise<string> {
  const sa = chart.pod.serviceAccountName;
  if (!chart.rbac.some((o) => o.kind === 'ServiceAccount' && o.metadata.name === sa)) throw new Error(`the pod's ServiceAccount ${sa} is not rendered`);
  const seconds = chart.pod.volumes.flatMap((v) => v.projected?.sources ?? []).find((s) => s.serviceAccountToken !== undefined)?.serviceAccountToken?.expirationSeconds;
  if (seconds === undefined) throw new Error('the rendered pod projects no ServiceAccount token');
  const token = (await cluster.kubectlOk(['create', 'token', sa, '-n', chart.releaseNamespace, `--duration=${seconds}s`])).trim();
  const admin = JSON.parse(readFileSync(cluster.kubeconfigPath, 'utf8')) as { clusters: { cluster: Record<string, string> }[] };
  const path = join(dir, `sa-kubeconfig-${chart.releaseNamespace}`);
  writeFileSync(path, JSON.stringify({
    apiVersion: 'v1', kind: 'Config',
    clusters: [{ name: 'c', cluster: admin.clusters[0]!.cluster }],
    users: [{ name: sa, user: { token } }],
    contexts: [{ name: sa, context: { cluster: 'c', user: sa, namespace: chart.releaseNamespace } }],
    'current-context': sa,
  }), { mode: 0o600 });
  return path;
}

/** The controller container's command line and env as they run here (see the file comment). */
export function controllerInvocation(chart: RenderedChart, stateDir: string, podName: string): { args: string[]; env: Record<string, string> } {
  const [command, ...flags] = chart.controller.args;
  if (command !== 'controller') throw new Error(`the controller container runs "${command}", not "controller"`);
  const args = ['controller', ...flags.map((f) => (f.startsWith('--state-dir=') ? `--state-dir=${stateDir}` : f.startsWith('--status-port=') ? '--status-port=0' : f)), '--bind=127.0.0.1'];
  const env: Record<string, string> = {};
  for (const e of chart.controller.env ?? []) {
    const field = e.valueFrom?.fieldRef?.fieldPath;
    if (e.value !== undefined) env[e.name] = e.value;
    else if (field === 'metadata.name') env[e.name] = podName;
    else if (field === 'metadata.namespace') env[e.name] = chart.releaseNamespace;
    else throw new Error(`env ${e.name}: ${JSON.stringify(e.valueFrom)} is not reproduced by this test`);
  }
  return { args, env };
}

/** A controller started from the chart, with what it was started with. */
export interface ChartController extends ControllerProcess {
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

/**
 * Starts `koaxy controller` with the rendered args and env and `KUBECONFIG` = `kubeconfig`
 * (no other KOAXY_* variable of this process leaks in), and waits until it is ready.
 */
export async function startChartController(chart: RenderedChart, stateDir: string, kubeconfig: string, podName: string): Promise<ChartController> {
  const { args, env } = controllerInvocation(chart, stateDir, podName);
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('KOAXY_') && k !== 'KUBECONFIG' && k !== 'POD_NAME' && k !== 'POD_NAMESPACE'));
  const p = spawnKoaxy(args, { ...base, ...env, KUBECONFIG: kubeconfig });
  const statusUrl = String((await p.waitForLog('koaxy controller starting'))['status']);
  await p.waitForLog('koaxy controller ready', 60_000);
  return {
    ...p,
    args,
    env,
    statusUrl,
    async metric(name) {
      const text = await (await fetch(`${statusUrl}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`${name} `));
      return line === undefined ? Number.NaN : Number(line.split(' ')[1]);
    },
  };
}
