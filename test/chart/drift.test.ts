import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { renderCrdYaml } from '../../src/api/index.ts';
import { crdCopies } from '../../scripts/gen-crd.ts';
import { deployFile, renderDeploy } from '../../scripts/gen-deploy.ts';
import type { K8sObject } from './chart.ts';

describe('generated install files (no drift)', function () {
  this.timeout(30_000);

  it('keeps crds/ and helm/koaxy/crds/ identical to the CRD generated from src/api', () => {
    assert.equal(crdCopies.length, 2);
    for (const file of crdCopies) assert.equal(readFileSync(file, 'utf8'), renderCrdYaml(), `${file} is out of date: run npm run gen`);
  });

  it('keeps deploy/koaxy.yaml identical to the chart rendered with default values', async () => {
    assert.equal(readFileSync(deployFile, 'utf8'), await renderDeploy(), 'deploy/koaxy.yaml is out of date: run npm run gen');
  });

  it('puts the Namespace and the CRD before the objects that need them', () => {
    const objects = parseAllDocuments(readFileSync(deployFile, 'utf8')).map((d) => d.toJS() as K8sObject);
    assert.deepEqual(objects.slice(0, 2).map((o) => o.kind), ['Namespace', 'CustomResourceDefinition']);
    for (const o of objects.slice(2)) {
      if (!o.kind.startsWith('Cluster')) assert.equal(o.metadata.namespace, 'koaxy', `${o.kind} ${o.metadata.name}`);
    }
  });
});
