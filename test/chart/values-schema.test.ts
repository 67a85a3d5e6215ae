import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { chartDir, helm } from './chart.ts';

/** Bad value sets: the --set flags, and what the error must say (the field's path and why). */
const badValues: { name: string; set: string[]; message: RegExp }[] = [
  { name: 'a port out of range', set: ['proxy.port=0'], message: /\/proxy\/port': minimum: got 0, want 1/ },
  { name: 'an unknown pull policy', set: ['image.pullPolicy=Sometimes'], message: /\/image\/pullPolicy': value must be one of/ },
  { name: 'a misspelt top-level key', set: ['proxxy.port=8080'], message: /additional properties 'proxxy' not allowed/ },
  { name: 'a misspelt nested key', set: ['controller.gatewayname=x'], message: /\/controller': additional properties 'gatewayname' not allowed/ },
  { name: 'a namespace that is not a DNS label', set: ['watchNamespaces={Team_A}'], message: /\/watchNamespaces\/0': 'Team_A' does not match pattern/ },
  { name: 'a Service type the chart does not support', set: ['service.type=Ingress'], message: /\/service\/type': value must be one of 'ClusterIP', 'NodePort', 'LoadBalancer'/ },
  { name: 'a backend glob without scheme', set: ['controller.allowedBackends={169.254.169.254}'], message: /\/controller\/allowedBackends\/0'/ },
  { name: 'a negative replica count', set: ['replicaCount=-1'], message: /\/replicaCount': minimum: got -1, want 0/ },
  { name: 'a string where a boolean belongs', set: ['rbac.create=maybe'], message: /\/rbac\/create': got string, want boolean/ },
  { name: 'an HPA target over 100%', set: ['autoscaling.targetCPUUtilizationPercentage=150'], message: /\/autoscaling\/targetCPUUtilizationPercentage': maximum: got 150, want 100/ },
];

/** Values the schema cannot judge alone: the templates fail with a message naming the fields. */
const badCombinations: { name: string; set: string[]; message: RegExp }[] = [
  { name: 'a grace period shorter than the preStop sleep', set: ['terminationGracePeriodSeconds=5', 'proxy.preStopSleepSeconds=10'], message: /terminationGracePeriodSeconds \(5\) must be greater than proxy.preStopSleepSeconds \(10\)/ },
  { name: 'two containers on one port', set: ['proxy.statusPort=9902'], message: /proxy.port, proxy.statusPort, proxy.adminPort and controller.statusPort must differ/ },
  { name: 'minReplicas above maxReplicas', set: ['autoscaling.enabled=true', 'autoscaling.minReplicas=5', 'autoscaling.maxReplicas=3'], message: /autoscaling.minReplicas \(5\) must not exceed autoscaling.maxReplicas \(3\)/ },
  { name: 'an existing ServiceAccount without its name', set: ['serviceAccount.create=false'], message: /serviceAccount.name is required when serviceAccount.create is false/ },
];

describe('helm chart: values.schema.json and value checks', function () {
  this.timeout(30_000);

  for (const bad of [...badValues, ...badCombinations]) {
    it(`rejects ${bad.name} with a message naming the field`, async () => {
      const result = await helm(['template', 'gw', chartDir, ...bad.set.flatMap((s) => ['--set', s])]);
      assert.notEqual(result.code, 0, `accepted ${bad.set.join(' ')}`);
      assert.match(result.stderr, bad.message);
    });
  }

  it('documents every value of values.yaml with a comment', () => {
    const lines = readFileSync(join(chartDir, 'values.yaml'), 'utf8').split('\n');
    const undocumented: string[] = [];
    lines.forEach((line, i) => {
      if (!/^\s*[A-Za-z][\w-]*:/.test(line)) return;
      const above = lines.slice(0, i).reverse().find((l) => l.trim() !== '') ?? '';
      const parentKey = /^\s*[A-Za-z][\w-]*:\s*$/.test(line); // a map of commented values
      if (!above.trim().startsWith('#') && !parentKey && !isInsideCommentedBlock(lines, i)) undocumented.push(`${i + 1}: ${line.trim()}`);
    });
    assert.deepEqual(undocumented, []);
  });

  it('lists every documented value in the README values table', () => {
    const readme = readFileSync(join(chartDir, 'README.md'), 'utf8');
    const paths = documentedPaths(readFileSync(join(chartDir, 'values.yaml'), 'utf8'));
    assert.ok(paths.length >= 50, `only ${paths.length} documented values found: is the parser broken?`);
    const missing = paths.filter((path) => !readme.includes(`| \`${path}\` |`));
    assert.deepEqual(missing, []);
  });

  it('declares every value of values.yaml in the schema', () => {
    const values = parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) as Record<string, unknown>;
    const schema = JSON.parse(readFileSync(join(chartDir, 'values.schema.json'), 'utf8')) as { properties: Record<string, unknown> };
    assert.deepEqual(Object.keys(values).sort(), Object.keys(schema.properties).sort());
  });
});

/** Dotted paths of the values whose key has a `# --` comment right above it. */
function documentedPaths(text: string): string[] {
  const lines = text.split('\n');
  const stack: { indent: number; key: string }[] = [];
  const out: string[] = [];
  lines.forEach((line, i) => {
    const match = /^(\s*)([A-Za-z][\w-]*):/.exec(line);
    if (!match) return;
    const indent = match[1]!.length;
    while (stack.length > 0 && stack.at(-1)!.indent >= indent) stack.pop();
    stack.push({ indent, key: match[2]! });
    const above = lines.slice(0, i).reverse().find((l) => l.trim() !== '') ?? '';
    const commentStart = lines.slice(0, i).reverse().find((l) => !l.trim().startsWith('#') || l.trim().startsWith('# --')) ?? '';
    if (above.trim().startsWith('#') && commentStart.trim().startsWith('# --')) out.push(stack.map((s) => s.key).join('.'));
  });
  return out;
}

/** True when line i is inside the value of a key whose own line has a comment above it. */
function isInsideCommentedBlock(lines: readonly string[], i: number): boolean {
  const indent = /^\s*/.exec(lines[i]!)![0].length;
  for (let j = i - 1; j >= 0; j--) {
    const line = lines[j]!;
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const own = /^\s*/.exec(line)![0].length;
    if (own < indent) {
      const above = lines.slice(0, j).reverse().find((l) => l.trim() !== '') ?? '';
      return above.trim().startsWith('#') || isInsideCommentedBlock(lines, j);
    }
  }
  return false;
}
