/**
 * Golden tests: each testdata/NAME.in.yaml (GatewayEndpoints, optionally a `kind: CompilePolicy`
 * document and a `kind: Previous` document whose `items` are compiled first, optionally with
 * other `services`, to give the previous table) is compiled and compared with testdata/NAME.out.yaml. `UPDATE_GOLDEN=1` rewrites them.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { compile, standalonePolicy, type CompilePolicy, type ResourceInput } from './index.ts';

const testdata = resolve(import.meta.dirname, 'testdata');
const update = process.env['UPDATE_GOLDEN'] === '1';

type Doc = Record<string, unknown> & { kind?: string };

function toResource(doc: Doc): ResourceInput {
  const metadata = (doc['metadata'] ?? {}) as Record<string, unknown>;
  return {
    ...(doc['apiVersion'] !== undefined ? { apiVersion: doc['apiVersion'] as string } : {}),
    ...(doc.kind !== undefined ? { kind: doc.kind } : {}),
    metadata: {
      name: metadata['name'] as string,
      namespace: (metadata['namespace'] as string | undefined) ?? 'default',
      generation: (metadata['generation'] as number | undefined) ?? 1,
      creationTimestamp: (metadata['creationTimestamp'] as string | undefined) ?? '2024-01-01T00:00:00Z',
    },
    spec: doc['spec'],
  };
}

function toPolicy(doc: Doc | undefined): CompilePolicy {
  const base = standalonePolicy((doc?.['gatewayName'] as string | undefined) ?? 'default');
  if (doc === undefined) return base;
  const services = doc['services'] as Record<string, number[]> | null | undefined;
  return {
    ...base,
    allowedBackends: (doc['allowedBackends'] as CompilePolicy['allowedBackends'] | undefined) ?? 'any',
    allowOwnNamespaceServices: (doc['allowOwnNamespaceServices'] as boolean | undefined) ?? false,
    services: services == null ? null : new Map(Object.entries(services)),
    clusterDomain: (doc['clusterDomain'] as string | undefined) ?? 'cluster.local',
  };
}

function run(text: string) {
  const docs = parseAllDocuments(text).map((doc) => doc.toJS() as Doc).filter((doc) => doc !== null);
  const policyDoc = docs.find((doc) => doc.kind === 'CompilePolicy');
  const policy = toPolicy(policyDoc);
  const previousDoc = docs.find((doc) => doc.kind === 'Previous');
  const previousPolicy = previousDoc?.['services'] !== undefined ? toPolicy({ ...policyDoc, services: previousDoc['services'] }) : policy;
  const previous = previousDoc ? compile((previousDoc['items'] as Doc[]).map(toResource), previousPolicy).table : undefined;
  const resources = docs.filter((doc) => doc.kind !== 'CompilePolicy' && doc.kind !== 'Previous').map(toResource);
  return { resources, policy, previous };
}

const cases = readdirSync(testdata)
  .filter((file) => file.endsWith('.in.yaml'))
  .map((file) => file.slice(0, -'.in.yaml'.length))
  .sort();

describe('compile() golden files (testdata/*.in.yaml → *.out.yaml)', () => {
  it('has at least 25 cases', () => {
    assert.ok(cases.length >= 25, `only ${cases.length} golden cases`);
  });

  for (const name of cases) {
    it(`compiles ${name}`, () => {
      const { resources, policy, previous } = run(readFileSync(join(testdata, `${name}.in.yaml`), 'utf8'));
      const result = compile(resources, policy, previous);
      const reversed = compile([...resources].reverse(), policy, previous);
      assert.equal(JSON.stringify(reversed), JSON.stringify(result), 'the result depends on input order');
      assert.deepEqual(JSON.parse(JSON.stringify(result.table)), result.table, 'the table is not plain JSON');
      const out = `# Generated from ${name}.in.yaml by compile.test.ts (UPDATE_GOLDEN=1). Review every diff.\n${stringify(result, { lineWidth: 0, aliasDuplicateObjects: false })}`;
      const file = join(testdata, `${name}.out.yaml`);
      if (update) writeFileSync(file, out);
      assert.equal(out, readFileSync(file, 'utf8'));
    });
  }
});
