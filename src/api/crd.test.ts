import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { CRD_NAME, renderCrdYaml } from './index.ts';

const crdFile = resolve(import.meta.dirname, '..', '..', 'crds', `${CRD_NAME}.yaml`);

type Node = Record<string, unknown>;

const forbidden = ['$ref', '$id', 'anyOf', 'oneOf', 'allOf', 'not', 'patternProperties', 'const', 'definitions', '$defs'];

function problemsOf(node: Node, path: string, out: string[]): string[] {
  for (const key of forbidden) if (key in node) out.push(`${path}: ${key} is not allowed in a structural schema`);
  const preserve = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (typeof node['type'] !== 'string' && !preserve) out.push(`${path}: missing type`);
  if ('properties' in node && 'additionalProperties' in node) out.push(`${path}: properties and additionalProperties together`);
  if (typeof node['description'] !== 'string' && !path.endsWith('[*]') && !path.includes('.additionalProperties') && !path.endsWith('.metadata')) {
    out.push(`${path}: missing description`);
  }
  if (Array.isArray(node['enum']) && 'default' in node && !node['enum'].includes(node['default'])) out.push(`${path}: default not in enum`);
  const props = node['properties'] as Record<string, Node> | undefined;
  for (const [name, child] of Object.entries(props ?? {})) problemsOf(child, `${path}.${name}`, out);
  if (node['items']) problemsOf(node['items'] as Node, `${path}[*]`, out);
  if (typeof node['additionalProperties'] === 'object') problemsOf(node['additionalProperties'] as Node, `${path}.additionalProperties`, out);
  for (const key of (node['x-kubernetes-list-map-keys'] as string[] | undefined) ?? []) {
    const items = node['items'] as Node;
    if (!((items['required'] as string[] | undefined) ?? []).includes(key)) out.push(`${path}: list map key ${key} must be required`);
  }
  for (const rule of (node['x-kubernetes-validations'] as Node[] | undefined) ?? []) {
    if (typeof rule['message'] !== 'string' || rule['message'] === '') out.push(`${path}: a CEL rule without message`);
  }
  if (node['type'] === 'string' && node['x-kubernetes-validations'] && typeof node['maxLength'] !== 'number') {
    out.push(`${path}: a string with CEL rules needs maxLength (cost estimate)`);
  }
  if (node['type'] === 'array' && typeof node['maxItems'] !== 'number') out.push(`${path}: an array needs maxItems (cost estimate)`);
  return out;
}

describe('the GatewayEndpoint CRD', () => {
  it('is committed exactly as scripts/gen-crd.ts generates it (no drift)', () => {
    const committed = readFileSync(crdFile, 'utf8');
    assert.equal(committed, renderCrdYaml(), 'crds/ is out of date: run node scripts/gen-crd.ts');
  });

  it('renders the same bytes twice (deterministic)', () => {
    assert.equal(renderCrdYaml(), renderCrdYaml());
  });

  it('has a structural schema with descriptions and bounded lists', () => {
    const crd = parse(readFileSync(crdFile, 'utf8')) as Node;
    const version = ((crd['spec'] as Node)['versions'] as Node[])[0]!;
    const schema = (version['schema'] as Node)['openAPIV3Schema'] as Node;
    assert.deepEqual(problemsOf(schema, 'openAPIV3Schema', []), []);
    const metadata = (schema['properties'] as Record<string, Node>)['metadata']!;
    assert.deepEqual(metadata, { type: 'object' }, 'the API server allows nothing else on metadata');
  });

  it('declares names, scope, status subresource and printer columns', () => {
    const crd = parse(readFileSync(crdFile, 'utf8')) as { spec: Node & { versions: Node[] } };
    assert.deepEqual(crd.spec['names'], {
      kind: 'GatewayEndpoint',
      listKind: 'GatewayEndpointList',
      plural: 'gatewayendpoints',
      singular: 'gatewayendpoint',
      shortNames: ['gwe'],
      categories: ['koaxy'],
    });
    assert.equal(crd.spec['scope'], 'Namespaced');
    const version = crd.spec.versions[0]!;
    assert.deepEqual(version['subresources'], { status: {} });
    const columns = (version['additionalPrinterColumns'] as Node[]).map((c) => c['name']);
    assert.deepEqual(columns, ['Route', 'Backends', 'Accepted', 'Programmed', 'Age']);
  });
});
