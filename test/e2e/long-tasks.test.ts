// Issue 16, point 8 (and issue 17: "the e2e logs long tasks but asserts nothing"): the lab page
// stays responsive while two candidates train with live curves. Every main-thread task over 50 ms
// is collected (PerformanceObserver 'longtask') and attributed to the scripts that ran in it
// ('long-animation-frame' entries name the function and file), and the test prints them all.
//
// What it asserts is what the page controls, not the machine's speed (CI shares 2 cores with the
// training workers, so wall-clock durations there measure the load as much as the page): every
// long task during training is attributed, none of them is the page's own work running long (a
// script of ours over the budget), and the live charts update in place (each run card's chart is
// built once; later progress only redraws it).
import type { Browser, BrowserContext, Page } from 'playwright';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { launchChromium, watchConsole } from './browser.ts';

/** One script that ran in a long animation frame, as Chromium attributes it. */
interface ScriptTime {
  invoker: string;
  sourceFunctionName: string;
  sourceURL: string;
  duration: number;
}

interface PageTimings {
  longTasks: Array<{ start: number; duration: number }>;
  frames: Array<{ start: number; duration: number; blocking: number; scripts: ScriptTime[] }>;
  chartsBuilt: number;
}

/** Runs in the page before its own scripts: collects long tasks, long frames and chart builds. */
function observeMainThread(): void {
  const timings: PageTimings = { longTasks: [], frames: [], chartsBuilt: 0 };
  (window as unknown as { __timings: PageTimings }).__timings = timings;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) timings.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const e = entry as PerformanceEntry & {
        blockingDuration: number;
        scripts: Array<ScriptTime & { startTime: number }>;
      };
      timings.frames.push({
        start: e.startTime,
        duration: e.duration,
        blocking: e.blockingDuration,
        scripts: e.scripts.map((s) => ({
          invoker: s.invoker,
          sourceFunctionName: s.sourceFunctionName,
          sourceURL: s.sourceURL,
          duration: Math.round(s.duration),
        })),
      });
    }
  }).observe({ type: 'long-animation-frame', buffered: true });
  // uPlot draws into a canvas it creates when a chart is built: count the canvases added to the
  // run cards (the live charts).
  new MutationObserver((records) => {
    for (const r of records)
      for (const node of r.addedNodes) {
        const inCard = r.target instanceof Element && r.target.closest('[data-testid="run-card"]');
        if (inCard && node instanceof HTMLElement && node.querySelector('canvas')) timings.chartsBuilt++;
      }
  }).observe(document, { childList: true, subtree: true });
}

/** A script of ours that alone takes this long is the page's fault, whatever the machine's load. */
const SCRIPT_BUDGET_MS = 50;

let browser: Browser;
let context: BrowserContext;
beforeAll(async () => {
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(observeMainThread);
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
});

async function timingsSince(page: Page, since: number): Promise<PageTimings> {
  return page.evaluate((from) => {
    const t = (window as unknown as { __timings: PageTimings }).__timings;
    return {
      longTasks: t.longTasks.filter((x) => x.start >= from),
      frames: t.frames.filter((x) => x.start >= from),
      chartsBuilt: t.chartsBuilt,
    };
  }, since);
}

test('training two candidates with live curves: long tasks are attributed and none is our own script running long', async () => {
  const page = await context.newPage();
  const problems = watchConsole(page);
  await page.goto(inject('demoUrl'));
  // The 'auto' probe compiles WebGPU pipelines on SwiftShader first: minutes on a loaded machine.
  await page.getByTestId('backend').waitFor({ timeout: 300_000 });
  // Issue 16, point 1, in the built demo: the lab worker runs WASM with threads.
  await expect(page.getByRole('table', { name: 'Capabilities' }).textContent()).resolves.toContain(
    'threads on',
  );

  await page.getByLabel('Sample', { exact: true }).selectOption('classification');
  await page.getByTestId('load-sample').click();
  await page.getByTestId('dataset-summary').waitFor({ timeout: 120_000 });
  const candidates = page.getByTestId('candidate');
  for (const i of [0, 1]) await candidates.nth(i).getByLabel('Epochs').fill('20');

  const cards = page.getByTestId('run-card');
  const trainingStart = await page.evaluate(() => performance.now());
  await page.getByTestId('train-all').click();
  await expect.poll(() => cards.count(), { timeout: 30_000 }).toBe(2);
  const points = async (): Promise<number[]> =>
    cards.evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-points'))));
  await expect.poll(async () => Math.min(...(await points())), { timeout: 180_000 }).toBeGreaterThan(0);
  const chartsAtFirstPoint = (await timingsSince(page, trainingStart)).chartsBuilt;
  const ended = ['done', 'failed', 'cancelled'];
  await expect
    .poll(
      async () =>
        (await cards.evaluateAll((els) => els.map((el) => el.getAttribute('data-phase') ?? ''))).every((p) =>
          ended.includes(p),
        ),
      { timeout: 240_000, interval: 500 },
    )
    .toBe(true);
  const phases = await cards.evaluateAll((els) => els.map((el) => el.getAttribute('data-phase')));
  expect(phases).toEqual(['done', 'done']);
  const pointsAtEnd = await points();
  // Read while the cards still show their curves (the compare section builds its own charts later).
  const during = await timingsSince(page, trainingStart);
  const backends = await page.getByTestId('run-backend').allTextContents();

  const longest = Math.max(0, ...during.longTasks.map((t) => t.duration));
  console.log(
    `[e2e long-tasks] ${during.longTasks.length} long tasks while training (longest ${Math.round(longest)} ms), ` +
      `${during.frames.length} long animation frames; runs on ${backends.join(' | ')}; points ${pointsAtEnd.join(', ')}`,
  );
  for (const frame of during.frames) {
    const scripts = frame.scripts
      .map(
        (s) =>
          `${s.invoker} ${s.sourceFunctionName || '(anonymous)'} @ ${s.sourceURL.split('/').pop()} ${s.duration} ms`,
      )
      .join('; ');
    console.log(
      `[e2e long-tasks]   frame ${Math.round(frame.duration)} ms (blocking ${Math.round(frame.blocking)} ms): ${scripts || 'no script: style, layout, paint or the thread was descheduled'}`,
    );
  }

  // Every long task falls inside a long animation frame that Chromium attributed.
  for (const task of during.longTasks) {
    const frame = during.frames.find(
      (f) => task.start >= f.start - 1 && task.start + task.duration <= f.start + f.duration + 1,
    );
    expect(
      frame,
      `long task at ${Math.round(task.start)} ms (${Math.round(task.duration)} ms)`,
    ).toBeDefined();
  }
  // None is a script of ours running over the budget.
  const ownSlowScripts = during.frames
    .flatMap((f) => f.scripts)
    .filter(
      (s) => s.duration > SCRIPT_BUDGET_MS && s.sourceURL.startsWith(new URL(inject('demoUrl')).origin),
    );
  expect(ownSlowScripts).toEqual([]);
  // The live curves redraw in place: both cards' charts were built before the first points
  // arrived and none was rebuilt afterwards, although each card received many points.
  expect(Math.min(...pointsAtEnd)).toBeGreaterThan(10);
  expect(during.chartsBuilt).toBe(chartsAtFirstPoint);
  expect(problems).toEqual([]);
  await page.close();
}, 600_000);
