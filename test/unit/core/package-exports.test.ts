import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  exports: Record<string, { types: string; default: string }>;
  dependencies: Record<string, string>;
  sideEffects: boolean;
  type: string;
};
const out = mkdtempSync(join(tmpdir(), 'edgeflow-build-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

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
  expect(missing).toEqual([]);
  // The worker URL in the built facade must name the emitted .js entry, not the .ts source.
  const facade = readFileSync(join(out, 'src/lab/create-lab.js'), 'utf8');
  expect(facade).toContain("new URL('../../workers/lab.worker.js', import.meta.url)");
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
