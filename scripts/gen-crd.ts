/**
 * Writes the GatewayEndpoint CRD from the TypeBox schema in src/api to its two committed copies:
 * crds/gatewayendpoints.gateway.koaxy.dev.yaml and helm/koaxy/crds/ (the chart's, identical).
 *
 * Usage: node scripts/gen-crd.ts [--check]   (--check: exit 1 when a committed copy differs)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CRD_NAME, renderCrdYaml } from '../src/api/index.ts';

const root = resolve(import.meta.dirname, '..');
/** Every committed copy of the CRD; all must equal {@link renderCrdYaml}'s output. */
export const crdCopies: readonly string[] = [
  resolve(root, 'crds', `${CRD_NAME}.yaml`),
  resolve(root, 'helm', 'koaxy', 'crds', `${CRD_NAME}.yaml`),
];

function main(): void {
  const text = renderCrdYaml();
  for (const file of crdCopies) {
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
  }
}

if (import.meta.main) main();
