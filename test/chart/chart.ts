/**
 * Helpers of the chart tests: run the helm of scripts/cluster offline (lint, template) with its
 * caches in a temp directory, and parse what it renders with the `yaml` package.
 * Must not import src/ except src/api (the CRD). Offline: nothing here needs the control plane.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { clusterBinaries, missingBinaries } from '../../scripts/cluster/binaries.ts';
import { runCommand, type CommandResult } from '../../scripts/cluster/run-command.ts';

/** Repository root. */
export const repoRoot = resolve(import.meta.dirname, '..', '..');
/** The chart's folder. */
export const chartDir = join(repoRoot, 'helm', 'koaxy');

/** A rendered Kubernetes object, loosely typed: tests read it by path. */
export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string> };
  readonly [key: string]: unknown;
}

/** One RBAC PolicyRule. */
export interface PolicyRule {
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly verbs: string[];
  readonly resourceNames?: string[];
}

const helmHome = mkdtempSync(join(tmpdir(), 'koaxy-chart-helm-'));
process.once('exit', () => rmSync(helmHome, { recursive: true, force: true }));

/** Runs the helm binary of scripts/cluster offline; never throws on a non-zero exit. */
export function helm(args: readonly string[]): Promise<CommandResult> {
  const bins = clusterBinaries();
  if (missingBinaries(bins).includes(bins.helm)) {
    throw new Error(`helm is missing at ${bins.helm}: build it with 'npm run cluster:build'`);
  }
  const env = {
    ...process.env,
    HELM_CACHE_HOME: join(helmHome, 'cache'),
    HELM_CONFIG_HOME: join(helmHome, 'config'),
    HELM_DATA_HOME: join(helmHome, 'data'),
    KUBECONFIG: join(helmHome, 'no-kubeconfig'),
  };
  return runCommand(bins.helm, args, { env });
}

/** `helm template` of the chart with `--set`-style flags; rejects with helm's stderr on failure. */
export async function render(flags: readonly string[] = [], release = 'gw', namespace = 'edge'): Promise<K8sObject[]> {
  const result = await helm(['template', release, chartDir, '--namespace', namespace, ...flags]);
  if (result.code !== 0) throw new Error(`helm template failed: ${result.stderr.trim()}`);
  return parseAllDocuments(result.stdout)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((doc): doc is K8sObject => doc !== null);
}

/** The rendered objects of one kind. */
export function ofKind(objects: readonly K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

/** The single rendered object of a kind; throws when there is not exactly one. */
export function only(objects: readonly K8sObject[], kind: string): K8sObject {
  const found = ofKind(objects, kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, rendered ${found.length}`);
  return found[0]!;
}

/** The rules of helm/koaxy/files/rbac-rules.yaml: the one source of the controller's RBAC. */
export function rbacRulesFile(): PolicyRule[] {
  return parse(readFileSync(join(chartDir, 'files', 'rbac-rules.yaml'), 'utf8')) as PolicyRule[];
}

/** Flattens rules into sorted `group/resource:verb` strings, to compare grants as sets. */
export function grants(rules: readonly PolicyRule[]): string[] {
  const out = new Set<string>();
  for (const rule of rules) {
    for (const group of rule.apiGroups) for (const resource of rule.resources) for (const verb of rule.verbs) out.add(`${group}/${resource}:${verb}`);
  }
  return [...out].sort();
}
