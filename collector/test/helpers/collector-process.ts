// Starts the built collector (`collector/dist/cli.js`) as a real child process for the reliability
// tests, and fails clearly (instead of hanging) when it has not been built.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built CLI. */
export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** A collector child process. */
export interface CollectorProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Throws a clear error when `collector/dist/cli.js` is missing. */
export function requireBuiltCli(): void {
  if (!existsSync(CLI))
    throw new Error(`${CLI} is missing: run "npm run build" first (CI builds before testing).`);
}

/** Runs the CLI to completion (for --help and bad-flag checks). */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  requireBuiltCli();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts the CLI and waits (up to 20 s) for its "listening on" line. */
export function startCollectorProcess(
  args: string[],
  env: Record<string, string> = {},
): Promise<CollectorProcess> {
  requireBuiltCli();
  const child = spawn(process.execPath, [CLI, '--port', '0', '--quiet', ...args], {
    env: { ...process.env, ...env },
  });
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the collector did not start within 20 s:\n${out}`)),
      20_000,
    );
    const onData = (d: Buffer): void => {
      out += d.toString();
      const match = /edgeflow collector listening on (http:\/\/\S+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: match[1], output: () => out, exited });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`the collector exited with ${code} before listening:\n${out}`));
    });
  });
}
