import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RouteTable } from '../ir/index.ts';
import { FileFollower, TABLE_FILE, readServedFile, readTableFile, writeServedFile, writeTableFile } from './state-dir.ts';

describe('state directory', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'koaxy-state-test-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes and reads the table and the served report atomically (no temp file left)', async () => {
    assert.equal(await readTableFile(dir), null);
    assert.equal(await readServedFile(dir), null);
    const table = { version: 'v1', routes: [] } as unknown as RouteTable;
    await writeTableFile(dir, table);
    await writeServedFile(dir, { version: 'v1', servedAt: 't', pid: 1 });
    assert.deepEqual(await readTableFile(dir), table);
    assert.equal((await readServedFile(dir))?.version, 'v1');
    assert.deepEqual(readdirSync(dir).sort(), ['route-table.json', 'served.json']);
  });

  it('refuses a file that is not a route table, naming it', async () => {
    writeFileSync(join(dir, TABLE_FILE), '{"routes": []}');
    await assert.rejects(readTableFile(dir), /route-table\.json is not a route table/);
  });

  it('reports the current file at start and every replacement after', async () => {
    await writeTableFile(dir, { version: 'v1', routes: [] } as unknown as RouteTable);
    let changes = 0;
    let notify: () => void = () => undefined;
    const follower = new FileFollower(dir, TABLE_FILE, () => {
      changes++;
      notify();
    });
    await follower.start(50);
    assert.equal(changes, 1);
    const next = new Promise<void>((resolve) => (notify = resolve));
    await writeTableFile(dir, { version: 'v2', routes: [] } as unknown as RouteTable);
    await next;
    follower.stop();
    assert.equal(changes, 2);
  });
});
