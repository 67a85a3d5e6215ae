import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Standalone } from '../../src/cli/standalone.ts';
import type { StatusReport } from '../../src/status/status-store.ts';
import { type Upstream, startGateway, startUpstream, waitFor } from './helpers.ts';

/** Generation N of the endpoint: two backends that both answer with N. */
function endpointFile(origin: string, n: number): string {
  return `apiVersion: gateway.koaxy.dev/v1alpha1
kind: GatewayEndpoint
metadata: { name: reloaded }
spec:
  endpoint: /reloaded
  backends:
    - { hosts: ["${origin}"], urlPattern: /v/${n}/a, group: a }
    - { hosts: ["${origin}"], urlPattern: /v/${n}/b, group: b }
`;
}

function writeAtomically(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

describe('koaxy standalone hot reload', () => {
  let upstream: Upstream;
  let gateway: Standalone;
  let dir: string;

  before(async () => {
    upstream = await startUpstream((req, res) => {
      const [, , n] = (req.url ?? '').split('/');
      setTimeout(() => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ n: Number(n) }));
      }, 2);
    });
    dir = mkdtempSync(join(tmpdir(), 'koaxy-reload-'));
    writeAtomically(join(dir, 'endpoint.yaml'), endpointFile(upstream.origin, 0));
    gateway = await startGateway([dir]);
    await waitFor(gateway, () => gateway.version() !== null, 'the first table');
  });

  after(async () => {
    await gateway.close();
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers every request from the old or the new table while the file changes 50 times', async () => {
    let written = 0;
    let stop = false;
    const failures: string[] = [];
    let answered = 0;
    const client = async (): Promise<void> => {
      while (!stop) {
        const lowest = Math.max(0, written - 1);
        const res = await fetch(`${gateway.data.url}/reloaded`);
        const highest = written;
        const text = await res.text();
        answered++;
        if (res.status !== 200) {
          failures.push(`status ${res.status}: ${text}`);
          continue;
        }
        const body = JSON.parse(text) as { a?: { n: number }; b?: { n: number } };
        if (body.a?.n === undefined || body.a.n !== body.b?.n) failures.push(`mixed or partial answer ${text}`);
        else if (body.a.n < lowest || body.a.n > highest) failures.push(`answer from generation ${body.a.n}, outside [${lowest}, ${highest}]`);
        if (res.headers.get('x-krakend-completed') !== 'true') failures.push(`incomplete answer ${text}`);
      }
    };
    const clients = [client(), client(), client(), client()];
    for (let n = 1; n <= 50; n++) {
      const before = gateway.version();
      written = n;
      writeAtomically(join(dir, 'endpoint.yaml'), endpointFile(upstream.origin, n));
      await waitFor(gateway, () => gateway.version() !== before, `table ${n}`);
    }
    stop = true;
    await Promise.all(clients);
    assert.deepEqual(failures, []);
    assert.ok(answered >= 50, `only ${answered} requests were answered during the 50 reloads`);
    const final = await (await fetch(`${gateway.data.url}/reloaded`)).json();
    assert.deepEqual(final, { a: { n: 50 }, b: { n: 50 } });
  });

  it('keeps the last good generation serving after an invalid edit, and says why in /v1/status', async () => {
    const path = join(dir, 'endpoint.yaml');
    const before = gateway.version();
    writeAtomically(path, endpointFile(upstream.origin, 60));
    await waitFor(gateway, () => gateway.version() !== before, 'table 60');
    const goodGeneration = statusGeneration(gateway)!;
    writeAtomically(path, endpointFile(upstream.origin, 61).replace('endpoint: /reloaded', 'endpoint: reloaded-without-slash'));
    await waitFor(gateway, () => statusGeneration(gateway) === goodGeneration + 1, 'the invalid generation');
    const res = await fetch(`${gateway.data.url}/reloaded`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { a: { n: 60 }, b: { n: 60 } });
    const status = await fetchStatus(gateway);
    const accepted = status.resources[0]!.conditions.find((c) => c.type === 'Accepted')!;
    const programmed = status.resources[0]!.conditions.find((c) => c.type === 'Programmed')!;
    assert.equal(accepted.status, 'False');
    assert.equal(accepted.reason, 'Invalid');
    assert.match(accepted.message, /spec\.endpoint/);
    assert.equal(programmed.status, 'True');
    assert.match(programmed.message, new RegExp(`generation ${goodGeneration} keeps serving`));
  });
});

function statusGeneration(gateway: Standalone): number | undefined {
  return gateway.report().resources[0]?.generation;
}

async function fetchStatus(gateway: Standalone): Promise<StatusReport> {
  return (await (await fetch(`${gateway.admin.url}/v1/status`)).json()) as StatusReport;
}
