// Issue 6: the lab page end to end — load a sample, train two candidates side by side, compare,
// register and promote through the gate, find it again after a reload, and load the exported zip
// with plain tfjs.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import type { Browser, BrowserContext, Page } from 'playwright';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { launchChromium, watchConsole } from './browser.ts';
import { serveRelease } from './release-server.ts';

const docs = (name: string): string => fileURLToPath(new URL(`../../docs/${name}`, import.meta.url));

/** Collects main-thread long tasks from the first script on (PerformanceObserver 'longtask'). */
function observeLongTasks(): void {
  const tasks: Array<{ start: number; duration: number }> = [];
  (window as unknown as { __longTasks: typeof tasks }).__longTasks = tasks;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) tasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
}

async function longestTaskSince(page: Page, since: number): Promise<{ longest: number; count: number }> {
  return page.evaluate((from) => {
    const tasks = (window as unknown as { __longTasks: Array<{ start: number; duration: number }> })
      .__longTasks;
    const during = tasks.filter((t) => t.start >= from);
    return { longest: Math.max(0, ...during.map((t) => t.duration)), count: during.length };
  }, since);
}

let browser: Browser;
let context: BrowserContext;
beforeAll(async () => {
  browser = await launchChromium();
  // A fresh context: empty IndexedDB, so version numbers start at 1.
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  await context.addInitScript(observeLongTasks);
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
});

test('load a sample, train two candidates, compare, register and promote, reload, export and load with plain tfjs', async () => {
  const page = await context.newPage();
  const problems = watchConsole(page);
  await page.goto(inject('demoUrl'));

  // 1. Data: the classification sample, loaded in a worker.
  await page.getByLabel('Sample', { exact: true }).selectOption('classification');
  await page.getByTestId('load-sample').click();
  const summary = page.getByTestId('dataset-summary');
  await summary.waitFor({ timeout: 120_000 });
  await expect(summary.textContent()).resolves.toMatch(/600 rows/);
  await expect(
    page.getByRole('table', { name: 'Schema' }).locator('tbody tr').count(),
  ).resolves.toBeGreaterThan(3);
  await expect(page.getByRole('img', { name: /^Histogram of / }).count()).resolves.toBeGreaterThan(0);
  await page.getByTestId('section-data').screenshot({ path: docs('lab-data.png') });

  // 2. Train: two candidates; the form validates as you type.
  const candidates = page.getByTestId('candidate');
  await expect(candidates.count()).resolves.toBe(2);
  const firstRate = candidates.nth(0).getByLabel('Learning rate');
  await firstRate.fill('fast');
  await candidates.nth(0).locator('.field-error').first().waitFor();
  await expect(page.getByTestId('train-all').isDisabled()).resolves.toBe(true);
  await firstRate.fill('0.03');
  await expect(candidates.nth(0).locator('.field-error').count()).resolves.toBe(0);
  for (const i of [0, 1]) await candidates.nth(i).getByLabel('Epochs').fill('10');

  const trainingStart = await page.evaluate(() => performance.now());
  await page.getByTestId('train-all').click();
  const cards = page.getByTestId('run-card');
  await expect.poll(() => cards.count(), { timeout: 30_000 }).toBe(2);

  // The curves move: a card's point count grows while it trains.
  const points = async (): Promise<number> =>
    Math.max(...(await cards.evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-points'))))));
  await expect.poll(points, { timeout: 180_000 }).toBeGreaterThan(0);
  const seen = await points();
  await expect.poll(points, { timeout: 180_000 }).toBeGreaterThan(seen);

  const phases = (): Promise<string[]> =>
    cards.evaluateAll((els) => els.map((el) => el.getAttribute('data-phase') ?? ''));
  const ended = ['done', 'failed', 'cancelled'];
  await expect
    .poll(async () => (await phases()).every((p) => ended.includes(p)), { timeout: 240_000, interval: 500 })
    .toBe(true);
  if ((await phases()).some((p) => p !== 'done')) {
    throw new Error(`a run did not finish:\n${(await cards.allTextContents()).join('\n')}`);
  }
  const jank = await longestTaskSince(page, trainingStart);
  console.log(
    `[e2e] longest main-thread task while training: ${jank.longest.toFixed(0)} ms (${jank.count} long tasks over 50 ms)`,
  );
  const backends = await page.getByTestId('run-backend').allTextContents();
  console.log(`[e2e] runs trained on: ${backends.join(' | ')}`);
  for (const backend of backends) expect(backend).toMatch(/^(webgpu|webgl|wasm|cpu)/);
  await page.getByTestId('section-train').screenshot({ path: docs('lab-train.png') });

  // 3. Compare: both runs in the table, curves overlaid, a confusion matrix each.
  const runsTable = page.getByTestId('runs-table');
  await expect.poll(() => runsTable.locator('tbody tr').count(), { timeout: 30_000 }).toBe(2);
  await page.getByTestId('learning-curves').waitFor();
  await expect
    .poll(() => page.getByRole('table', { name: /^Confusion matrix of / }).count(), { timeout: 30_000 })
    .toBe(2);
  await expect(page.getByRole('table', { name: 'Parameter differences' }).textContent()).resolves.toContain(
    'architecture',
  );

  // Register the best run, then promote: a gate it cannot meet first (refused, with reasons), then one it meets.
  await page.getByTestId('register').click();
  await expect(page.getByTestId('registered').textContent({ timeout: 60_000 })).resolves.toContain('v1');
  const metric = page.getByLabel('Metric', { exact: true });
  await metric.selectOption('log_loss');
  await page.getByLabel('Threshold of log_loss').fill('0.001');
  await page.getByTestId('promote').click();
  const gate = page.getByTestId('gate-report');
  await expect(gate.textContent({ timeout: 120_000 })).resolves.toContain('Gate refused');
  await expect(page.getByRole('list', { name: 'Why the gate refused' }).textContent()).resolves.toContain(
    'log_loss',
  );
  await page.getByTestId('promote-panel').screenshot({ path: docs('lab-gate-refused.png') });
  await metric.selectOption('accuracy');
  await page.getByLabel('Threshold of accuracy').fill('0.5');
  await page.getByTestId('promote').click();
  await expect.poll(() => gate.textContent(), { timeout: 120_000 }).toContain('Gate passed');
  await page.getByTestId('section-compare').screenshot({ path: docs('lab-compare.png') });

  // 4. Registry: the alias moved, the log has the move.
  const champion = page.getByTestId('alias-champion');
  await expect(champion.textContent({ timeout: 30_000 })).resolves.toContain('v1');
  await expect(page.getByTestId('alias-log').textContent()).resolves.toContain('champion');
  await page.getByTestId('section-registry').screenshot({ path: docs('lab-registry.png') });

  // Reload: runs and versions come back from IndexedDB.
  await page.reload();
  await expect(page.getByTestId('alias-champion').textContent({ timeout: 120_000 })).resolves.toContain('v1');
  await page.getByTestId('dataset-summary').waitFor({ timeout: 120_000 });
  await expect
    .poll(() => page.getByTestId('runs-table').locator('tbody tr').count(), { timeout: 30_000 })
    .toBe(2);

  // Export v1 as a zip and load its model.json with plain tf.loadLayersModel, in a page with only tfjs.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-v1').click(),
  ]);
  const zipPath = await download.path();
  const files = unzipSync(new Uint8Array(await readFile(zipPath)));
  expect(Object.keys(files)).toContain('model.json');

  // The exported weights are the trained model's, byte for byte: the shards named by model.json,
  // concatenated in order, equal the chunks the registry stored for v1 when the run was registered
  // (read from the page's own IndexedDB, bypassing edgeflow's code).
  const exportedModel = JSON.parse(new TextDecoder().decode(files['model.json'])) as {
    weightsManifest: Array<{ paths: string[]; weights: Array<{ name: string; shape: number[] }> }>;
  };
  const shardPaths = exportedModel.weightsManifest.flatMap((group) => group.paths);
  expect(shardPaths.length).toBeGreaterThan(0);
  const exportedBytes = Buffer.concat(shardPaths.map((path) => Buffer.from(files[path] as Uint8Array)));
  const stored = await page.evaluate(async () => {
    const request = indexedDB.open('edgeflow-registry');
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const read = <T>(store: string, mode: 'getAll' | 'get', key?: IDBValidKey): Promise<T> =>
      new Promise((resolve, reject) => {
        const r =
          mode === 'getAll'
            ? db.transaction(store).objectStore(store).getAll()
            : db
                .transaction(store)
                .objectStore(store)
                .get(key as IDBValidKey);
        r.onsuccess = () => resolve(r.result as T);
        r.onerror = () => reject(r.error);
      });
    type Version = {
      version: number;
      weights: { bytes: number; chunks: Array<{ sha256: string }> };
      weightSpecs: Array<{ name: string; shape: number[] }>;
    };
    const versions = (await read<Version[]>('versions', 'getAll')).filter((v) => v.version === 1);
    const version = versions[0] as Version;
    const parts: number[] = [];
    for (const ref of version.weights.chunks) {
      const chunk = await read<{ data: Blob | Uint8Array }>('chunks', 'get', ref.sha256);
      const data = chunk.data instanceof Blob ? new Uint8Array(await chunk.data.arrayBuffer()) : chunk.data;
      parts.push(...data);
    }
    db.close();
    return {
      count: versions.length,
      bytes: version.weights.bytes,
      weights: parts,
      specs: version.weightSpecs,
    };
  });
  expect(stored.count).toBe(1);
  expect(exportedBytes.length).toBe(stored.bytes);
  expect(stored.weights.length).toBe(stored.bytes);
  expect(exportedBytes.equals(Buffer.from(stored.weights))).toBe(true);
  expect(
    exportedModel.weightsManifest.flatMap((group) => group.weights.map((w) => [w.name, w.shape])),
  ).toEqual(stored.specs.map((w) => [w.name, w.shape]));
  const server = await serveRelease(files);
  try {
    const plain = await context.newPage();
    const plainProblems = watchConsole(plain);
    await plain.goto(server.url);
    const loaded = await plain.evaluate(async () => {
      const tf = (window as unknown as { tf: typeof import('@tensorflow/tfjs') }).tf;
      const model = await tf.loadLayersModel('/release/model.json');
      const width = model.inputs[0]?.shape[1] ?? 0;
      const output = model.predict(tf.zeros([2, width])) as import('@tensorflow/tfjs').Tensor;
      const values = Array.from(await output.data());
      return {
        width,
        shape: output.shape,
        rowSum: values.slice(0, output.shape[1] ?? 0).reduce((a, b) => a + b, 0),
      };
    });
    console.log(
      `[e2e] plain tfjs loaded the export: input width ${loaded.width}, output shape ${loaded.shape}`,
    );
    expect(loaded.width).toBeGreaterThan(0);
    expect(loaded.shape[0]).toBe(2);
    // A softmax classifier: each row's class probabilities sum to 1.
    expect(loaded.rowSum).toBeCloseTo(1, 4);
    expect(plainProblems).toEqual([]);
    await plain.close();
  } finally {
    await server.close();
  }

  // Narrow window: still readable (saved for the note).
  await page.setViewportSize({ width: 420, height: 900 });
  await page.getByTestId('section-data').screenshot({ path: docs('lab-narrow.png') });

  expect(problems).toEqual([]);
  await page.close();
});
