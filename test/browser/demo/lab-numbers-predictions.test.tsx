// Issue 18, point 1: "Predicted vs actual (test split)" said "no test predictions stored" for every
// regression run. The view now plots a run's stored sample against the actual values, with the
// residuals; the lab side (that the sample is stored where this view's reader finds it) is
// test/browser/lab-issue-18.test.ts.
import { render } from 'preact';
import { afterEach, expect, test } from 'vitest';
import { PredictedVsActual } from '../../../demo/charts/predicted-vs-actual.tsx';

const hosts: HTMLElement[] = [];
afterEach(() => {
  for (const host of hosts.splice(0)) {
    render(null, host);
    host.remove();
  }
});

test('predicted against actual, and residuals with their mean and largest', async () => {
  const actual = [10, 12, 15, 20, 30];
  const predicted = [11, 12, 14, 22, 27];
  const host = document.createElement('div');
  host.style.width = '420px';
  document.body.append(host);
  hosts.push(host);
  render(<PredictedVsActual title="mlp 16" actual={actual} predicted={predicted} testRows={40} />, host);
  const figure = host.querySelector('[data-testid="predicted-vs-actual"]') as HTMLElement;
  expect(figure.dataset.rows).toBe('5');
  expect(figure.textContent).toContain('a sample of 5 of 40 test rows');
  // Residuals: −1, 0, 1, −2, 3 → mean 0.2, mean absolute 1.4, largest 3.
  expect(host.querySelector('[data-testid="residual-summary"]')?.textContent).toBe(
    'Residual = actual − predicted. Mean absolute residual 1.4, mean residual 0.2 (predictions low on average), largest 3.',
  );
  const residuals = host.querySelector('[data-testid="residuals-chart"]');
  expect(residuals?.getAttribute('aria-label')).toContain('mean 0.2, largest 3');
  await expect.poll(() => host.querySelectorAll('canvas').length).toBe(2);
});

test('an empty sample says so', () => {
  const host = document.createElement('div');
  document.body.append(host);
  hosts.push(host);
  render(<PredictedVsActual title="mlp 16" actual={[]} predicted={[]} />, host);
  expect(host.textContent).toBe('mlp 16: no test predictions stored.');
});
