// Issue 13: `npx edgeflow-collector` must work from the repository after `npm ci && npm run build`.
// npm links a package's bin at install time, before anything is built, so the command is a small
// launcher outside dist/; this test runs it the way a user does, through the installed link.
import { execFile } from 'node:child_process';
import { existsSync, readlinkSync } from 'node:fs';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';

const run = promisify(execFile);
const link = 'node_modules/.bin/edgeflow-collector';

test('npm links the edgeflow-collector command to the launcher, and it runs the built CLI', async () => {
  expect(existsSync(link), `${link} is missing: run npm ci`).toBe(true);
  expect(readlinkSync(link)).toMatch(/edgeflow-collector\/bin\/edgeflow-collector\.js$/);
  expect(existsSync('collector/dist/cli.js'), 'collector/dist is missing: run npm run build first').toBe(
    true,
  );
  const { stdout } = await run('npx', ['--no-install', 'edgeflow-collector', '--help'], { encoding: 'utf8' });
  expect(stdout).toMatch(/^Usage: edgeflow-collector/);
  expect(stdout).toContain('--api-key-file');
});
