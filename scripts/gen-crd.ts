/**
 * Writes crds/gatewayendpoints.gateway.koaxy.dev.yaml from the TypeBox schema in src/api.
 *
 * Usage: node scripts/gen-crd.ts [--check]   (--check: exit 1 when the committed file differs)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CRD_NAME, renderCrdYaml } from '../src/api/index.ts';

const file = resolve(import.meta.dirname, '..', 'crds', `${CRD_NAME}.yaml`);
const text = renderCrdYaml();
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // a missing file is drift too
  }
  if (current !== text) {
    console.error(`${file} is out of date: run npm run gen`);
    process.exitCode = 1;
  }
} else {
  writeFileSync(file, text);
  console.log(`wrote ${file}`);
}
