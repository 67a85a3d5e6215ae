/**
 * The acceptance cases as data (`cases.json`, CE's spec format: `in`, `out.status_code`,
 * `out.header` with `[""]` meaning absent, `out.body` compared structurally or `out.body_text`
 * byte for byte, or `out.schema` a JSON Schema the body must satisfy; `{{ua}}`, `{{host}}` and
 * `{{jwt}}` are filled in at run time) and the §8.1
 * cases not ported (`not-ported.json`), with their reasons.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One request/response pair of KrakenD's own suites. */
export interface AcceptanceCase {
  /** `ce/<spec file>` or `lura/<case name>`. */
  readonly name: string;
  /** Where KrakenD pins it. */
  readonly source: string;
  /** The KrakenD configuration served (`krakend/<config>.json`). */
  readonly config: 'ce' | 'lura';
  /** koaxy features (`namespace.key`) the case needs; while compile warns about one, it is pending. */
  readonly requires?: readonly string[];
  readonly note?: string;
  /**
   * A koaxy bug this case reveals (not a documented difference): the case is ported but not
   * run, and listed as not ported (`koaxy bug: …`) until the bug is fixed and this is removed.
   */
  readonly koaxy_bug?: string;
  /** Where koaxy knowingly answers differently: the reason and what koaxy answers instead. */
  readonly koaxy_differs?: {
    readonly reason: string;
    readonly header?: Readonly<Record<string, readonly string[]>>;
    readonly body?: unknown;
    readonly body_text?: string;
  };
  /**
   * The JWT the request carries as `{{jwt}}`: KrakenD's token (its header and claims) signed at
   * test time with the key `header.kid` of the mock backend's JWK set, generated per run; an
   * absent `exp` is set an hour ahead (CE's published tokens expired on 2025-01-01).
   */
  readonly jwt?: { readonly header: Readonly<Record<string, string>>; readonly claims: Readonly<Record<string, unknown>> };
  readonly in: { readonly method?: string; readonly url: string; readonly header?: Readonly<Record<string, string>>; readonly body?: string };
  readonly out: {
    readonly status_code: number;
    readonly header?: Readonly<Record<string, readonly string[]>>;
    readonly body?: unknown;
    readonly body_text?: string;
    /** CE's `schema`: the body must satisfy this JSON Schema (then `body` is not compared). */
    readonly schema?: Readonly<Record<string, unknown>>;
  };
}

/** A §8.1 case that is not ported, and why. */
export interface NotPorted {
  readonly name: string;
  readonly reason: string;
}

const here = import.meta.dirname;

/** Every ported case. */
export const CASES: readonly AcceptanceCase[] = JSON.parse(readFileSync(join(here, 'cases.json'), 'utf8')) as AcceptanceCase[];

/** The §8.1 cases not ported. */
export const NOT_PORTED: readonly NotPorted[] = JSON.parse(readFileSync(join(here, 'not-ported.json'), 'utf8')) as NotPorted[];

/** The KrakenD configuration `name` as written (hosts still KrakenD's). */
export function krakendConfigText(name: string): string {
  return readFileSync(join(here, 'krakend', `${name}.json`), 'utf8');
}

/** Replaces every placeholder host of a KrakenD config with the running backends' origins. */
export function substitute(text: string, substitutions: ReadonlyMap<string, string>): string {
  let out = text;
  for (const [from, to] of substitutions) out = out.replaceAll(from, to);
  return out;
}

/** KrakenD's expectation of a case with koaxy's documented differences applied. */
export function koaxyExpectation(kase: AcceptanceCase): AcceptanceCase['out'] {
  const d = kase.koaxy_differs;
  if (d === undefined) return kase.out;
  return {
    ...kase.out,
    header: { ...kase.out.header, ...d.header },
    ...(d.body !== undefined ? { body: d.body } : {}),
    ...(d.body_text !== undefined ? { body_text: d.body_text } : {}),
  };
}
