import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  exports: Record<string, { types: string; default: string }>;
  bin: Record<string, string>;
  sideEffects: boolean;
  type: string;
};
const out = mkdtempSync(join(tmpdir(), 'edgeflow-build-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

test('every exports entry (types first) and the bin point at files the build makes', () => {
  execFileSync('node', ['scripts/build.mjs', '--lib-only', '--out', out], { stdio: 'pipe' });
  expect(pkg.type).toBe('module');
  expect(pkg.sideEffects).toBe(false);
  expect(Object.keys(pkg.exports).sort()).toEqual(
    ['.', './collector', './data', './edge', './monitor', './registry', './telemetry', './worker'].sort(),
  );
  const missing: string[] = [];
  for (const [subpath, entry] of Object.entries(pkg.exports)) {
    expect(Object.keys(entry)[0], `${subpath}: "types" must come first`).toBe('types');
    for (const file of [entry.types, entry.default]) {
      if (!existsSync(file.replace('./dist/', `${out}/`))) missing.push(`${subpath} → ${file}`);
    }
  }
  for (const file of Object.values(pkg.bin))
    if (!existsSync(file.replace('./dist/', `${out}/`))) missing.push(`bin → ${file}`);
  expect(missing).toEqual([]);
  // The worker URL in the built facade must name the emitted .js entry, not the .ts source.
  const facade = readFileSync(join(out, 'src/lab/create-lab.js'), 'utf8');
  expect(facade).toContain("new URL('../../workers/lab.worker.js', import.meta.url)");
}, 120_000);
