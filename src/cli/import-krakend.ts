/**
 * `koaxy import-krakend krakend.json [--namespace NS]` (DESIGN §4): GatewayEndpoint YAML on
 * stdout, one document per endpoint; what cannot be carried over on stderr, one line per JSON
 * path. Exit 0 when the file is a valid KrakenD v3 configuration, 1 otherwise.
 */
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { type ImportResult, importKrakend } from '../importer/index.ts';
import { type FlagSpec, UsageError, parseFlags } from './flags.ts';

/** Flags of `koaxy import-krakend`. */
export const importFlags = {
  namespace: { type: 'string', help: 'metadata.namespace of every resource (default: none, kubectl -n decides)' },
} as const satisfies Record<string, FlagSpec>;

/** Where the command writes. */
export interface Output {
  write(text: string): unknown;
}

/** Renders imported resources as a multi-document YAML stream. */
export function renderResources(result: ImportResult): string {
  return result.resources.map((resource) => YAML.stringify(resource, { lineWidth: 0 })).join('---\n');
}

/** Runs the command; returns the exit code. */
export function runImportKrakend(args: readonly string[], env: NodeJS.ProcessEnv, stdout: Output, stderr: Output): number {
  const { values, positionals } = parseFlags(args, importFlags, env);
  if (positionals.length !== 1) throw new UsageError('import-krakend needs exactly one KrakenD configuration file (krakend.json)');
  const file = positionals[0]!;
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    stderr.write(`koaxy: ${file}: $: not valid JSON: ${(err as Error).message}\n`);
    return 1;
  }
  const namespace = values['namespace'];
  const result = importKrakend(config, typeof namespace === 'string' && namespace !== '' ? { namespace } : {});
  for (const problem of result.errors) stderr.write(`koaxy: ${file}: ${problem.path}: ${problem.message}\n`);
  if (result.errors.length > 0) return 1;
  for (const problem of result.unsupported) stderr.write(`${problem.path}: ${problem.message}\n`);
  stdout.write(renderResources(result));
  return 0;
}
