/**
 * Inputs and outputs of the KrakenD importer: the imported resources and what could not be
 * carried over, each named by its JSON path in the KrakenD file.
 */
import type { API_VERSION, GatewayEndpointSpec, KIND } from '../api/index.ts';

/** One thing of the KrakenD file, named by its JSON path (`$.endpoints[3].backend[0].sd`). */
export interface ImportProblem {
  readonly path: string;
  readonly message: string;
}

/** A GatewayEndpoint as the importer writes it (no namespace unless one was asked for). */
export interface ImportedResource {
  readonly apiVersion: typeof API_VERSION;
  readonly kind: typeof KIND;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly spec: GatewayEndpointSpec;
}

/** The result of one import. */
export interface ImportResult {
  /** One resource per KrakenD endpoint that could be carried over, in file order. */
  readonly resources: readonly ImportedResource[];
  /** Fields, namespaces or endpoints koaxy cannot carry over; the rest was imported. */
  readonly unsupported: readonly ImportProblem[];
  /** Why the file is not a valid KrakenD v3 configuration; when non-empty, nothing is imported. */
  readonly errors: readonly ImportProblem[];
}

/** Options of the import. */
export interface ImportOptions {
  /** `metadata.namespace` of every resource; absent leaves it to `kubectl apply -n`. */
  readonly namespace?: string;
}

/** A JSON object read from the KrakenD file. */
export type JsonObject = Readonly<Record<string, unknown>>;

/** True for a JSON object (not an array, not null). */
export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The JSON path of `key` under `path`: `$.a.b` for identifiers, `$.a["x/y"]` otherwise. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}
