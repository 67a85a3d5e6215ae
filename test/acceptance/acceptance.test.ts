/**
 * KrakenD's own end-to-end cases (spec §8.1), ported as data, served by koaxy from KrakenD's
 * configurations imported with `koaxy import-krakend`, against real backends that reproduce
 * KrakenD's test backends. The closing report lists every §8.1 case not ported and why.
 */
import { type Backends, startBackends } from './backends.ts';
import { type AcceptanceCase, CASES, NOT_PORTED } from './cases.ts';
import { KOAXY_AGENT, type Served, assertAnswer, pendingFeatures, send, serveConfig } from './runner.ts';

const pending: { name: string; reason: string }[] = [];
const runnable: AcceptanceCase[] = [];
for (const kase of CASES) {
  const missing = pendingFeatures(kase);
  if (kase.koaxy_bug !== undefined) pending.push({ name: kase.name, reason: `koaxy bug: ${kase.koaxy_bug}` });
  else if (missing.length > 0) pending.push({ name: kase.name, reason: `not ported: feature pending (${missing.join(', ')} not implemented by koaxy yet)` });
  else runnable.push(kase);
}

describe('acceptance: KrakenD end-to-end cases (spec §8.1) through koaxy', () => {
  let backends: Backends;
  const served = new Map<string, Served>();

  before(async () => {
    backends = await startBackends();
    for (const config of ['ce', 'lura'] as const) served.set(config, await serveConfig(config, backends.substitutions));
  });

  after(async () => {
    for (const s of served.values()) await s.close();
    await backends.close();
    const lines = [...NOT_PORTED, ...pending].map((c) => `  ${c.name}: ${c.reason}`);
    console.log(`\n  acceptance: ${runnable.length} of ${CASES.length + NOT_PORTED.length} §8.1 cases run; not ported (${lines.length}):\n${lines.join('\n')}`);
  });

  for (const kase of runnable) {
    it(`${kase.name} (${kase.source})`, async () => {
      const gateway = served.get(kase.config)!.gateway;
      const vars: Record<string, string> = { ua: KOAXY_AGENT, host: new URL(gateway.data.url).host };
      if (kase.jwt !== undefined) {
        const claims = { exp: Math.floor(Date.now() / 1000) + 3600, ...kase.jwt.claims };
        vars['jwt'] = await backends.signJwt(kase.jwt.header, claims);
      }
      const answer = await send(gateway.data.url, kase, vars);
      assertAnswer(kase, answer, vars);
    });
  }
});
