/**
 * The dependency rule of STYLE.md and ARCHITECTURE.md, as data, and the check that enforces it:
 * which folders of `src/` may import which. `npm run lint` and the test suite both run it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** For each folder of `src/`, the other folders it may import from. */
export const ALLOWED_IMPORTS: Readonly<Record<string, readonly string[]>> = {
  api: [],
  ir: [],
  compile: ['api', 'ir'],
  proxy: ['ir'],
  gateway: ['ir', 'proxy'],
  status: ['api', 'compile', 'ir'],
  controller: ['api', 'compile', 'ir', 'status', 'sources'],
  sources: ['api', 'compile', 'ir'],
  admin: ['ir'],
  importer: ['api'],
  cli: ['api', 'compile', 'ir', 'proxy', 'gateway', 'status', 'controller', 'sources', 'admin', 'importer'],
};

/** One import that breaks the rule. */
export interface Violation {
  readonly file: string;
  readonly imports: string;
  readonly message: string;
}

const IMPORT_RE = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'testdata' ? [] : sourceFiles(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

/** Checks every file under `srcDir` and returns the imports that cross a forbidden boundary. */
export function checkDependencyRule(srcDir: string): Violation[] {
  const violations: Violation[] = [];
  for (const file of sourceFiles(srcDir)) {
    const folder = relative(srcDir, file).split(sep)[0]!;
    const allowed = ALLOWED_IMPORTS[folder];
    const rel = relative(srcDir, file);
    if (allowed === undefined) {
      violations.push({ file: rel, imports: '', message: `folder src/${folder} is not in the dependency rule` });
      continue;
    }
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(IMPORT_RE)) {
      const spec = match[1] ?? match[2]!;
      if (!spec.startsWith('.')) continue;
      const target = relative(srcDir, resolve(dirname(file), spec)).split(sep)[0]!;
      if (target === folder || target.startsWith('..')) continue;
      if (!allowed.includes(target)) {
        violations.push({ file: rel, imports: spec, message: `src/${folder} may not import src/${target} (allowed: ${allowed.join(', ') || 'nothing'})` });
      }
    }
  }
  return violations;
}

if (import.meta.main) {
  const violations = checkDependencyRule(resolve(import.meta.dirname, '..', 'src'));
  for (const v of violations) console.error(`${v.file}: imports ${v.imports}: ${v.message}`);
  process.exitCode = violations.length === 0 ? 0 : 1;
}
