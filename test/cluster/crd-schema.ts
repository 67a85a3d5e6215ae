/**
 * Reads the generated GatewayEndpoint CRD from disk so that cluster tests assert on what the CRD
 * really says (CEL messages, enums, bounds, printer columns, descriptions) instead of copies.
 * Must not import src/: the tests judge the committed CRD file, whatever generated it.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** A JSON-schema node of the CRD (only the keywords the tests read are typed). */
export interface SchemaNode {
  readonly type?: string;
  readonly description?: string;
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minItems?: number;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly items?: SchemaNode;
  readonly 'x-kubernetes-validations'?: readonly { rule: string; message?: string; fieldPath?: string }[];
}

/** One CEL rule with the schema path it sits on (`spec.backends[*]`). */
export interface CelRule {
  readonly path: string;
  readonly rule: string;
  readonly message: string;
  readonly fieldPath?: string;
}

/** The parts of the CRD the tests use. */
export interface CrdView {
  readonly schema: SchemaNode;
  readonly printerColumns: readonly { name: string; jsonPath: string }[];
  readonly shortNames: readonly string[];
}

/** Parses the CRD file and returns its single served version's schema and printer columns. */
export function readCrd(path: string): CrdView {
  const crd = parse(readFileSync(path, 'utf8')) as {
    spec: { names: { shortNames?: string[] }; versions: { served: boolean; schema: { openAPIV3Schema: SchemaNode }; additionalPrinterColumns?: { name: string; jsonPath: string }[] }[] };
  };
  const version = crd.spec.versions.find((v) => v.served);
  if (!version) throw new Error(`${path}: no served version`);
  return {
    schema: version.schema.openAPIV3Schema,
    printerColumns: version.additionalPrinterColumns ?? [],
    shortNames: crd.spec.names.shortNames ?? [],
  };
}

/** The schema node at a dotted path (`spec.backends[*].service.port`); throws when absent. */
export function schemaAt(view: CrdView, path: string): SchemaNode {
  let node: SchemaNode | undefined = view.schema;
  for (const part of path.split('.')) {
    const [, key, items] = /^([^[]+)(\[\*\])?$/.exec(part) ?? [];
    node = key ? node?.properties?.[key] : undefined;
    if (items) node = node?.items;
    if (!node) throw new Error(`the CRD has no schema at ${path}`);
  }
  return node;
}

/** Every CEL rule of the schema, with the path of the node that carries it. */
export function celRules(view: CrdView): CelRule[] {
  const rules: CelRule[] = [];
  const walk = (node: SchemaNode, path: string) => {
    for (const v of node['x-kubernetes-validations'] ?? []) {
      rules.push({ path, rule: v.rule, message: v.message ?? `failed rule: ${v.rule}`, ...(v.fieldPath ? { fieldPath: v.fieldPath } : {}) });
    }
    for (const [key, child] of Object.entries(node.properties ?? {})) walk(child, path ? `${path}.${key}` : key);
    if (node.items) walk(node.items, `${path}[*]`);
  };
  walk(view.schema, '');
  return rules;
}

/** The one CEL rule on `path` whose expression contains `fragment`; throws unless exactly one. */
export function findRule(view: CrdView, path: string, fragment: string): CelRule {
  const found = celRules(view).filter((r) => r.path === path && r.rule.includes(fragment));
  if (found.length !== 1) {
    throw new Error(`expected one CEL rule on ${path} containing ${JSON.stringify(fragment)} in the CRD, found ${found.length}`);
  }
  return found[0]!;
}
