import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseAllDocuments, stringify } from 'yaml';
import { readCrd, schemaAt, type CrdView } from './crd-schema.ts';
import { crdPath, repoRoot, startCluster, type Cluster } from './harness.ts';
import { invalidCases, validSpec, type Spec } from './invalid-cases.ts';

const examplesDir = join(repoRoot, 'examples');
const exampleFiles = readdirSync(examplesDir).filter((f) => f.endsWith('.yaml')).sort();

function resource(name: string, namespace: string, spec: Spec): Record<string, unknown> {
  return { apiVersion: 'gateway.koaxy.dev/v1alpha1', kind: 'GatewayEndpoint', metadata: { name, namespace }, spec };
}

/** The example's documents, moved into the test's namespace. */
function exampleManifest(file: string, namespace: string): { yaml: string; names: string[] } {
  const docs = parseAllDocuments(readFileSync(join(examplesDir, file), 'utf8'))
    .map((doc) => doc.toJS() as { kind?: string; metadata?: { name?: string; namespace?: string } } | null)
    .filter((doc) => doc !== null);
  for (const doc of docs) doc.metadata = { ...doc.metadata, namespace };
  const names = docs.filter((doc) => doc.kind === 'GatewayEndpoint').map((doc) => doc.metadata?.name ?? '');
  return { yaml: docs.map((doc) => stringify(doc)).join('---\n'), names };
}

const normalize = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('GatewayEndpoint CRD on a real kube-apiserver', function () {
  this.timeout(60_000);
  let cluster: Cluster;
  let ns: string;
  let view: CrdView;

  before(async function () {
    this.timeout(180_000); // first file to start the shared control plane pays for it
    view = readCrd(crdPath);
    cluster = await startCluster();
    ns = await cluster.namespace('crd');
  });

  describe('examples/', () => {
    it('holds GatewayEndpoint manifests to check', () => {
      assert.ok(exampleFiles.length > 0, `no *.yaml in ${examplesDir}`);
    });
    for (const file of exampleFiles) {
      it(`accepts examples/${file} with --dry-run=server, then for real`, async () => {
        const { yaml, names } = exampleManifest(file, ns);
        const dry = await cluster.kubectl(['apply', '--dry-run=server', '-f', '-'], yaml);
        assert.equal(dry.code, 0, dry.stderr);
        assert.match(dry.stdout, /\(server dry run\)/);
        const real = await cluster.kubectl(['apply', '-f', '-'], yaml);
        assert.equal(real.code, 0, real.stderr);
        assert.ok(names.length > 0, `no GatewayEndpoint in examples/${file}`);
        for (const name of names) {
          const stored = JSON.parse(await cluster.kubectlOk(['get', 'gatewayendpoint', name, '-n', ns, '-o', 'json'])) as { metadata: { generation: number } };
          assert.equal(stored.metadata.generation, 1);
        }
      });
    }
  });

  describe('validation', () => {
    it('accepts the valid spec the invalid cases start from', async () => {
      const result = await cluster.kubectl(['apply', '--dry-run=server', '-f', '-'], JSON.stringify(resource('valid-base', ns, validSpec())));
      assert.equal(result.code, 0, result.stderr);
    });
    invalidCases.forEach((c, i) => {
      it(`rejects ${c.title} (${c.field})`, async () => {
        const spec = validSpec();
        c.mutate(spec);
        const expected = c.expected(view);
        const result = await cluster.kubectl(['apply', '--dry-run=server', '-f', '-'], JSON.stringify(resource(`invalid-${i}`, ns, spec)));
        assert.notEqual(result.code, 0, `accepted: ${result.stdout}`);
        const line = result.stderr.split('\n').find((l) => l.includes(`${c.field}: `) && l.includes(expected));
        assert.ok(line, `expected "${c.field}: ... ${expected}" in:\n${result.stderr}`);
      });
    });
  });

  describe('status subresource and printer columns', () => {
    const name = 'status-check';
    const route = 'GET /users/{id}';
    const condition = (type: string, status: string, reason: string) =>
      ({ type, status, reason, message: `${type} is ${status}`, lastTransitionTime: '2026-01-01T00:00:00Z', observedGeneration: 1 });
    const get = async () => JSON.parse(await cluster.kubectlOk(['get', 'gwe', name, '-n', ns, '-o', 'json'])) as
      { metadata: { generation: number }; status?: { route?: string; conditions?: unknown[] } };

    before(async () => {
      await cluster.kubectlOk(['apply', '-f', '-'], JSON.stringify(resource(name, ns, validSpec())));
      const status = { observedGeneration: 1, route, conditions: [condition('Accepted', 'True', 'Accepted'), condition('Programmed', 'False', 'Pending')] };
      await cluster.kubectlOk(['patch', 'gwe', name, '-n', ns, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })]);
    });

    it('stores a status written through the status subresource without bumping metadata.generation', async () => {
      const stored = await get();
      assert.equal(stored.metadata.generation, 1);
      assert.equal(stored.status?.route, route);
      assert.equal(stored.status?.conditions?.length, 2);
    });

    it('ignores status in a write to the main resource, and bumps generation on a spec change', async () => {
      await cluster.kubectlOk(['patch', 'gwe', name, '-n', ns, '--type=merge', '-p', JSON.stringify({ status: { route: 'POST /ignored' } })]);
      assert.equal((await get()).status?.route, route);
      assert.equal((await get()).metadata.generation, 1);
      await cluster.kubectlOk(['patch', 'gwe', name, '-n', ns, '--type=merge', '-p', JSON.stringify({ spec: { timeout: '3s' } })]);
      assert.equal((await get()).metadata.generation, 2);
    });

    it('shows the printer columns in kubectl get gwe -A', async () => {
      assert.ok(view.shortNames.includes('gwe'));
      const [header = '', ...rows] = (await cluster.kubectlOk(['get', 'gwe', '-A'])).trimEnd().split('\n');
      const columns = header.trim().split(/\s{2,}/);
      assert.deepEqual(columns, ['NAMESPACE', 'NAME', ...view.printerColumns.map((c) => c.name.toUpperCase())]);
      assert.deepEqual(columns.slice(2), ['ROUTE', 'BACKENDS', 'ACCEPTED', 'PROGRAMMED', 'AGE']);
      const row = rows.map((r) => r.trim().split(/\s{2,}/)).find((cells) => cells[0] === ns && cells[1] === name);
      assert.ok(row, `no row for ${ns}/${name} in:\n${rows.join('\n')}`);
      assert.deepEqual(row.slice(2, 6), [route, '/u/{id}', 'True', 'False']);
      assert.match(row[6] ?? '', /^\d+[smhd]/);
    });
  });

  it('documents spec.backends in kubectl explain', async () => {
    // The CRD's OpenAPI is published asynchronously after Established: poll, bounded.
    let result = await cluster.kubectl(['explain', 'gatewayendpoint.spec.backends']);
    for (let i = 0; i < 50 && result.code !== 0; i++) {
      await delay(200);
      result = await cluster.kubectl(['explain', 'gatewayendpoint.spec.backends']);
    }
    assert.equal(result.code, 0, result.stderr);
    const backends = schemaAt(view, 'spec.backends');
    const text = normalize(result.stdout);
    assert.ok(text.includes(normalize(backends.description ?? '')), result.stdout);
    const fields = Object.entries(backends.items?.properties ?? {});
    assert.ok(fields.length >= 5);
    for (const [field, node] of fields) {
      assert.match(result.stdout, new RegExp(`^\\s+${field}\\s+<`, 'm'), `field ${field} not listed`);
      assert.ok(text.includes(normalize(node.description ?? '')), `description of ${field} not printed`);
    }
  });
});
