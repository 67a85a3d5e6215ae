/**
 * Runs a command to completion and captures its output (kubectl, helm, openssl, build.sh).
 * Never throws on a non-zero exit: the caller asserts on {@link CommandResult}.
 */
import { spawn } from 'node:child_process';

/** What a finished command left: its exit code (or -1 when killed/unspawnable) and its output. */
export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runCommand}: stdin text, environment and a kill deadline. */
export interface RunOptions {
  readonly input?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** @default 60_000 */
  readonly timeoutMs?: number;
}

/** Runs `file args`, feeding `input` on stdin, and resolves with its exit code and output. */
export function runCommand(file: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 60_000,
      killSignal: 'SIGKILL',
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.stdin.on('error', () => {}); // the command may exit before reading its stdin
    child.stdin.end(options.input ?? '');
    let spawnError = '';
    child.on('error', (error) => {
      spawnError = `${file}: ${error.message}\n`;
    });
    child.on('close', (code) => {
      resolve({
        code: code ?? -1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: spawnError + Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

/** Like {@link runCommand}, but rejects with the command line and its stderr on a non-zero exit. */
export async function runChecked(file: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  const result = await runCommand(file, args, options);
  if (result.code !== 0) {
    throw new Error(`${file} ${args.join(' ')} exited ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`);
  }
  return result.stdout;
}
