/**
 * The `koaxy` command: parses the command line and composes the parts (DESIGN §4).
 *
 * Job: the only place that reads `process.argv` and `process.env`; everything below gets its
 * inputs as arguments.
 * Invariant: a usage mistake prints one clear line naming the flag and exits with code 2.
 * Each command's module is imported only when that command runs: the proxy container never
 * loads the Kubernetes client or the compiler, the controller never loads the data plane.
 */
import { readFileSync } from 'node:fs';
import { createLogger } from './logger.ts';
import { isClusterPrimary, superviseWorkers, workerPorts } from './cluster.ts';
import { type FlagSpec, UsageError, flagHelp, parseFlags, portFlag, servingFlags } from './flags.ts';
import { controllerHelp, proxyHelp } from './command-flags.ts';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
const VERSION_HEADER = `Version koaxy-${pkg.version}`;

const standaloneFlags = {
  endpoints: { type: 'string', multiple: true, help: 'GatewayEndpoint files or folders (repeatable)' },
  workers: { type: 'string', default: '1', help: 'processes sharing the data port (status/admin ports: worker 0 only)' },
  ...servingFlags,
} as const satisfies Record<string, FlagSpec>;

const usage = `koaxy — a KrakenD-compatible API gateway for Kubernetes

Usage:
  koaxy standalone --endpoints PATH... [flags]   files → compile → proxy in one process, hot reload
  koaxy proxy --state-dir DIR [flags]            the data plane of the pod: serves DIR/route-table.json, follows it
  koaxy controller --state-dir DIR [flags]       the sidecar: watches GatewayEndpoints, writes the table and status
  koaxy validate FILE...                         offline compile; prints problems; non-zero on any
  koaxy import-krakend krakend.json [--namespace NS]  KrakenD v3 config → GatewayEndpoint YAML; unsupported parts on stderr
  koaxy version

Flags of standalone:
${flagHelp(standaloneFlags)}

Flags of proxy:
${proxyHelp}

Flags of controller:
${controllerHelp}
`;

async function runStandalone(args: readonly string[]): Promise<void> {
  const { values, positionals } = parseFlags(args, standaloneFlags, process.env);
  const paths = [...((values['endpoints'] as string[] | undefined) ?? []), ...positionals];
  if (paths.length === 0) throw new UsageError('--endpoints needs at least one file or folder');
  const logger = createLogger(String(values['log-level']));
  const workers = Number(values['workers']);
  if (!Number.isInteger(workers) || workers < 1) throw new UsageError(`--workers must be a positive integer, got ${JSON.stringify(values['workers'])}`);
  if (isClusterPrimary(workers)) return superviseWorkers(workers, logger);
  const { startStandalone } = await import('./standalone.ts');
  const gateway = await startStandalone({
    paths,
    bind: String(values['bind']),
    port: portFlag(values, 'port'),
    ...workerPorts({ statusPort: portFlag(values, 'status-port'), adminPort: portFlag(values, 'admin-port') }),
    logger,
    versionHeader: VERSION_HEADER,
  });
  logger.info({ data: gateway.data.url, status: gateway.status.url, admin: gateway.admin.url }, 'koaxy standalone listening');
  const stop = (signal: string): void => {
    logger.info({ signal }, 'draining and stopping');
    void gateway.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(usage);
    return 0;
  }
  switch (command) {
    case 'standalone':
      await runStandalone(rest);
      return -1;
    case 'proxy':
      await (await import('./proxy.ts')).runProxy(rest, process.env, VERSION_HEADER);
      return -1;
    case 'controller':
      await (await import('./controller.ts')).runController(rest, process.env);
      return -1;
    case 'validate':
      if (rest.length === 0) throw new UsageError('validate needs at least one file or folder');
      return (await import('./validate.ts')).validateFiles(rest, process.stdout);
    case 'import-krakend':
      return (await import('./import-krakend.ts')).runImportKrakend(rest, process.env, process.stdout, process.stderr);
    case 'version':
    case '--version':
      process.stdout.write(`koaxy ${pkg.version}\n`);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(usage);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}; run "koaxy help"`);
  }
}

try {
  const code = await main(process.argv.slice(2));
  if (code >= 0) process.exitCode = code;
} catch (err) {
  if (err instanceof UsageError || (err as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    process.stderr.write(`koaxy: ${(err as Error).message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`koaxy: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  }
}
