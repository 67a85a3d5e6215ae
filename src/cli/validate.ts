/**
 * `koaxy validate FILE...`: the offline compile. Prints one line per problem with its field
 * path, and returns a non-zero exit code when any resource or file has a problem.
 */
import type { Writable } from 'node:stream';
import { compile, standalonePolicy } from '../compile/index.ts';
import { FileSource } from '../sources/file-source.ts';

/** Compiles the manifests under `paths` and writes a report to `out`; returns the exit code. */
export function validateFiles(paths: readonly string[], out: Writable): number {
  const snapshot = new FileSource({ paths }).read();
  const result = compile(snapshot.resources, standalonePolicy());
  let bad = snapshot.problems.length;
  for (const problem of snapshot.problems) out.write(`${problem.file}: ${problem.message}\n`);
  for (const outcome of result.outcomes) {
    for (const warning of outcome.warnings) out.write(`${outcome.key}: warning: ${warning}\n`);
    if (outcome.accepted) {
      out.write(`${outcome.key}: ok (${outcome.route})\n`);
      continue;
    }
    bad++;
    if (outcome.problems.length === 0) out.write(`${outcome.key}: ${outcome.reason}: ${outcome.message}\n`);
    for (const p of outcome.problems) out.write(`${outcome.key}: ${p.reason}: ${p.field}: ${p.message}\n`);
  }
  if (snapshot.resources.length === 0 && snapshot.problems.length === 0) {
    out.write('no GatewayEndpoint found\n');
    return 1;
  }
  out.write(bad === 0 ? `${result.outcomes.length} resource(s) valid\n` : `${bad} problem(s) found\n`);
  return bad === 0 ? 0 : 1;
}
