// Issue 18 (points 8–11) and issue 15 ("reload keeps datasets and runs", "a dropped file") on the
// built lab page: the user's own CSV survives a reload with its target and runs; a double click on
// Train starts one run per candidate; rowPolicy 'drop' drops and reports ragged lines, a failed load
// labels the dataset still shown; Delete is disabled on an aliased version, with the reason.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { launchChromium } from './browser.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/data/${name}`, import.meta.url));

let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
beforeAll(async () => {
  browser = await launchChromium();
  // A fresh context: empty IndexedDB and localStorage; a reload keeps both.
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  // The machine is shared and slow at times: every wait gets room.
  page.setDefaultTimeout(120_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(inject('demoUrl'));
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
});

const summaryText = (): Promise<string | null> => page.getByTestId('dataset-title').textContent();

test('a file chosen with the file input, its target picked, is kept; a double click on Train starts one run per candidate', {
  timeout: 600_000,
}, async () => {
  await page.getByTestId('data-file').setInputFiles(fixture('lab-kept-own.csv'));
  await expect.poll(summaryText, { timeout: 120_000 }).toContain('lab-kept-own.csv');
  await expect.poll(summaryText, { timeout: 120_000 }).toContain('target none');

  // Pick the target in the schema editor and reload the file with it.
  await page.getByLabel('Role of label').selectOption('target');
  await page.getByRole('button', { name: 'Reload with this schema' }).click();
  await expect.poll(summaryText, { timeout: 120_000 }).toMatch(/target label \(classification\)/);
  await expect(page.getByTestId('kept-choice').textContent()).resolves.toContain('lab-kept-own.csv');
  // The copy without a target was replaced (no run used it): one kept entry for the file.
  await expect.poll(() => page.getByTestId('kept-choice').locator('option').count()).toBe(1);

  const candidates = page.getByTestId('candidate');
  await expect.poll(() => candidates.count(), { timeout: 30_000 }).toBe(2);
  for (const i of [0, 1]) await candidates.nth(i).getByLabel('Epochs').fill('3');
  await page.getByTestId('train-all').dblclick();
  const cards = page.getByTestId('run-card');
  await expect.poll(() => cards.count(), { timeout: 30_000 }).toBe(2);
  const ids = await page.getByTestId('run-short-id').allTextContents();
  expect(new Set(ids).size).toBe(2);
  await expect
    .poll(() => page.locator('[data-testid="run-card"][data-phase="done"]').count(), { timeout: 480_000 })
    .toBe(2);
  // Still two: the double click did not start a second pair.
  await expect(cards.count()).resolves.toBe(2);
  await expect
    .poll(() => page.getByTestId('runs-table').locator('tbody tr').count(), { timeout: 30_000 })
    .toBe(2);
});

test('Delete is disabled on the version an alias points at, with the reason', async () => {
  await page.getByTestId('register').click();
  await expect(page.getByTestId('registered').textContent({ timeout: 60_000 })).resolves.toContain('v1');
  await page.getByLabel('Metric', { exact: true }).selectOption('accuracy');
  await page.getByLabel('Threshold of accuracy').fill('0');
  await page.getByTestId('promote').click();
  await expect
    .poll(() => page.getByTestId('gate-report').textContent(), { timeout: 120_000 })
    .toContain('Gate passed');
  await expect(page.getByTestId('alias-champion').textContent({ timeout: 30_000 })).resolves.toContain('v1');
  const remove = page.getByTestId('delete-v1');
  await expect(remove.isDisabled()).resolves.toBe(true);
  await expect(page.getByTestId('delete-reason-v1').textContent()).resolves.toContain(
    '"champion" points at v1',
  );
});

test('a reload brings back the kept dataset with its target, and its runs are still listed', async () => {
  await page.reload();
  await expect.poll(summaryText, { timeout: 120_000 }).toContain('lab-kept-own.csv');
  await expect.poll(summaryText, { timeout: 120_000 }).toMatch(/120 rows, .*target label \(classification\)/);
  await expect
    .poll(() => page.getByTestId('runs-table').locator('tbody tr').count(), { timeout: 30_000 })
    .toBe(2);
  // The train section is ready on the reopened dataset (no file needed).
  await expect(page.getByTestId('train-all').isVisible()).resolves.toBe(true);
});

test("rowPolicy 'drop' drops the ragged lines and names them; under 'error' the failure leads with its sentence and the dataset still shown is labelled", async () => {
  await page.getByLabel('Rows with unusable values').selectOption('drop');
  await page.getByTestId('data-file').setInputFiles(fixture('lab-kept-ragged.csv'));
  await expect.poll(summaryText, { timeout: 120_000 }).toMatch(/^lab-kept-ragged\.csv: 37 rows/);
  await expect(page.getByTestId('dataset-ragged-lines').textContent()).resolves.toContain('lines 7, 20');

  await page.getByLabel('Rows with unusable values').selectOption('error');
  await page.getByTestId('data-file').setInputFiles(fixture('lab-kept-ragged.csv'));
  const error = page.getByTestId('data-error');
  await error.waitFor({ timeout: 120_000 });
  await expect(error.locator('p').first().textContent()).resolves.toMatch(
    /^Could not load lab-kept-ragged\.csv: Line 7 has 3 fields, but the header has 4/,
  );
  await expect(error.locator('details').getAttribute('open')).resolves.toBeNull();
  await expect(page.getByTestId('data-error-code').textContent()).resolves.toBe('PARSE_ERROR');
  await expect(page.getByTestId('dataset-still-loaded').textContent()).resolves.toContain(
    'Still loaded from before',
  );
  await expect(page.getByTestId('data-stale-note').textContent()).resolves.toContain(
    'Still loaded: lab-kept-ragged.csv',
  );
  await expect(page.getByTestId('data-file').inputValue()).resolves.toBe('');
});

test('a file dropped on the drop zone loads, and the kept datasets switch and delete', async () => {
  const text = await readFile(fixture('lab-kept-own.csv'), 'utf8');
  const transfer = await page.evaluateHandle((csv) => {
    const data = new DataTransfer();
    data.items.add(new File([csv.replaceAll('colour', 'shade')], 'dropped.csv', { type: 'text/csv' }));
    return data;
  }, text);
  await page.dispatchEvent('.drop-zone', 'drop', { dataTransfer: transfer });
  await expect.poll(summaryText, { timeout: 120_000 }).toContain('dropped.csv');
  await expect(page.getByTestId('data-error').count()).resolves.toBe(0);

  // Switch back to the first kept file, then delete the dropped one.
  const choice = page.getByTestId('kept-choice');
  const own = await choice.locator('option', { hasText: 'lab-kept-own.csv' }).getAttribute('value');
  await choice.selectOption(own ?? '');
  await page.getByTestId('kept-open').click();
  await expect.poll(summaryText, { timeout: 120_000 }).toContain('lab-kept-own.csv');
  const dropped = await choice.locator('option', { hasText: 'dropped.csv' }).getAttribute('value');
  await choice.selectOption(dropped ?? '');
  await page.getByTestId('kept-delete').click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await expect.poll(() => choice.locator('option', { hasText: 'dropped.csv' }).count()).toBe(0);
  await expect(summaryText()).resolves.toContain('lab-kept-own.csv');
  expect(pageErrors).toEqual([]);
});
