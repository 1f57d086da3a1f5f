import { type ChildProcess, spawn } from 'node:child_process';
import type { TestProject } from 'vitest/node';

let server: ChildProcess | undefined;

/**
 * Runs what the README's first command runs (`npm start`: build, then serve the demo with the
 * collector) on a free port, and hands the URL to the e2e tests.
 */
export async function setup(project: TestProject): Promise<void> {
  const url = await new Promise<string>((resolve, reject) => {
    const child = spawn('npm', ['start', '--silent'], {
      env: { ...process.env, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    server = child;
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`npm start exited with ${code} before serving:\n${output}`)),
    );
    setTimeout(
      () => reject(new Error(`npm start did not print its URL within 240 s:\n${output}`)),
      240_000,
    ).unref();
  });
  project.provide('demoUrl', url);
}

export async function teardown(): Promise<void> {
  if (server?.pid) {
    try {
      // The server runs in its own process group (npm → node scripts/start.mjs → collector).
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    demoUrl: string;
  }
}
