// Issue 15 (points 1, 2, 5) on the built page and the real collector of the global setup (as
// `npm start` starts it): the empty states of the publish and clients views, the collector seen as
// reachable, the page's key and its download as a --release-keys-file. The full loop is
// field-flow.test.ts; a refused publish is test/browser/demo/field-panels.test.tsx.
import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { launchChromium } from './browser.ts';

let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
beforeAll(async () => {
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(inject('demoUrl'));
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
});

test('empty states of the publish and clients views, the collector reachable, the page key and its download', async () => {
  await expect(page.getByTestId('publish-empty').textContent({ timeout: 120_000 })).resolves.toContain(
    'Nothing is registered yet',
  );
  await expect(page.getByTestId('clients-empty').textContent()).resolves.toContain('No clients running');
  await expect(page.getByTestId('clients-no-dataset').textContent()).resolves.toContain('Load a dataset');
  await expect(page.getByTestId('start-clients').isDisabled()).resolves.toBe(true);
  await expect
    .poll(() => page.getByTestId('collector-state').getAttribute('data-state'), { timeout: 30_000 })
    .toBe('up');

  // The page's key: shown by id, downloadable as the collector's release keys file.
  const keyId = (await page.getByTestId('signing-key-id').getAttribute('title', { timeout: 60_000 })) ?? '';
  expect(keyId).toMatch(/^[0-9a-f]{32}$/);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('download-public-key').click(),
  ]);
  const file = await download.path();
  const keys = JSON.parse(await readFile(file, 'utf8')) as { keys: { keyId: string; algorithm: string }[] };
  expect(keys.keys.map((k) => k.keyId)).toEqual([keyId]);

  expect(pageErrors).toEqual([]);
}, 900_000);
