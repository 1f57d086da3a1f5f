import { type ChildProcess, spawn } from 'node:child_process';
import type { TestProject } from 'vitest/node';

let server: ChildProcess | undefined;

/**
 * `npm start` by default. With E2E_BUILD_DIR set (several people testing in one checkout), only the
 * demo is built, into that folder, and served by the already built collector with its data beside
 * it, so parallel runs never overwrite each other's dist/ or demo-dist/.
 */
function serverCommand(): [string, string[]] {
  const dir = process.env.E2E_BUILD_DIR;
  if (!dir) return ['npm', ['start', '--silent']];
  const script = [
    `npx vite build --logLevel warn --emptyOutDir --outDir ${JSON.stringify(`${dir}/demo`)}`,
    `exec node collector/dist/cli.js --static ${JSON.stringify(`${dir}/demo`)} --port 0 --data-dir ${JSON.stringify(`${dir}/data-${Date.now()}`)}`,
  ].join(' && ');
  return ['sh', ['-c', script]];
}

/**
 * Runs what the README's first command runs (`npm start`: build, then serve the demo with the
 * collector) on a free port, and hands the URL to the e2e tests.
 */
export async function setup(project: TestProject): Promise<void> {
  const url = await new Promise<string>((resolve, reject) => {
    const child = spawn(...serverCommand(), {
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
