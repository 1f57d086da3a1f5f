// `npm test`: makes sure a Chromium is there (installing it where the machine allows), runs every
// Vitest project (unit in Node, browser in Chromium, e2e over the built demo), then prints the
// closing line `N passed, N failed[, N skipped]` from Vitest's JSON report.
// Extra arguments go to Vitest: `npm test -- --project unit`, `npm test -- test/unit/errors.test.ts`.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { ensureChromium } from './chromium.mjs';

const reportPath = '.vitest-report.json';
try {
  process.env.CHROMIUM_PATH = ensureChromium();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}

rmSync(reportPath, { force: true });
const args = [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${reportPath}`,
  ...process.argv.slice(2),
];
const result = spawnSync('npx', args, { stdio: 'inherit', env: process.env });

if (!existsSync(reportPath)) {
  console.error('Vitest wrote no report; it failed before running tests (see above).');
  console.log('0 passed, 1 failed');
  process.exit(result.status || 1);
}
const report = JSON.parse(readFileSync(reportPath, 'utf8'));
const passed = report.numPassedTests ?? 0;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
// A file that fails to load has no failed test of its own; count it once so it cannot hide.
const brokenFiles = (report.testResults ?? []).filter(
  (file) => file.status === 'failed' && (file.assertionResults ?? []).every((t) => t.status !== 'failed'),
).length;
// A run that failed outside any test (a global setup, an unhandled error) must not read as green.
const counted = (report.numFailedTests ?? 0) + brokenFiles;
const failed = counted === 0 && result.status !== 0 ? 1 : counted;
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || result.status !== 0 ? result.status || 1 : 0);
