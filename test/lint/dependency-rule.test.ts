import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { checkDependencyRule } from '../../scripts/dependency-rule.ts';

describe('the dependency rule (STYLE.md)', () => {
  it('holds for every file under src/', () => {
    const violations = checkDependencyRule(resolve(import.meta.dirname, '..', '..', 'src'));
    assert.deepEqual(violations, []);
  });

  it('reports a data-plane file that imports the CRD types', () => {
    const dir = mkdtempSync(join(tmpdir(), 'koaxy-deps-'));
    try {
      mkdirSync(join(dir, 'proxy'));
      mkdirSync(join(dir, 'api'));
      writeFileSync(join(dir, 'api', 'types.ts'), 'export type X = 1;\n');
      writeFileSync(join(dir, 'proxy', 'bad.ts'), "import type { X } from '../api/types.ts';\nexport const y: X = 1;\n");
      const violations = checkDependencyRule(dir);
      assert.equal(violations.length, 1);
      assert.equal(violations[0]!.file, join('proxy', 'bad.ts'));
      assert.match(violations[0]!.message, /src\/proxy may not import src\/api/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
