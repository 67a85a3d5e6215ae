/**
 * The status store of standalone mode: the file source's equivalent of each resource's
 * `.status`, as `GET /v1/status` shows it.
 */
import type { Outcome } from '../compile/index.ts';
import type { RouteTable } from '../ir/index.ts';
import { type Condition, type ServedState, buildConditions } from './conditions.ts';

/** One resource's status as reported. */
export interface ResourceStatus {
  readonly key: string;
  readonly generation: number;
  readonly route: string;
  readonly conditions: readonly Condition[];
  readonly warnings: readonly string[];
  readonly problems: Outcome['problems'];
}

/** The whole report of `GET /v1/status`. */
export interface StatusReport {
  /** Version of the table served, or null. */
  readonly tableVersion: string | null;
  /** Why the last table was refused by the proxy, if it was. */
  readonly loadError: string | null;
  readonly resources: readonly ResourceStatus[];
  /** Files that could not be read or parsed. */
  readonly files: readonly { readonly file: string; readonly message: string }[];
}

/** Keeps the last conditions of every resource so transition times survive updates. */
export class StatusStore {
  #report: StatusReport = { tableVersion: null, loadError: null, resources: [], files: [] };

  /** Recomputes every resource's status from the latest outcomes and the table being served. */
  update(
    outcomes: readonly Outcome[],
    table: RouteTable | null,
    files: StatusReport['files'],
    loadError: string | null,
    now: string,
  ): void {
    const served = servedState(table);
    const previous = new Map(this.#report.resources.map((r) => [r.key, r.conditions]));
    const resources = outcomes.map((outcome) => ({
      key: outcome.key,
      generation: outcome.generation,
      route: outcome.route,
      conditions: buildConditions(outcome, served, previous.get(outcome.key) ?? [], now),
      warnings: outcome.warnings,
      problems: outcome.problems,
    }));
    this.#report = { tableVersion: table?.version ?? null, loadError, resources, files };
  }

  /** The current report. */
  report(): StatusReport {
    return this.#report;
  }
}

/** Describes what a table serves, for condition building. */
export function servedState(table: RouteTable | null): ServedState {
  const served = new Set(table?.routes.map((r) => `${r.source.key}@${r.source.generation}`) ?? []);
  return { version: table?.version ?? null, servesGeneration: (key, generation) => served.has(`${key}@${generation}`) };
}
