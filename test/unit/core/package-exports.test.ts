import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  exports: Record<string, { types: string; default: string }>;
  imports: Record<string, Record<string, unknown>>;
  dependencies: Record<string, string>;
  sideEffects: boolean;
  type: string;
};
// A built copy of the package as an app installs it: package.json, dist/, and the dependencies.
const root = mkdtempSync(join(tmpdir(), 'edgeflow-build-'));
const out = join(root, 'dist');
afterAll(() => rmSync(root, { recursive: true, force: true }));

test('every exports entry (types first) points at a file the build makes', () => {
  execFileSync('node', ['scripts/build.mjs', '--lib-only', '--out', out], { stdio: 'pipe' });
  expect(pkg.type).toBe('module');
  expect(pkg.sideEffects).toBe(false);
  expect(Object.keys(pkg.exports).sort()).toEqual(
    [
      '.',
      './data',
      './edge',
      './edge/node',
      './errors',
      './monitor',
      './registry',
      './release',
      './schemas',
      './telemetry',
      './vite',
      './worker',
    ].sort(),
  );
  const missing: string[] = [];
  for (const [subpath, entry] of Object.entries(pkg.exports)) {
    expect(Object.keys(entry)[0], `${subpath}: "types" must come first`).toBe('types');
    for (const file of [entry.types, entry.default]) {
      if (!existsSync(file.replace('./dist/', `${out}/`))) missing.push(`${subpath} → ${file}`);
    }
  }
  // The package's own imports (`#wasm-assets`): one file for Node, one for bundlers, both built.
  for (const [name, entry] of Object.entries(pkg.imports)) {
    for (const condition of ['types', 'node', 'default']) {
      const file = entry[condition];
      if (typeof file !== 'string') missing.push(`${name}: no "${condition}"`);
      else if (!existsSync(file.replace('./dist/', `${out}/`)))
        missing.push(`${name} (${condition}) → ${file}`);
    }
  }
  expect(missing).toEqual([]);
  // The worker URL in the built facade must name the emitted .js entry, not the .ts source.
  const facade = readFileSync(join(out, 'src/lab/create-lab.js'), 'utf8');
  expect(facade).toContain("new URL('../../workers/lab.worker.js', import.meta.url)");
}, 120_000);

test('plain Node imports every subpath from dist/ and runs a Predictor on the wasm backend', () => {
  expect(existsSync(join(out, 'src/runtime/wasm-assets.node.js')), 'the build above runs first').toBe(true);
  writeFileSync(join(root, 'package.json'), readFileSync('package.json'));
  symlinkSync(join(process.cwd(), 'node_modules'), join(root, 'node_modules'), 'dir');
  copyFileSync('test/fixtures/package/node-consumer.mjs', join(root, 'node-consumer.mjs'));
  const printed = execFileSync('node', ['node-consumer.mjs'], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
  const { imported, answered } = JSON.parse(printed.trim().split('\n').at(-1) as string) as {
    imported: Record<string, number | string>;
    answered: Record<string, { backend: string; active: string; probabilities: Record<string, number>[] }>;
  };
  // Each subpath loads and exports something, without a bundler (no `?url` or `?raw` reaches Node);
  // `edgeflow/worker` is a Web Worker's entry and needs a worker's global scope.
  const { './worker': worker, ...others } = imported;
  expect(Object.keys(others).sort()).toEqual(
    Object.keys(pkg.exports)
      .filter((s) => s !== './worker')
      .sort(),
  );
  for (const [subpath, count] of Object.entries(others)) expect(count, subpath).toBeGreaterThan(0);
  expect(worker).toMatch(/addEventListener/);
  const wasm = answered.wasm;
  const cpu = answered.cpu;
  expect(wasm?.backend).toBe('wasm');
  expect(wasm?.active).toBe('wasm');
  expect(cpu?.backend).toBe('cpu');
  expect(wasm?.probabilities).toHaveLength(12);
  wasm?.probabilities.forEach((p, i) => {
    const q = cpu?.probabilities[i] as Record<string, number>;
    expect(Object.keys(p).sort()).toEqual(['no', 'yes']);
    expect(p.yes).toBeCloseTo(q.yes as number, 5);
    expect(p.no).toBeCloseTo(q.no as number, 5);
  });
  // The rows differ, so the answers do too: a constant answer would not be a model's.
  expect(new Set(wasm?.probabilities.map((p) => p.yes?.toFixed(3))).size).toBeGreaterThan(6);
}, 120_000);

// Issue 13: `npm install edgeflow` must not compile a native module or pull in a server stack.
test('the browser package depends on nothing native and nothing server-side', () => {
  const serverOnly = ['better-sqlite3', 'hono', '@hono/node-server', 'express', 'sqlite3'];
  expect(Object.keys(pkg.dependencies).filter((d) => serverOnly.includes(d))).toEqual([]);
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' }),
  ) as { files: { path: string }[] }[];
  const paths = packed[0]?.files.map((f) => f.path) ?? [];
  expect(paths.length).toBeGreaterThan(0);
  expect(paths.filter((p) => p.includes('collector') || p.endsWith('.node'))).toEqual([]);
  for (const dependency of Object.keys(pkg.dependencies)) {
    const manifest = JSON.parse(readFileSync(`node_modules/${dependency}/package.json`, 'utf8')) as {
      scripts?: Record<string, string>;
      gypfile?: boolean;
    };
    expect(manifest.gypfile ?? false, `${dependency} builds native code`).toBe(false);
    expect(manifest.scripts?.install, `${dependency} runs an install script`).toBeUndefined();
  }
});
