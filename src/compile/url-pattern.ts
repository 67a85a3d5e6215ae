/**
 * Endpoint paths and backend URL patterns: params, placeholders and parsed URL parts.
 */
import { ENDPOINT_SEGMENTS_PATTERN, RESERVED_PATH_PATTERN } from '../api/index.ts';
import type { UrlPart } from '../ir/index.ts';

// KrakenD's loose placeholder pattern (simpleURLKeysPattern), used for backend url patterns.
const PLACEHOLDER = /\{([\w\-.:/]+)\}/g;
// Placeholders filled from earlier sequential responses or JWT claims, not endpoint params.
const SEQUENTIAL_OR_JWT = /^(resp[0-9]+_.+)?(JWT\.([\w\-.:/]+))?$/;
const ENDPOINT_SEGMENTS = new RegExp(ENDPOINT_SEGMENTS_PATTERN);
const RESERVED = new RegExp(RESERVED_PATH_PATTERN);

/** Names of the `{param}` segments of an endpoint path, in order. */
export function endpointParams(endpoint: string): string[] {
  return [...endpoint.matchAll(/\/\{([a-zA-Z0-9_-]+)\}/g)].map((match) => match[1]!);
}

/** Whether a backend placeholder is filled by a sequential response or a JWT claim. */
export function isSequentialOrJwtParam(name: string): boolean {
  return SEQUENTIAL_OR_JWT.test(name);
}

/** Distinct placeholder names of a backend url pattern, in order of first appearance. */
export function placeholders(urlPattern: string): string[] {
  return [...new Set([...urlPattern.matchAll(PLACEHOLDER)].map((match) => match[1]!))];
}

/** Parses a backend url pattern (leading `/` added like KrakenD's CleanPath) into parts. */
export function parseUrlPattern(urlPattern: string): UrlPart[] {
  const pattern = urlPattern.startsWith('/') ? urlPattern : `/${urlPattern}`;
  const queryAt = pattern.indexOf('?');
  const parts: UrlPart[] = [];
  let last = 0;
  for (const match of pattern.matchAll(PLACEHOLDER)) {
    if (match.index > last) parts.push({ kind: 'text', text: pattern.slice(last, match.index) });
    parts.push({ kind: 'param', name: match[1]!, inQuery: queryAt !== -1 && match.index > queryAt });
    last = match.index + match[0].length;
  }
  if (last < pattern.length) parts.push({ kind: 'text', text: pattern.slice(last) });
  return parts;
}

/** Why an endpoint path is invalid (the CRD's CEL rules plus KrakenD's checks), or `[]`. */
export function endpointPathProblems(endpoint: string): string[] {
  const problems: string[] = [];
  if (!endpoint.startsWith('/')) problems.push('must start with /');
  if (endpoint.includes('*')) problems.push('must not contain *: wildcards are a KrakenD Enterprise feature that KrakenD CE cannot route');
  if (RESERVED.test(endpoint)) problems.push('is reserved by KrakenD (/__debug, /__echo, /__health)');
  if (endpoint.startsWith('/') && !ENDPOINT_SEGMENTS.test(endpoint)) {
    problems.push(
      "each {param} must be a whole path segment named with letters, digits, _ or - (e.g. /files/{name}); KrakenD would register /files/{name}.json as a param named 'name.json'",
    );
  }
  if (/[?#]/.test(endpoint)) problems.push('must be a path without ? or # (query strings are forwarded with inputQueryStrings)');
  const params = endpointParams(endpoint);
  const repeated = params.filter((name, i) => params.indexOf(name) !== i);
  if (repeated.length > 0) problems.push(`declares {${repeated[0]}} more than once`);
  return problems;
}
