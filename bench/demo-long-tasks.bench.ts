// demo-long-tasks: the longest main-thread task of the lab page while it trains four candidates
// with live curves (issue 16, point 8; target ≤ 50 ms). The demo is built as `npm start` builds it
// and served by the collector; Chromium's Long Tasks API reports every task over 50 ms. value = the
// longest task from the Train click to the last run's end; baseline = the longest task of the same
// page, left idle for as long right after (what the machine itself adds: on a shared machine that
// floor is not zero). Three rounds (one under BENCH_QUICK=1), each in a fresh browser context: the
// medians, and each round in `extra`. BENCH_FRAMES=1 also prints the worst long animation frames of
// each round with the scripts that ran in them (BENCH_MINIFY=0 keeps their function names).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright';
import { build } from 'vite';
import { startCollector } from '../collector/src/server.ts';
import { CHROMIUM_ARGS, ensureChromium } from '../scripts/chromium.mjs';
import { defineBench } from './harness.ts';

/** The fields of a Long Animation Frames entry read here. */
interface LongFrame {
  startTime: number;
  duration: number;
  blockingDuration: number;
  renderStart: number;
  styleAndLayoutStart: number;
  scripts: Array<{
    invoker: string;
    sourceFunctionName: string;
    sourceURL: string;
    sourceCharPosition: number;
    duration: number;
    forcedStyleAndLayoutDuration: number;
  }>;
}

interface TaskWindow {
  longest: number;
  count: number;
  ms: number;
}

/** Long tasks seen by the page since `from` (performance.now() of the page). */
function tasksSince(page: Page, from: number): Promise<TaskWindow> {
  return page.evaluate((start) => {
    const tasks = (window as unknown as { __longTasks: Array<{ start: number; duration: number }> })
      .__longTasks;
    const during = tasks.filter((t) => t.start >= start);
    return {
      longest: Math.max(0, ...during.map((t) => t.duration)),
      count: during.length,
      ms: performance.now() - start,
    };
  }, from);
}

export default defineBench({
  name: 'demo-long-tasks',
  where: 'node',
  async run(ctx) {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const work = mkdtempSync(join(tmpdir(), 'edgeflow-demo-long-tasks-'));
    ctx.log('building the demo…');
    await build({
      configFile: join(root, 'vite.config.ts'),
      logLevel: 'warn',
      // BENCH_MINIFY=0 keeps function names readable in BENCH_FRAMES=1's attribution.
      build: { outDir: join(work, 'demo'), emptyOutDir: true, minify: process.env.BENCH_MINIFY !== '0' },
    });
    const collector = await startCollector({
      port: 0,
      staticDir: join(work, 'demo'),
      dataDir: join(work, 'data'),
    });
    const browser = await chromium.launch({
      executablePath: ensureChromium(),
      args: CHROMIUM_ARGS,
      headless: true,
    });
    const rounds = ctx.quick ? 1 : 3;
    const training: TaskWindow[] = [];
    const idle: TaskWindow[] = [];
    try {
      for (let round = 0; round < rounds; round++) {
        // A fresh context each round: empty IndexedDB, so every round trains the same four runs.
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        await context.addInitScript(() => {
          const tasks: Array<{ start: number; duration: number }> = [];
          (window as unknown as { __longTasks: typeof tasks }).__longTasks = tasks;
          new PerformanceObserver((list) => {
            for (const e of list.getEntries()) tasks.push({ start: e.startTime, duration: e.duration });
          }).observe({ type: 'longtask', buffered: true });
          // What ran in each long frame (Long Animation Frames API): scripts and style/layout.
          const frames: unknown[] = [];
          (window as unknown as { __longFrames: unknown[] }).__longFrames = frames;
          new PerformanceObserver((list) => {
            for (const e of list.getEntries() as unknown as LongFrame[]) {
              frames.push({
                start: Math.round(e.startTime),
                duration: Math.round(e.duration),
                blocking: Math.round(e.blockingDuration),
                styleAndLayout: Math.round(
                  e.startTime + e.duration - (e.styleAndLayoutStart || e.startTime + e.duration),
                ),
                render: Math.round(e.renderStart ? e.startTime + e.duration - e.renderStart : 0),
                scripts: e.scripts.map((x) => ({
                  what: `${x.invoker} ${x.sourceFunctionName}@${x.sourceURL.split('/').pop()}:${x.sourceCharPosition}`,
                  ms: Math.round(x.duration),
                  forcedLayout: Math.round(x.forcedStyleAndLayoutDuration),
                })),
              });
            }
          }).observe({ type: 'long-animation-frame', buffered: true });
        });
        const page = await context.newPage();
        await page.goto(collector.url);
        await page.getByTestId('load-sample').click({ timeout: 180_000 });
        await page.getByTestId('dataset-summary').waitFor({ timeout: 180_000 });
        // Four candidates: the two defaults and two more of the add menu's first preset.
        for (let i = 0; i < 2; i++)
          await page.getByRole('button', { name: 'Add', exact: true }).click({ timeout: 180_000 });
        const candidates = await page.getByTestId('candidate').count();
        await page.waitForFunction(
          () => !(document.querySelector('[data-testid="train-all"]') as HTMLButtonElement | null)?.disabled,
          null,
          { timeout: 180_000 },
        );
        await page.waitForTimeout(2000);
        const trainStart = await page.evaluate(() => performance.now());
        await page.getByTestId('train-all').click({ timeout: 180_000 });
        await page.waitForFunction(
          (n) => {
            const cards = [...document.querySelectorAll('[data-testid="run-card"]')];
            return (
              cards.length === n &&
              cards.every((c) => ['done', 'failed', 'cancelled'].includes(c.getAttribute('data-phase') ?? ''))
            );
          },
          candidates,
          { timeout: 900_000, polling: 500 },
        );
        const trained = await tasksSince(page, trainStart);
        if (process.env.BENCH_FRAMES === '1') {
          const frames = await page.evaluate(
            (start) =>
              (window as unknown as { __longFrames: Array<{ start: number; blocking: number }> }).__longFrames
                .filter((f) => f.start >= start)
                .sort((a, b) => b.blocking - a.blocking)
                .slice(0, 8),
            trainStart,
          );
          for (const f of frames) ctx.log(`long frame ${JSON.stringify(f)}`);
        }
        const phases = await page
          .getByTestId('run-card')
          .evaluateAll((els) => els.map((el) => el.getAttribute('data-phase')));
        // The baseline: the same page idle for as long as training took.
        const idleStart = await page.evaluate(() => performance.now());
        await page.waitForTimeout(trained.ms);
        const rested = await tasksSince(page, idleStart);
        ctx.log(
          `round ${round + 1}: ${candidates} candidates in ${(trained.ms / 1000).toFixed(1)} s (${phases.join(', ')}): longest task ${trained.longest.toFixed(0)} ms, ${trained.count} over 50 ms; idle after: ${rested.longest.toFixed(0)} ms, ${rested.count}`,
        );
        training.push(trained);
        idle.push(rested);
        await context.close();
      }
      const median = (values: number[]): number =>
        [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
      return {
        unit: 'ms',
        value: median(training.map((t) => t.longest)),
        baseline: median(idle.map((t) => t.longest)),
        better: 'lower',
        extra: {
          rounds,
          longestPerRound: training.map((t) => Math.round(t.longest)),
          longTasksPerRound: training.map((t) => t.count),
          trainingSecondsPerRound: training.map((t) => Math.round(t.ms / 100) / 10),
          idleLongestPerRound: idle.map((t) => Math.round(t.longest)),
          target: '≤ 50 ms while training',
        },
      };
    } finally {
      await browser.close();
      await collector.close();
      rmSync(work, { recursive: true, force: true });
    }
  },
});
