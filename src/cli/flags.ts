/**
 * Command-line flags with environment fallbacks: every `--some-flag` also reads
 * `KOAXY_SOME_FLAG` (DESIGN §4). The only place besides main.ts that looks at argv or env.
 */
import { parseArgs } from 'node:util';

/** A flag definition: its type, whether it repeats, and its default. */
export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly default?: string | boolean;
  /** One line for `--help`. */
  readonly help: string;
}

/** Parsed flag values plus positionals. */
export interface ParsedFlags {
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: readonly string[];
}

/** Parses `args` against `specs`, filling absent flags from `KOAXY_*` variables, then defaults. */
export function parseFlags(args: readonly string[], specs: Readonly<Record<string, FlagSpec>>, env: NodeJS.ProcessEnv): ParsedFlags {
  const options = Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => [name, { type: spec.type, multiple: spec.multiple ?? false }]),
  );
  const parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  const values = { ...parsed.values } as Record<string, string | boolean | string[] | undefined>;
  for (const [name, spec] of Object.entries(specs)) {
    if (values[name] !== undefined) continue;
    const fromEnv = env[envName(name)];
    if (fromEnv !== undefined && fromEnv !== '') values[name] = fromEnvValue(spec, fromEnv);
    else if (spec.default !== undefined) values[name] = spec.default;
  }
  return { values, positionals: parsed.positionals };
}

/** `status-port` → `KOAXY_STATUS_PORT`. */
export function envName(flag: string): string {
  return `KOAXY_${flag.toUpperCase().replaceAll('-', '_')}`;
}

function fromEnvValue(spec: FlagSpec, raw: string): string | boolean | string[] {
  if (spec.type === 'boolean') return raw === '1' || raw.toLowerCase() === 'true';
  return spec.multiple ? raw.split(',').map((s) => s.trim()).filter((s) => s !== '') : raw;
}

/** Reads a port flag, failing with a message that names the flag. */
export function portFlag(values: ParsedFlags['values'], name: string): number {
  const raw = values[name];
  const port = Number(raw);
  if (typeof raw !== 'string' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--${name} must be a port number (0-65535), got ${JSON.stringify(raw)}`);
  }
  return port;
}

/** Renders the help lines of a command's flags. */
export function flagHelp(specs: Readonly<Record<string, FlagSpec>>): string {
  return Object.entries(specs)
    .map(([name, spec]) => `  --${name}${spec.type === 'string' ? ' VALUE' : ''}${spec.multiple ? '...' : ''}`.padEnd(30) + `${spec.help} (env ${envName(name)})`)
    .join('\n');
}

/** A mistake on the command line: printed without a stack, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The flags of the commands that serve traffic (`standalone`, `proxy`): ports, bind, logging. */
export const servingFlags = {
  port: { type: 'string', default: '8080', help: 'data port' },
  'status-port': { type: 'string', default: '9900', help: 'status port: /healthz /readyz /metrics' },
  'admin-port': { type: 'string', default: '9901', help: 'admin port on 127.0.0.1: /v1/route-table /v1/status' },
  bind: { type: 'string', default: '0.0.0.0', help: 'address of the data and status ports' },
  'log-level': { type: 'string', default: 'info', help: 'fatal | error | warn | info | debug' },
} as const satisfies Record<string, FlagSpec>;
