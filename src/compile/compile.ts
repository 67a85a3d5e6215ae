/**
 * `compile()`: the whole set of resources → one route table plus one outcome per resource.
 *
 * Order: pick this gateway's resources → judge each alone → resolve conflicts among the
 * accepted routes and the last-good routes of rejected resources (older creationTimestamp
 * wins, then namespace/name) → give conflict losers their last-good route where it still fits
 * → sort, hash.
 */
import { DEFAULT_GATEWAY, KIND } from '../api/index.ts';
import type { Route, RouteTable } from '../ir/index.ts';
import { preparePolicy } from './backend-policy.ts';
import { RouteTrie, type Conflict } from './conflicts.ts';
import { judge, leadingReason, type Judged } from './judge.ts';
import { outcomeMessage } from './messages.ts';
import type { CompilePolicy, CompileResult, Outcome, Problem, ResourceInput } from './types.ts';
import { canonicalJson, tableVersion } from './version.ts';

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function gatewayOf(spec: unknown): string {
  const gateway = (spec as { gateway?: unknown } | null)?.gateway;
  return typeof gateway === 'string' ? gateway : DEFAULT_GATEWAY;
}

// Two copies of one key (e.g. in two files): the higher generation, then the smaller spec text.
function newer(a: ResourceInput, b: ResourceInput): boolean {
  if (a.metadata.generation !== b.metadata.generation) return a.metadata.generation > b.metadata.generation;
  return canonicalJson(a.spec) < canonicalJson(b.spec);
}

/** This gateway's resources, one per key (the highest generation), sorted by key. */
function selectResources(resources: readonly ResourceInput[], gatewayName: string): ResourceInput[] {
  const byKey = new Map<string, ResourceInput>();
  for (const resource of resources) {
    if (resource.kind !== undefined && resource.kind !== KIND) continue;
    if (gatewayOf(resource.spec) !== gatewayName) continue;
    const key = `${resource.metadata.namespace}/${resource.metadata.name}`;
    const seen = byKey.get(key);
    if (seen === undefined || newer(resource, seen)) byKey.set(key, resource);
  }
  return [...byKey.entries()].sort(([a], [b]) => compareText(a, b)).map(([, resource]) => resource);
}

interface Candidate {
  readonly judged: Judged;
  readonly route: Route;
  readonly lastGood: boolean;
}

function lastGoodRoute(judged: Judged, previous: ReadonlyMap<string, Route>): Route | null {
  const route = previous.get(judged.key);
  return route !== undefined && route.source.generation < judged.generation ? structuredClone(route) : null;
}

function byAge(a: Candidate, b: Candidate): number {
  return a.judged.createdMs - b.judged.createdMs || compareText(a.judged.key, b.judged.key);
}

/** Serves winners first; returns the served routes by key and the conflicts of the losers. */
function resolve(judged: readonly Judged[], previous: ReadonlyMap<string, Route>) {
  const candidates: Candidate[] = [];
  for (const j of judged) {
    const fallback = j.route === null ? lastGoodRoute(j, previous) : null;
    if (j.route !== null) candidates.push({ judged: j, route: j.route, lastGood: false });
    else if (fallback !== null) candidates.push({ judged: j, route: fallback, lastGood: true });
  }
  candidates.sort(byAge);
  const trie = new RouteTrie();
  const served = new Map<string, Route>();
  const conflicts = new Map<string, Conflict>();
  const tryServe = (candidate: Candidate): Conflict | null => {
    const conflict = trie.check(candidate.route.method, candidate.route.path);
    if (conflict === null) {
      trie.add(candidate.route.method, candidate.route.path, candidate.judged.key);
      served.set(candidate.judged.key, candidate.route);
    }
    return conflict;
  };
  for (const candidate of candidates) {
    const conflict = tryServe(candidate);
    if (conflict !== null && !candidate.lastGood) conflicts.set(candidate.judged.key, conflict);
  }
  for (const candidate of candidates) {
    if (!conflicts.has(candidate.judged.key)) continue;
    const fallback = lastGoodRoute(candidate.judged, previous);
    if (fallback !== null) tryServe({ judged: candidate.judged, route: fallback, lastGood: true });
  }
  return { served, conflicts };
}

function conflictProblem(judged: Judged, conflict: Conflict, winner: Judged | undefined): Problem {
  const why =
    winner !== undefined && winner.createdMs < judged.createdMs
      ? `${conflict.winner} is older, so it keeps the route`
      : `same creationTimestamp; ${conflict.winner} comes first in namespace/name order`;
  return { reason: 'RouteConflict', field: 'spec.endpoint', message: `${conflict.message} (${why})` };
}

function outcomeOf(judged: Judged, served: ReadonlyMap<string, Route>, conflict: Conflict | undefined, byKey: ReadonlyMap<string, Judged>): Outcome {
  const route = served.get(judged.key);
  const servedGeneration = route?.source.generation ?? null;
  let problems: readonly Problem[] = judged.problems;
  if (problems.length === 0 && conflict !== undefined) problems = [conflictProblem(judged, conflict, byKey.get(conflict.winner))];
  const accepted = problems.length === 0;
  return {
    key: judged.key,
    generation: judged.generation,
    route: judged.routeText,
    accepted,
    reason: accepted ? 'Accepted' : leadingReason(problems),
    message: outcomeMessage(judged.routeText, problems, servedGeneration, judged.warnings),
    problems,
    warnings: judged.warnings,
    servedGeneration,
  };
}

/**
 * Compiles this gateway's GatewayEndpoints into a route table and one outcome per resource.
 * Pure and deterministic: the same inputs in any order give the same bytes and version.
 */
export function compile(resources: readonly ResourceInput[], policy: CompilePolicy, previous?: RouteTable): CompileResult {
  const prepared = preparePolicy(policy);
  const judged = selectResources(resources, policy.gatewayName).map((resource) => judge(resource, prepared));
  const previousByKey = new Map((previous?.routes ?? []).map((route) => [route.source.key, route] as const));
  const { served, conflicts } = resolve(judged, previousByKey);
  const routes = [...served.values()].sort((a, b) => compareText(a.path, b.path) || compareText(a.method, b.method));
  const byKey = new Map(judged.map((j) => [j.key, j] as const));
  const outcomes = judged.map((j) => outcomeOf(j, served, conflicts.get(j.key), byKey));
  return { table: { version: tableVersion(routes), routes }, outcomes };
}
