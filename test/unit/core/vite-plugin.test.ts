// edgeflow/vite: the plugin an app that installs edgeflow adds to its Vite config. What it does
// for a real app (dev server and build) is checked end to end in test/e2e/vite-app.test.ts; here:
// its list of pre-bundled packages matches what the browser code imports, and its options.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { UserConfig } from 'vite';
import { expect, test } from 'vitest';
import { EDGEFLOW_RUNTIME_DEPENDENCIES, edgeflow } from '../../../src/vite/index.ts';

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) yield path;
  }
}

/** Packages a file imports at run time: not `import type`, not relative, not `node:`, not `?url` assets. */
function runtimeImports(text: string): string[] {
  const found: string[] = [];
  const statements = text.matchAll(/^(?:import|export)\s+([^;]*?)\s*from\s+'([^']+)'|^import\s+'([^']+)'/gm);
  for (const [, clause, from, bare] of statements) {
    const specifier = (from ?? bare) as string;
    if (clause?.startsWith('type ')) continue;
    if (/^[.#]|^node:|\?url$/.test(specifier)) continue;
    found.push(specifier);
  }
  return found;
}

test('the plugin pre-bundles exactly the packages the browser code imports at run time', () => {
  const imported = new Map<string, string>();
  for (const root of ['src', 'workers']) {
    for (const file of sources(root)) {
      // Node-only code (the plugin itself, the file-system store and folder publisher) never reaches a page.
      if (/^src[/\\](vite|edge[/\\]node)[/\\]/.test(file)) continue;
      for (const specifier of runtimeImports(readFileSync(file, 'utf8'))) imported.set(specifier, file);
    }
  }
  expect([...imported.keys()].sort()).toEqual([...EDGEFLOW_RUNTIME_DEPENDENCIES].sort());
  // Each is something the package depends on (no stray package the app would have to install).
  const { dependencies } = JSON.parse(readFileSync('package.json', 'utf8')) as {
    dependencies: Record<string, string>;
  };
  for (const specifier of EDGEFLOW_RUNTIME_DEPENDENCIES) {
    const name = specifier.startsWith('@')
      ? specifier.split('/').slice(0, 2).join('/')
      : specifier.split('/')[0];
    expect(Object.keys(dependencies), specifier).toContain(name);
  }
});

test('the plugin excludes edgeflow from pre-bundling, pre-bundles its packages for it and makes ES-module workers', () => {
  const plugin = edgeflow();
  // The name Vite prints in its errors and timings.
  expect(plugin.name).toBe('edgeflow');
  const config = (plugin.config as () => UserConfig)();
  expect(config.optimizeDeps?.exclude).toEqual(['edgeflow']);
  expect(config.optimizeDeps?.include).toContain('edgeflow > @tensorflow/tfjs');
  expect(config.optimizeDeps?.include).toContain(
    'edgeflow > @tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js',
  );
  expect(config.optimizeDeps?.include).toHaveLength(EDGEFLOW_RUNTIME_DEPENDENCIES.length);
  expect(config.worker?.format).toBe('es');
});

test('the dev server and vite preview send the isolation headers WASM threads need, unless turned off', () => {
  const headers = {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
  };
  const isolated = (edgeflow().config as () => UserConfig)();
  expect(isolated.server?.headers).toEqual(headers);
  expect(isolated.preview?.headers).toEqual(headers);
  const open = (edgeflow({ crossOriginIsolation: false }).config as () => UserConfig)();
  expect(open.server).toBeUndefined();
  expect(open.preview).toBeUndefined();
  expect(open.optimizeDeps?.exclude).toEqual(['edgeflow']);
});
