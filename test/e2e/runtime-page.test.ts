import type { Browser } from 'playwright';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { launchChromium, watchConsole } from './browser.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

test('npm start serves the lab page cross-origin isolated, and it shows the backend chosen inside the worker', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems = watchConsole(page);
  const response = await page.goto(inject('demoUrl'));
  expect(response?.headers()['cross-origin-embedder-policy']).toBe('require-corp');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const backend = page.getByTestId('backend');
  await backend.waitFor({ timeout: 120_000 });
  expect(['webgpu', 'webgl', 'wasm', 'cpu']).toContain(await backend.textContent());
  await expect(page.getByRole('table', { name: 'Capabilities' }).textContent()).resolves.toContain(
    'dedicated-worker',
  );
  expect(problems).toEqual([]);
  await page.close();
});
