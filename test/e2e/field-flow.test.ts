// Issue 15: the field half of the lab page end to end, against the real collector process — train and
// promote a champion, trust the page's signing key on the collector, publish, three simulated edge
// clients update and verify, drift injected into their rows shows up as an alert in the monitor view
// (from collector data only), retrain + gate + promote + publish 10 % then 100 %, the clients move
// to the new version and the drift clears. Screenshots of the field views go to docs/field-*.png.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchChromium, watchConsole } from './browser.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const docs = (name: string): string => join(root, 'docs', name);
// The demo the global setup built: into E2E_BUILD_DIR/demo, or demo-dist under `npm start`.
const staticDir = process.env.E2E_BUILD_DIR
  ? resolve(process.env.E2E_BUILD_DIR, 'demo')
  : join(root, 'demo-dist');

/** A free TCP port on loopback (the collector is restarted on the same one, so the page's origin, and its key, stay). */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? done(address.port) : fail(new Error('no port')),
      );
    });
  });
}

/** The built collector CLI as a user runs it, serving the built demo; resolves once it listens. */
async function startCollector(port: number, dataDir: string): Promise<ChildProcess> {
  const args = [
    'collector/dist/cli.js',
    '--static',
    staticDir,
    '--port',
    String(port),
    '--data-dir',
    dataDir,
  ];
  const child = spawn('node', args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((done, fail) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (/listening on http:\/\//.test(output)) done();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => fail(new Error(`the collector exited with ${code}:\n${output}`)));
    setTimeout(() => fail(new Error(`the collector did not start within 60 s:\n${output}`)), 60_000).unref();
  });
  return child;
}

async function stopCollector(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  await exited;
}

let browser: Browser;
let context: BrowserContext;
let collector: ChildProcess | undefined;
const dataDir = mkdtempSync(join(tmpdir(), 'edgeflow-field-e2e-'));
beforeAll(async () => {
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await stopCollector(collector);
  rmSync(dataDir, { recursive: true, force: true });
});

/** Versions the simulated clients run now (from the clients table). */
function clientVersions(page: Page): Promise<string[]> {
  return page
    .getByTestId('client-row')
    .locator('[data-field="version"]')
    .evaluateAll((cells) => cells.map((c) => c.getAttribute('data-version') ?? ''));
}

/** Waits until a maintain step is done; fails at once with the step's error when one shows. */
async function waitForStep(page: Page, step: string, timeout: number): Promise<void> {
  const item = page.locator(`[data-step="${step}"]`);
  const error = page.getByTestId('maintain-error');
  await expect
    .poll(
      async () => {
        if (await error.count()) return `error: ${await error.textContent()}`;
        return item.getAttribute('data-state');
      },
      { timeout, interval: 500 },
    )
    .toBe('done');
}

async function fillNumber(locator: Locator, value: string): Promise<void> {
  await locator.fill(value);
  await expect(locator.inputValue()).resolves.toBe(value);
}

test('publish, clients update, drift alert from the collector, retrain through the gate, roll out, drift clears', async () => {
  const port = await freePort();
  collector = await startCollector(port, dataDir);
  const page = await context.newPage();
  const problems = watchConsole(page);
  await page.goto(`http://127.0.0.1:${port}/`);

  // Empty states before anything exists: no release, no clients, nothing reported.
  await expect(page.getByTestId('publish-empty').textContent({ timeout: 120_000 })).resolves.toContain(
    'Nothing is registered yet',
  );
  await expect(page.getByTestId('monitor-empty').textContent({ timeout: 30_000 })).resolves.toContain(
    'No model has reported',
  );

  // The page's key: its public half downloads as release-keys.json (for an operator-managed
  // collector); the collector `npm start` runs trusts it from this machine when the page first
  // publishes (loopback enrolment), so no restart with a keys file is needed. Stop the collector
  // for a moment: the monitor says it is down and the page keeps working.
  const keyId = (await page.getByTestId('signing-key-id').getAttribute('title', { timeout: 60_000 })) ?? '';
  expect(keyId.length).toBeGreaterThan(8);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('download-public-key').click(),
  ]);
  const downloaded = JSON.parse(await readFile(await download.path(), 'utf8')) as {
    keys: Array<{ keyId: string }>;
  };
  expect(downloaded.keys.map((k) => k.keyId)).toEqual([keyId]);
  await stopCollector(collector);
  await page.getByTestId('monitor-refresh').click();
  await expect
    .poll(() => page.getByTestId('monitor-status').getAttribute('data-state'), { timeout: 30_000 })
    .toBe('down');
  await expect(page.getByTestId('monitor-status').textContent()).resolves.toContain('NETWORK_ERROR');
  collector = await startCollector(port, dataDir);
  await page.getByTestId('monitor-refresh').click();
  await expect
    .poll(() => page.getByTestId('monitor-status').getAttribute('data-state'), { timeout: 30_000 })
    .toBe('ready');

  // Develop: the classification sample, the two default candidates kept small, the best one
  // registered and promoted to champion.
  await page.getByLabel('Sample', { exact: true }).selectOption('classification');
  await page.getByTestId('load-sample').click();
  await page.getByTestId('dataset-summary').waitFor({ timeout: 120_000 });
  const candidates = page.getByTestId('candidate');
  await expect.poll(() => candidates.count(), { timeout: 30_000 }).toBe(2);
  for (const i of [0, 1]) await candidates.nth(i).getByLabel('Epochs').fill('8');
  const cards = page.getByTestId('run-card');
  const phases = (): Promise<string[]> =>
    cards.evaluateAll((els) => els.map((el) => el.getAttribute('data-phase') ?? ''));
  const train = async (): Promise<void> => {
    const before = await cards.count();
    // By keyboard: Playwright's click waited for the button to be "stable" for 30 s here under load.
    await page.getByTestId('train-all').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => cards.count(), { timeout: 60_000 }).toBe(before + 2);
    await expect
      .poll(
        async () => (await phases()).slice(0, 2).every((p) => ['done', 'failed', 'cancelled'].includes(p)),
        {
          timeout: 300_000,
          interval: 500,
        },
      )
      .toBe(true);
  };
  await train();
  if ((await phases()).slice(0, 2).some((p) => p !== 'done')) {
    throw new Error(`a run did not finish:\n${(await cards.allTextContents()).join('\n')}`);
  }
  await page.getByTestId('register').click();
  await expect(page.getByTestId('registered').textContent({ timeout: 60_000 })).resolves.toContain('v1');
  const model = await page.locator('#promote-model').inputValue();
  await page.getByLabel('Metric', { exact: true }).selectOption('accuracy');
  await page.getByLabel('Threshold of accuracy').fill('0.4');
  await page.getByTestId('promote').click();
  await expect
    .poll(() => page.getByTestId('gate-report').textContent(), { timeout: 120_000 })
    .toContain('Gate passed');

  // Deploy: publish the champion to "stable" at 100 %; the page checks it as a client would.
  await page.getByTestId('publish-version').selectOption('champion');
  await page.getByTestId('publish-channel').fill('stable');
  await fillNumber(page.getByTestId('publish-rollout'), '100');
  await page.getByTestId('publish-button').click();
  await expect
    .poll(() => page.getByTestId('publish-signature').getAttribute('data-state'), { timeout: 120_000 })
    .toBe('verified');
  await page.getByTestId('section-publish').screenshot({ path: docs('field-publish.png') });

  // Three simulated edge clients update from the collector, verify and activate v1.
  await fillNumber(page.getByTestId('clients-count'), '3');
  await fillNumber(page.getByTestId('clients-rate'), '20');
  await page.getByTestId('start-clients').click();
  await expect
    .poll(() => clientVersions(page), { timeout: 180_000, interval: 1000 })
    .toEqual(['1', '1', '1']);
  const errors = await page
    .getByTestId('client-row')
    .locator('[data-field="error"]')
    .evaluateAll((cells) => cells.map((c) => c.getAttribute('data-code') ?? ''));
  expect(errors).toEqual(['', '', '']);

  // Monitor, from the collector: the fleet table counts three devices on v1, latency is charted.
  const fleetRow = page.locator(`[data-testid="fleet-row"][data-model="${model}"][data-version="1"]`);
  await expect
    .poll(() => fleetRow.getAttribute('data-devices'), { timeout: 90_000, interval: 1000 })
    .toBe('3');
  await expect
    .poll(async () => Number(await page.getByTestId('latency-chart').getAttribute('data-lines')), {
      timeout: 60_000,
    })
    .toBeGreaterThan(0);
  await expect(page.getByTestId('drift-alert').count()).resolves.toBe(0);

  // Drift: every client's bill and flipper lengths shift by 3 standard deviations.
  for (const feature of ['bill_length_mm', 'flipper_length_mm']) {
    await page.getByTestId('drift-feature').selectOption(feature);
    await fillNumber(page.getByTestId('drift-mean-shift'), '3');
    await fillNumber(page.getByTestId('drift-share'), '100');
    await page.getByTestId('apply-drift').click();
    await expect(page.getByTestId('drift-summary').textContent()).resolves.toContain(feature);
  }
  await page.getByTestId('section-clients').screenshot({ path: docs('field-clients.png') });

  // The alert comes from the collector's drift query: the devices' reports flag both features.
  const alert = page.getByTestId('drift-alert');
  await alert.waitFor({ timeout: 150_000 });
  await expect(alert.getAttribute('role')).resolves.toBe('alert');
  await expect(alert.textContent()).resolves.toMatch(/v1: .*bill_length_mm/);
  await expect(
    page
      .locator('[data-testid="drift-row"][data-version="1"][data-feature="bill_length_mm"][data-test="ks"]')
      .getAttribute('data-drifted'),
  ).resolves.toBe('true');
  await expect
    .poll(async () => Number(await page.getByTestId('drift-chart').getAttribute('data-lines')), {
      timeout: 30_000,
    })
    .toBeGreaterThan(0);
  await page.getByTestId('section-monitor').screenshot({ path: docs('field-monitor.png') });

  // Maintain, by keyboard from the alert: retrain a challenger on the drifted data, gate, promote.
  await page.getByTestId('drift-alert-maintain').focus();
  await page.keyboard.press('Enter');
  await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe(
    'maintain-retrain',
  );
  await page.keyboard.press('Enter');
  await expect
    .poll(() => page.getByTestId('maintain-status').textContent(), { timeout: 60_000 })
    .toMatch(/drift|Training|champion|Loading/);
  await waitForStep(page, 'retrain', 240_000);
  const gate = page.getByTestId('maintain-gate');
  await expect(gate.locator('caption').textContent()).resolves.toContain('passed');
  await page.getByTestId('maintain-promote').click();
  await waitForStep(page, 'promote', 120_000);
  await expect(page.getByTestId('maintain-status').textContent()).resolves.toContain('v2 is the champion');

  // Ship: 10 % of the channel first, then everyone; the clients move to v2.
  await page.getByTestId('maintain-publish-10').click();
  await waitForStep(page, 'publish-10', 120_000);
  await page.getByTestId('maintain-publish-100').click();
  await waitForStep(page, 'publish-100', 120_000);
  await expect
    .poll(() => clientVersions(page), { timeout: 180_000, interval: 1000 })
    .toEqual(['2', '2', '2']);
  await expect
    .poll(() => page.getByTestId('maintain-watch').getAttribute('data-on-new'), { timeout: 30_000 })
    .toBe('3');

  // The drift clears: v2 was trained on data that looks like what the clients see now.
  await expect.poll(() => alert.count(), { timeout: 180_000, interval: 1000 }).toBe(0);
  const v2Row = page.locator(`[data-testid="fleet-row"][data-model="${model}"][data-version="2"]`);
  await expect.poll(() => v2Row.getAttribute('data-devices'), { timeout: 60_000, interval: 1000 }).toBe('3');
  await expect(page.getByTestId('maintain-watch').getAttribute('data-drift')).resolves.toBe('clear');
  await page.getByTestId('section-maintain').screenshot({ path: docs('field-maintain.png') });

  // The monitor at 400 px stays readable (tables scroll, charts follow the width).
  await page.setViewportSize({ width: 400, height: 900 });
  await page.getByTestId('section-monitor').screenshot({ path: docs('field-monitor-narrow.png') });

  await page.getByTestId('stop-clients').click();
  // Only the refused connections of the collector's planned restart are expected.
  expect(problems.filter((p) => !p.includes('net::ERR_CONNECTION_REFUSED'))).toEqual([]);
  await page.close();
}, 900_000);
