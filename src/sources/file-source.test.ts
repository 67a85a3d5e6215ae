import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSource, type FileSnapshot } from './file-source.ts';

function manifest(name: string, endpoint: string, extra = ''): string {
  return `apiVersion: gateway.koaxy.dev/v1alpha1
kind: GatewayEndpoint
metadata: { name: ${name}${extra} }
spec:
  endpoint: ${endpoint}
  backends: [{ hosts: ["http://127.0.0.1:1"], urlPattern: /x }]
`;
}

describe('FileSource', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'koaxy-files-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every manifest of a folder, with namespace, generation and creation time added', () => {
    writeFileSync(join(dir, 'b.yaml'), manifest('b', '/b'));
    writeFileSync(join(dir, 'a.yml'), `${manifest('a', '/a')}---\n${manifest('c', '/c', ', namespace: shop')}`);
    writeFileSync(join(dir, 'notes.txt'), 'not a manifest');
    const source = new FileSource({ paths: [dir], now: () => Date.UTC(2026, 10, 24, 12, 0, 0, 500) });
    const snapshot = source.read();
    assert.deepEqual(snapshot.problems, []);
    assert.deepEqual(
      snapshot.resources.map((r) => [r.metadata.namespace, r.metadata.name, r.metadata.generation, r.metadata.creationTimestamp]),
      [
        ['default', 'a', 1, '2026-11-24T12:00:00Z'],
        ['default', 'b', 1, '2026-11-24T12:00:00Z'],
        ['shop', 'c', 1, '2026-11-24T12:00:00Z'],
      ],
    );
  });

  it('bumps the generation only when the spec changes', () => {
    const file = join(dir, 'a.yaml');
    writeFileSync(file, manifest('a', '/a'));
    const source = new FileSource({ paths: [file] });
    assert.equal(source.read().resources[0]!.metadata.generation, 1);
    writeFileSync(file, `# a comment only\n${manifest('a', '/a')}`);
    assert.equal(source.read().resources[0]!.metadata.generation, 1);
    writeFileSync(file, manifest('a', '/a2'));
    assert.equal(source.read().resources[0]!.metadata.generation, 2);
  });

  it('keeps the last good content of a file that stops parsing, and says why', () => {
    const file = join(dir, 'a.yaml');
    writeFileSync(file, manifest('a', '/a'));
    const source = new FileSource({ paths: [dir] });
    source.read();
    writeFileSync(file, 'spec: [unclosed');
    const snapshot = source.read();
    assert.equal(snapshot.resources.length, 1);
    assert.equal(snapshot.problems.length, 1);
    assert.match(snapshot.problems[0]!.message, /invalid YAML.*last good content keeps serving/);
  });

  it('reports duplicates, wrong apiVersions and missing names instead of dropping them silently', () => {
    writeFileSync(join(dir, 'a.yaml'), `${manifest('a', '/a')}---\n${manifest('a', '/other')}`);
    writeFileSync(join(dir, 'b.yaml'), manifest('b', '/b').replace('v1alpha1', 'v9'));
    writeFileSync(join(dir, 'c.yaml'), 'apiVersion: gateway.koaxy.dev/v1alpha1\nkind: GatewayEndpoint\nspec: {}\n');
    const { resources, problems } = new FileSource({ paths: [dir] }).read();
    assert.deepEqual(resources.map((r) => r.metadata.name), ['a']);
    assert.deepEqual(problems.map((p) => p.message), [
      'default/a is defined more than once; the first definition is used',
      'apiVersion must be gateway.koaxy.dev/v1alpha1, got "gateway.koaxy.dev/v9"',
      'metadata.name is required',
    ]);
  });

  it('reports a path that does not exist', () => {
    const { problems } = new FileSource({ paths: [join(dir, 'missing.yaml')] }).read();
    assert.match(problems[0]!.message, /cannot read: ENOENT/);
  });

  it('follows edits, atomic replacements and deletions while watching', async () => {
    writeFileSync(join(dir, 'a.yaml'), manifest('a', '/a'));
    const source = new FileSource({ paths: [dir], debounceMs: 5 });
    const snapshots: FileSnapshot[] = [];
    let wake: (() => void) | null = null;
    const next = (count: number): Promise<void> =>
      new Promise((resolve) => {
        wake = () => snapshots.length >= count && resolve();
        wake();
      });
    source.start((s) => {
      snapshots.push(s);
      wake?.();
    });
    try {
      await next(1);
      writeFileSync(join(dir, '.b.tmp'), manifest('b', '/b'));
      renameSync(join(dir, '.b.tmp'), join(dir, 'b.yaml'));
      await next(2);
      while (snapshots.at(-1)!.resources.length !== 2) await next(snapshots.length + 1);
      rmSync(join(dir, 'a.yaml'));
      while (snapshots.at(-1)!.resources.length !== 1) await next(snapshots.length + 1);
      assert.deepEqual(snapshots.at(-1)!.resources.map((r) => r.metadata.name), ['b']);
    } finally {
      source.stop();
    }
  });
});
