// Issue 18, points 12–15 on the built page: try the model, run management (filter, notes and tags,
// CSV export, delete), per-class metrics, versions side by side with alias moves, experiment setup
// (five candidates queued beyond the workers), cancel a training, delete a version, the CNN preset,
// the skip link, and the layout at 1280 and 400 px.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { launchChromium, watchConsole } from './browser.ts';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/lab-manage/${name}`, import.meta.url));

let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: string[];
beforeAll(async () => {
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
  problems = watchConsole(page);
  await page.goto(inject('demoUrl'));
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
});

const ENDED = ['done', 'failed', 'cancelled'];

async function cardPhases(): Promise<string[]> {
  return page
    .getByTestId('run-card')
    .evaluateAll((els) => els.map((el) => el.getAttribute('data-phase') ?? ''));
}

async function waitForRunsToEnd(timeout = 240_000): Promise<void> {
  await expect
    .poll(async () => (await cardPhases()).every((p) => ENDED.includes(p)), { timeout, interval: 500 })
    .toBe(true);
}

async function setEpochs(epochs: string): Promise<void> {
  const candidates = page.getByTestId('candidate');
  for (let i = 0; i < (await candidates.count()); i++)
    await candidates.nth(i).getByLabel('Epochs').fill(epochs);
}

/** Whether an element's content is wider than its box (a hidden horizontal scroll). */
function overflows(selector: string): Promise<boolean[]> {
  return page.$$eval(selector, (els) => els.map((el) => el.scrollWidth > el.clientWidth + 1));
}

test('the skip link reaches the Train button in a few key presses from "Load sample"', async () => {
  await page.getByLabel('Sample', { exact: true }).selectOption('classification');
  await page.getByTestId('load-sample').click();
  await page.getByTestId('dataset-summary').waitFor({ timeout: 120_000 });
  await page.getByTestId('train-all').waitFor();
  await page.getByTestId('load-sample').focus();
  // Load sample ← sample menu ← skip link: two presses back, then Enter.
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Shift+Tab');
  await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe(
    'skip-to-train',
  );
  await page.keyboard.press('Enter');
  await expect
    .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
    .toBe('train-all');
});

test('cancel a training', async () => {
  await setEpochs('400');
  // The machine may be busy (two cores shared): give the page time to settle.
  await page.getByTestId('train-all').click({ timeout: 120_000 });
  const cards = page.getByTestId('run-card');
  await expect.poll(() => cards.count(), { timeout: 30_000 }).toBe(2);
  await expect
    .poll(async () => (await cardPhases()).some((p) => p === 'training'), { timeout: 300_000 })
    .toBe(true);
  for (let i = 0; i < 2; i++) {
    const cancel = cards.nth(i).getByTestId('run-cancel');
    if (await cancel.isVisible()) await cancel.click();
  }
  await waitForRunsToEnd(300_000);
  expect(await cardPhases()).toEqual(['cancelled', 'cancelled']);
});

test('experiment setup: split shares, and five candidates queued beyond the workers all finish', async () => {
  await page.getByTestId('split-validation').fill('0.2');
  await page.getByTestId('split-test').fill('1.5');
  await expect(page.getByTestId('experiment-setup').getByRole('alert').textContent()).resolves.toContain(
    'test share',
  );
  await expect(page.getByTestId('train-all').isDisabled()).resolves.toBe(true);
  await page.getByTestId('split-test').fill('0.25');
  for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByTestId('candidate').count()).resolves.toBe(5);
  await setEpochs('2');
  const before = await page.getByTestId('run-card').count();
  await page.getByTestId('train-all').click({ timeout: 120_000 });
  await expect.poll(() => page.getByTestId('run-card').count(), { timeout: 30_000 }).toBe(before + 5);
  // The lab has two workers here (two cores): the runs beyond them wait, shown as queued.
  await expect
    .poll(async () => (await cardPhases()).filter((p) => p === 'queued').length, {
      timeout: 30_000,
      interval: 100,
    })
    .toBeGreaterThan(0);
  await expect(
    page.locator('[data-phase="queued"] [data-testid="run-phase"]').first().textContent(),
  ).resolves.toContain('queued');
  await waitForRunsToEnd(600_000);
  const ended = await page.getByTestId('run-card').allTextContents();
  expect(
    (await cardPhases()).filter((p) => p === 'done'),
    ended.join('\n'),
  ).toHaveLength(5);
  // The runs stored the shares they were trained with.
  const runs = await page.evaluate(async () => {
    const request = indexedDB.open('edgeflow-registry');
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const all = await new Promise<Array<{ status: string; spec: { split?: unknown } }>>((resolve, reject) => {
      const r = db.transaction('runs').objectStore('runs').getAll();
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    db.close();
    return all.filter((r) => r.status === 'finished').map((r) => r.spec.split);
  });
  expect(runs).toHaveLength(5);
  for (const split of runs) expect(split).toEqual({ validation: 0.2, test: 0.25 });
});

test('runs table: filter, notes and tags, CSV export, delete; per-class metrics; layout at 1280 px', async () => {
  const table = page.getByTestId('runs-table');
  await expect.poll(() => table.getByTestId('runs-row').count(), { timeout: 30_000 }).toBe(7);
  await page.getByTestId('runs-status-filter').selectOption('finished');
  await expect(table.getByTestId('runs-row').count()).resolves.toBe(5);
  await page.getByTestId('runs-filter').fill('linear');
  await expect.poll(() => table.getByTestId('runs-row').count()).toBe(1);
  const linearId = await table.getByTestId('runs-row').first().getAttribute('data-run-id');

  // Notes and tags, then filter by the tag.
  await table.getByTestId('run-edit').first().click();
  await page.getByTestId('run-notes').fill('the baseline to beat');
  await page.getByTestId('run-tags').fill('baseline, keep');
  await page.getByTestId('run-save').click();
  await expect.poll(() => table.getByTestId('run-tag').allTextContents()).toEqual(['baseline', 'keep']);
  await expect(table.getByTestId('run-note').textContent()).resolves.toBe('the baseline to beat');
  await page.getByTestId('runs-filter').fill('baseline');
  await expect.poll(() => table.getByTestId('runs-row').count()).toBe(1);

  // CSV export of what the table shows.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('runs-export-csv').click(),
  ]);
  expect(download.suggestedFilename()).toBe('edgeflow-runs.csv');
  const csv = await readFile(await download.path(), 'utf8');
  const lines = csv.trim().split('\r\n');
  expect(lines).toHaveLength(2);
  expect(lines[0]?.split(',').slice(0, 2)).toEqual(['id', 'status']);
  expect(lines[0]).toContain('metric.accuracy');
  expect(lines[1]?.startsWith(`${linearId},finished,`)).toBe(true);

  // Delete one of the cancelled runs (confirmed).
  await page.getByTestId('runs-filter').fill('');
  await page.getByTestId('runs-status-filter').selectOption('cancelled');
  await expect.poll(() => table.getByTestId('runs-row').count()).toBe(2);
  await table.getByTestId('run-delete').first().click();
  await page.locator('dialog[open]').getByTestId('confirm').click();
  await expect.poll(() => table.getByTestId('runs-row').count()).toBe(1);
  await page.getByTestId('runs-status-filter').selectOption('');
  await expect.poll(() => table.getByTestId('runs-row').count()).toBe(6);

  // Per-class metrics of the compared runs (the newest four finished ones).
  await expect.poll(() => page.getByTestId('per-class-table').count(), { timeout: 30_000 }).toBe(4);
  await expect(page.getByTestId('per-class-table').first().locator('tbody tr').count()).resolves.toBe(3);

  // 1280 px: every confusion matrix shows every class, the quality table every column, no hidden scroll.
  const matrices = page.getByRole('table', { name: /^Confusion matrix of / });
  await expect.poll(() => matrices.count()).toBe(4);
  expect(await overflows('.confusion-wrap')).toEqual([false, false, false, false]);
  expect(await overflows('.per-run-grid > *')).not.toContain(true);
  await page.getByTestId('quality-report').waitFor();
  expect(await overflows('[data-testid="quality-report"] .table-scroll')).not.toContain(true);
});

test('versions side by side, alias moved and rolled back from the compare view, a version deleted', async () => {
  const promote = page.getByTestId('promote-panel');
  const runSelect = promote.locator('#promote-run');
  const options = await runSelect
    .locator('option:not([disabled])')
    .evaluateAll((els) => els.map((el) => (el as HTMLOptionElement).value));
  expect(options.length).toBeGreaterThanOrEqual(2);
  await runSelect.selectOption(options[0] as string);
  await page.getByTestId('register').click();
  await expect(page.getByTestId('registered').textContent({ timeout: 60_000 })).resolves.toContain('v1');
  await runSelect.selectOption(options[1] as string);
  await page.getByTestId('register').click();
  await expect.poll(() => page.getByTestId('registered').textContent(), { timeout: 60_000 }).toContain('v2');
  await page.getByLabel('Metric', { exact: true }).selectOption('accuracy');
  await page.getByLabel('Threshold of accuracy').fill('0');
  await page.getByTestId('promote').click();
  await expect
    .poll(() => page.getByTestId('gate-report').textContent(), { timeout: 120_000 })
    .toContain('Gate passed');

  const compare = page.getByTestId('version-compare');
  await expect
    .poll(() => compare.getByTestId('version-table').locator('thead').textContent())
    .toContain('v1');
  await expect(compare.getByTestId('version-table').locator('thead').textContent()).resolves.toContain('v2');
  await expect(compare.getByTestId('version-table').textContent()).resolves.toContain('F1 of');
  await expect.poll(() => compare.getByTestId('compare-alias-champion').textContent()).toContain('→ v2');
  await compare.getByTestId('alias-move-champion-1').click();
  await expect.poll(() => compare.getByTestId('compare-alias-champion').textContent()).toContain('→ v1');
  await compare.getByTestId('alias-rollback-champion').click();
  await expect.poll(() => compare.getByTestId('compare-alias-champion').textContent()).toContain('→ v2');

  // Delete v1 (no alias points at it any more) from the registry view.
  await page.getByTestId('delete-v1').click();
  await page.locator('dialog[open]').getByTestId('confirm').click();
  await expect
    .poll(() => page.getByTestId('versions-table').locator('tbody tr').count(), { timeout: 30_000 })
    .toBe(1);
});

test('try the model on a typed row: a predicted class and each class probability', async () => {
  const panel = page.getByTestId('try-panel');
  await panel.waitFor({ timeout: 30_000 });
  await panel.getByTestId('try-fill').click();
  await expect
    .poll(() => panel.locator('input[data-testid^="try-input-"]').first().inputValue())
    .not.toBe('');
  await panel.getByTestId('try-predict').click();
  const predictions = panel.getByTestId('try-predictions');
  await predictions.waitFor({ timeout: 60_000 });
  await expect(predictions.getByTestId('try-prediction-row').count()).resolves.toBe(1);
  const label = (await predictions.getByTestId('prediction-label').textContent())?.trim() ?? '';
  const probabilities = await predictions
    .locator('td[data-testid^="probability-"]')
    .evaluateAll((els) => els.map((el) => [el.getAttribute('data-testid'), Number(el.textContent)] as const));
  expect(probabilities).toHaveLength(3);
  const total = probabilities.reduce((a, [, p]) => a + p, 0);
  expect(Math.abs(total - 1)).toBeLessThan(0.01);
  // The predicted class is the most probable one.
  const best = [...probabilities].sort((a, b) => b[1] - a[1])[0]?.[0];
  expect(best).toBe(`probability-${label}`);
  // A typed value that is not a number for a numeric column: a clear error, no crash.
  const numeric = panel.locator('input[inputmode="decimal"]').first();
  await numeric.fill('lots');
  await panel.getByTestId('try-predict').click();
  await expect(panel.getByTestId('try-error').textContent({ timeout: 60_000 })).resolves.toMatch(/\w+/);
});

test('400 px: nothing widens the page; the gate form and Export/Delete stay reachable', async () => {
  await page.setViewportSize({ width: 400, height: 900 });
  await expect
    .poll(() => page.evaluate(() => document.documentElement.scrollWidth), { timeout: 10_000 })
    .toBeLessThanOrEqual(400);
  for (const id of ['promote', 'export-v2', 'delete-v2', 'runs-export-csv', 'try-predict']) {
    const element = page.getByTestId(id).first();
    await element.scrollIntoViewIfNeeded();
    const box = await element.boundingBox();
    expect(box, id).not.toBeNull();
    expect((box?.x ?? -1) >= 0 && (box?.x ?? 0) + (box?.width ?? 0) <= 400, `${id} inside 400 px`).toBe(true);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
});

test('the CNN preset trains (tiny) on an 8×8 image dataset', async () => {
  await page.getByTestId('data-file').setInputFiles(fixture('shapes-8x8.csv'));
  await page.getByLabel('Role of shape').selectOption('target', { timeout: 120_000 });
  await page.getByRole('button', { name: 'Reload with this schema' }).click();
  await expect
    .poll(() => page.getByTestId('dataset-summary').textContent(), { timeout: 120_000 })
    .toContain('shape');
  await page.locator('#add-preset').selectOption('cnn');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  const cnn = page.getByTestId('candidate').last();
  await expect(cnn.getByLabel('Candidate name').inputValue()).resolves.toContain('CNN');
  await setEpochs('1');
  const before = await page.getByTestId('run-card').count();
  await page.getByTestId('train-all').click({ timeout: 120_000 });
  await expect.poll(() => page.getByTestId('run-card').count(), { timeout: 30_000 }).toBe(before + 3);
  await waitForRunsToEnd(300_000);
  const cnnCard = page.getByTestId('run-card').filter({ hasText: 'CNN' }).first();
  await expect(cnnCard.getAttribute('data-phase')).resolves.toBe('done');
  expect(problems).toEqual([]);
});
