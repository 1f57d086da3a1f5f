// Issue 18, points 1–7 over the built demo (and issue 15's "the regression path"): a user's own
// regression file with missing values in the target and the features — the quality report's
// numbers agree, runs train to their last epoch with the loss named and MAE in real units, and the
// compare view plots predicted against actual with residuals; a "." placeholder is flagged and can
// be reloaded as missing; a semicolon file with decimal commas loads its numbers as numbers.
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { launchChromium, watchConsole } from './browser.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/data/${name}`, import.meta.url));
const docs = (name: string): string => fileURLToPath(new URL(`../../docs/${name}`, import.meta.url));

let browser: Browser;
let context: BrowserContext;
beforeAll(async () => {
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
});

/** Loads a fixture through the page's file input and waits for the dataset summary to name it. */
async function loadFile(page: Page, name: string): Promise<void> {
  await (await whenEnabled(page.getByTestId('data-file'))).setInputFiles(fixture(name));
  await expect
    .poll(
      () =>
        page
          .getByTestId('dataset-summary')
          .textContent()
          .catch(() => ''),
      { timeout: 120_000 },
    )
    .toContain(name);
}

/** Waits until `locator` is enabled (the data panel's controls wait while the lab is busy). */
async function whenEnabled(locator: Locator): Promise<Locator> {
  await expect.poll(() => locator.isEnabled(), { timeout: 180_000, interval: 250 }).toBe(true);
  return locator;
}

/**
 * Makes `column` the target in the schema editor, reloads with that schema, and waits until the
 * quality report's totals match `loaded` (the reloaded dataset, not the one before).
 */
async function chooseTarget(page: Page, column: string, loaded: RegExp): Promise<void> {
  await (await whenEnabled(page.getByLabel(`Role of ${column}`, { exact: true }))).selectOption('target', {
    timeout: 120_000,
  });
  await (await whenEnabled(page.getByRole('button', { name: 'Reload with this schema' }))).click({
    timeout: 120_000,
  });
  await expect
    .poll(() => page.getByTestId('quality-totals').textContent(), { timeout: 180_000, interval: 500 })
    .toMatch(loaded);
}

test('the regression path: right numbers from load to predicted vs actual', async () => {
  const page = await context.newPage();
  const problems = watchConsole(page);
  await page.goto(inject('demoUrl'));

  // Data: the user's file; mpg is the target (9 rows without it are dropped).
  await loadFile(page, 'regression-missing.csv');
  await chooseTarget(page, 'mpg', /251 loaded/);
  const quality = page.getByTestId('quality-report');
  // Point 4: the imputed total is the sum of the feature columns' missing cells, and the free-text
  // name column shows its distinct values.
  const totals = (await page.getByTestId('quality-totals').textContent()) ?? '';
  const imputed = Number(/(\d+) missing\s+feature cells the pipeline imputes/.exec(totals)?.[1]);
  expect(imputed).toBeGreaterThan(20);
  const issues = await quality.locator('.issues li').allTextContents();
  const imputedByIssues = issues
    .filter((t) => t.includes('The default pipeline imputes them'))
    .reduce((sum, t) => sum + Number(/(\d+) missing values?/.exec(t)?.[1] ?? 0), 0);
  expect(imputedByIssues).toBe(imputed);
  await expect(page.getByTestId('distinct-name').textContent()).resolves.toBe('251');
  // Point 5: the 5-value cylinders column draws one bar per value.
  const cylinders = page.locator('[data-testid="histogram"]', { hasText: 'cylinders' });
  await expect(cylinders.getAttribute('data-kind')).resolves.toBe('values');
  await expect(cylinders.getAttribute('data-bars')).resolves.toBe('5');

  // Train: every candidate, the default 12 epochs.
  const candidates = page.getByTestId('candidate');
  await expect.poll(() => candidates.count(), { timeout: 30_000 }).toBeGreaterThan(0);
  const count = await candidates.count();
  await (await whenEnabled(page.getByTestId('train-all'))).click({ timeout: 120_000 });
  const cards = page.getByTestId('run-card');
  await expect.poll(() => cards.count(), { timeout: 60_000 }).toBe(count);
  const phases = (): Promise<string[]> =>
    cards.evaluateAll((els) => els.map((el) => el.getAttribute('data-phase') ?? ''));
  const ended = ['done', 'failed', 'cancelled'];
  await expect
    .poll(async () => (await phases()).every((p) => ended.includes(p)), { timeout: 300_000, interval: 500 })
    .toBe(true);
  if ((await phases()).some((p) => p !== 'done')) {
    throw new Error(`a run did not finish:\n${(await cards.allTextContents()).join('\n')}`);
  }
  // Point 3: finished cards show the last epoch; point 2: the loss is named, the metric is MAE.
  for (const epoch of await page.getByTestId('run-epoch').allTextContents()) expect(epoch).toBe('12 / 12');
  for (const label of await page.getByTestId('run-loss-label').allTextContents())
    expect(label).toBe('loss (MSE)');
  for (const label of await page.getByTestId('run-metric-label').allTextContents()) expect(label).toBe('MAE');
  // The cards' training MAE is in mpg, of the order of the runs table's test MAE (not ~6× smaller).
  const cardMae = Number(await page.getByTestId('run-metric').first().textContent());
  expect(cardMae).toBeGreaterThan(1);

  // Point 1: compare plots each picked run's test predictions against the actual values, with residuals.
  const plots = page.getByTestId('predicted-vs-actual');
  await expect.poll(() => plots.count(), { timeout: 60_000 }).toBeGreaterThan(0);
  await expect(page.getByText('no test predictions stored').count()).resolves.toBe(0);
  const rows = Number(await plots.first().getAttribute('data-rows'));
  expect(rows).toBeGreaterThan(20);
  await expect(page.getByTestId('residual-summary').first().textContent()).resolves.toMatch(
    /Mean absolute residual \d/,
  );
  await expect(page.getByTestId('residuals-chart').count()).resolves.toBe(await plots.count());
  await plots.first().screenshot({ path: docs('lab-predicted-vs-actual.png'), timeout: 120_000 });
  await cards.first().screenshot({ path: docs('lab-run-card-regression.png'), timeout: 120_000 });
  expect(problems).toEqual([]);
  await page.close();
}, 600_000);

test('a "." placeholder is flagged and reloaded as missing; decimal commas load as numbers', async () => {
  const page = await context.newPage();
  const problems = watchConsole(page);
  await page.goto(inject('demoUrl'));
  // Point 8: the file the first test loaded (its own file, in this browser profile) comes back on a
  // new page with its chosen target; the file input waits for that restore (a file chosen during
  // it would otherwise race it, and the restore would replace the user's choice).
  await expect
    .poll(
      () =>
        page
          .getByTestId('dataset-title')
          .textContent()
          .catch(() => ''),
      { timeout: 180_000 },
    )
    .toMatch(/regression-missing\.csv: 251 rows, .*target mpg \(regression\)/);

  // Point 4: "." in sex and body_mass_g and "-" in observer are offered as missing values.
  await loadFile(page, 'placeholders.csv');
  const offer = page.getByTestId('placeholder-offer');
  await expect(offer.textContent({ timeout: 60_000 })).resolves.toContain('"." in body_mass_g, sex');
  await page
    .getByTestId('quality-report')
    .screenshot({ path: docs('lab-quality-placeholders.png'), timeout: 120_000 });
  await (await whenEnabled(page.getByTestId('treat-placeholders-missing'))).click({ timeout: 120_000 });
  await expect.poll(() => offer.count(), { timeout: 120_000 }).toBe(0);
  await expect(page.getByLabel('Type of body_mass_g', { exact: true }).inputValue()).resolves.toBe('integer');

  // Point 7: a semicolon file with decimal commas: its measurements are numeric columns.
  await loadFile(page, 'decimal-comma.csv');
  for (const column of ['temperatur_c', 'luftfeuchte_pct', 'wind_kmh', 'verbrauch_kwh']) {
    await expect(page.getByLabel(`Type of ${column}`, { exact: true }).inputValue()).resolves.toBe('numeric');
  }
  await expect(page.getByLabel('Type of haushalt', { exact: true }).inputValue()).resolves.toBe(
    'categorical',
  );
  const temperature = page.locator('[data-testid="histogram"]', { hasText: 'temperatur_c' });
  await expect(temperature.getAttribute('data-kind')).resolves.toBe('bins');
  expect(problems).toEqual([]);
  await page.close();
}, 600_000);
