// A newcomer's Vite app: it installs the built package (package.json and dist/, as npm puts them in
// node_modules), adds `edgeflow()` from edgeflow/vite to its config, and then the lab's worker
// trains on WASM with threads and edgeflow/monitor predicts on the page, both under `vite` (the
// dev server pre-bundles installed packages, which broke the lab's worker URL and the threaded
// WASM script) and after `vite build` (served by `vite preview`).
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright';
import { createLogger, type InlineConfig, type Plugin } from 'vite';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchChromium, watchConsole } from './browser.ts';

const root = mkdtempSync(join(tmpdir(), 'edgeflow-vite-app-'));
const app = join(root, 'app');
const installed = join(app, 'node_modules', 'edgeflow');
const repoModules = realpathSync('node_modules');
let browser: Browser;
let config: InlineConfig;
// What Vite warned about while serving or building the app (a warning is a newcomer's problem too).
const viteWarnings: string[] = [];
const logger = createLogger('warn');
logger.warn = (message) => viteWarnings.push(message);
logger.warnOnce = (message) => viteWarnings.push(message);

beforeAll(async () => {
  execFileSync('node', ['scripts/build.mjs', '--lib-only', '--out', join(installed, 'dist')], {
    stdio: 'pipe',
  });
  copyFileSync('package.json', join(installed, 'package.json'));
  // Every other package from this checkout's node_modules, as an install would have put them there.
  for (const name of readdirSync(repoModules)) {
    if (name === 'edgeflow' || name.startsWith('.')) continue;
    symlinkSync(join(repoModules, name), join(app, 'node_modules', name), 'dir');
  }
  mkdirSync(join(app, 'src'));
  copyFileSync('test/fixtures/vite-app/main.js', join(app, 'src', 'main.js'));
  writeFileSync(
    join(app, 'index.html'),
    '<!doctype html><link rel="icon" href="data:,"><script type="module" src="/src/main.js"></script>\n',
  );
  const { edgeflow } = (await import(pathToFileURL(join(installed, 'dist/src/vite/index.js')).href)) as {
    edgeflow: () => Plugin;
  };
  config = {
    root: app,
    configFile: false,
    logLevel: 'warn',
    customLogger: logger,
    plugins: [edgeflow()],
    cacheDir: join(app, 'node_modules', '.vite'),
    // The packages are links into this checkout; an app's own node_modules needs no such allowance.
    server: { host: '127.0.0.1', port: 0, fs: { allow: [app, repoModules] } },
    preview: { host: '127.0.0.1', port: 0 },
    build: { outDir: join(app, 'dist'), emptyOutDir: true, chunkSizeWarningLimit: 10_000 },
  };
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  rmSync(root, { recursive: true, force: true });
});

interface AppResult {
  error?: string;
  crossOriginIsolated: boolean;
  runtime: { backend: string; wasmThreads: { enabled: boolean; reason: string | null } };
  run: { status: string; backend: string };
  inWorker: { label: string; probabilities: Record<string, number> }[];
  onPage: { label: string; probabilities: Record<string, number> }[];
  pageBackend: string;
}

async function runApp(url: string): Promise<{ result: AppResult; problems: string[] }> {
  const page = await browser.newPage();
  const problems = watchConsole(page);
  await page.goto(url);
  await page.waitForFunction(() => (window as { result?: unknown }).result !== undefined, null, {
    timeout: 240_000,
  });
  const result = (await page.evaluate(
    () => (window as unknown as { result: AppResult }).result,
  )) as AppResult;
  await page.close();
  return { result, problems };
}

function expectWorkingApp({ result, problems }: { result: AppResult; problems: string[] }): void {
  expect(result.error).toBeUndefined();
  expect(result.crossOriginIsolated).toBe(true);
  expect(result.runtime).toEqual({ backend: 'wasm', wasmThreads: { enabled: true, reason: null } });
  expect(result.run).toEqual({ status: 'finished', backend: 'wasm' });
  expect(result.pageBackend).toBe('wasm');
  expect(result.onPage).toHaveLength(3);
  // The page's WASM backend and the worker's answer the same rows with the same model alike.
  result.onPage.forEach((prediction, i) => {
    const inWorker = result.inWorker[i];
    expect(prediction.label).toBe(inWorker?.label);
    for (const [label, p] of Object.entries(prediction.probabilities))
      expect(p).toBeCloseTo(inWorker?.probabilities[label] as number, 4);
  });
  expect(problems).toEqual([]);
  expect(viteWarnings).toEqual([]);
}

test('under the Vite dev server, which pre-bundles installed packages', async () => {
  const { createServer } = await import('vite');
  const server = await createServer(config);
  await server.listen();
  try {
    expectWorkingApp(await runApp(server.resolvedUrls?.local[0] as string));
  } finally {
    await server.close();
  }
});

test('after vite build, served by vite preview', async () => {
  const { build, preview } = await import('vite');
  await build(config);
  const server = await preview(config);
  try {
    expectWorkingApp(await runApp(server.resolvedUrls?.local[0] as string));
  } finally {
    await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
  }
});
