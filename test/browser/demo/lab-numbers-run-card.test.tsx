// Issue 18, points 2 and 3: a live run card showed "mae 0.38" (standardised target) where the
// runs table showed "MAE 2.52", without naming the loss; and a finished run showed "8 / 12" when
// the last progress event was lost. The card is fed the events the lab sends, through the same
// reducer the page uses.
import { render } from 'preact';
import { afterEach, expect, test } from 'vitest';
import type { LiveRun } from '../../../demo/lab-state.ts';
import { RunCard } from '../../../demo/train/run-card.tsx';
import { applyProgress, lossDisplay } from '../../../demo/train/start-run.ts';
import type { TrainRunProgress } from '../../../src/index.ts';

const hosts: HTMLElement[] = [];
afterEach(() => {
  for (const host of hosts.splice(0)) {
    render(null, host);
    host.remove();
  }
});

function mount(run: LiveRun): HTMLElement {
  const host = document.createElement('div');
  host.style.width = '400px';
  document.body.append(host);
  hosts.push(host);
  render(<RunCard run={run} />, host);
  return host;
}

const text = (host: HTMLElement, id: string): string =>
  host.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() ?? '';

function newRun(): LiveRun {
  return {
    runId: 'r1',
    name: 'mlp 16',
    handle: { runId: 'r1', done: new Promise(() => undefined), cancel: () => undefined },
    phase: 'preparing',
    metricName: 'mae',
    points: [],
    epoch: 0,
    epochs: 0,
    samplesPerSecond: null,
    etaMs: null,
    backend: null,
    adapter: null,
    error: null,
    startedAt: 0,
  };
}

/** An end-of-epoch event as the lab sends it for a regression: MAE in target units, loss standardised. */
function epochEnd(epoch: number, loss: number, mae: number): TrainRunProgress {
  return {
    runId: 'r1',
    phase: 'training',
    epoch,
    epochs: 12,
    batch: 9,
    batchesPerEpoch: 10,
    loss,
    metrics: { mae },
    samplesPerSecond: 5000,
    etaMs: 100,
    backend: 'wasm',
    learningRate: 0.01,
    lossName: 'meanSquaredError',
    targetScale: 6.5,
  };
}

test('the card names the loss and shows MAE in the target units, like the runs table', () => {
  let run = newRun();
  for (let epoch = 0; epoch < 12; epoch++)
    run = applyProgress(run, epochEnd(epoch, 0.5 - epoch * 0.02, 4 - epoch * 0.1));
  const host = mount(run);
  expect(text(host, 'run-loss-label')).toBe('loss (MSE)');
  expect(host.querySelector('[data-testid="run-loss-label"]')?.getAttribute('title')).toBe(
    'MSE in target units²',
  );
  // 0.28 on the standardised target is 0.28 × 6.5² = 11.83 in squared target units.
  expect(text(host, 'run-loss')).toBe('11.83');
  expect(text(host, 'run-metric-label')).toBe('MAE');
  expect(text(host, 'run-metric')).toBe('2.9');
  // Point 3: the last epoch's event names epoch 12 of 12.
  expect(text(host, 'run-epoch')).toBe('12 / 12');
});

test('a progress event that arrives after the run finished does not take the card back', () => {
  let run = applyProgress(newRun(), epochEnd(11, 0.3, 2.5));
  run = { ...run, phase: 'done' };
  const late = applyProgress(run, { ...epochEnd(7, 0.4, 3), batch: 2 });
  expect(late).toBe(run);
  const host = mount(late);
  expect(text(host, 'run-phase')).toBe('finished');
  expect(text(host, 'run-epoch')).toBe('12 / 12');
});

test('how each loss is shown', () => {
  expect(lossDisplay('meanSquaredError', 2)).toEqual({ label: 'MSE', units: 'target units²', factor: 4 });
  expect(lossDisplay('meanAbsoluteError', 2)).toEqual({ label: 'MAE', units: 'target units', factor: 2 });
  expect(lossDisplay('huber', 2)).toMatchObject({ label: 'Huber', factor: 1 });
  expect(lossDisplay('categoricalCrossentropy', undefined)).toMatchObject({
    label: 'cross-entropy',
    factor: 1,
  });
});
