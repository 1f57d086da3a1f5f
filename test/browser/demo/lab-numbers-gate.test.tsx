// Issue 18, point 6: the gate report printed an absolute threshold next to an observed change for
// minAbsoluteChange, and failure lines with 16-digit floats. Rendered from a real gate report.
import { render } from 'preact';
import { afterEach, expect, test } from 'vitest';
import { GateReportView } from '../../../demo/compare/gate-report.tsx';
import { evaluateGate } from '../../../src/evaluate/gate.ts';
import type { PromotionResult } from '../../../src/index.ts';

const hosts: HTMLElement[] = [];
afterEach(() => {
  for (const host of hosts.splice(0)) {
    render(null, host);
    host.remove();
  }
});

function mount(result: PromotionResult): HTMLElement {
  const host = document.createElement('div');
  document.body.append(host);
  hosts.push(host);
  render(<GateReportView result={result} alias="champion" />, host);
  return host;
}

function cells(host: HTMLElement, testId: string): string[] {
  return [...host.querySelectorAll(`[data-testid="${testId}"] > *`)].map(
    (el) => el.textContent?.trim() ?? '',
  );
}

test('candidate, baseline, change and what was needed in one rounded form', () => {
  // 25/30 against 26/30: values whose decimal forms run to 16 digits.
  const candidate = { accuracy: 25 / 30, rmse: 2.5234567891234 };
  const baseline = { accuracy: 26 / 30, rmse: 2.6 };
  const gate = evaluateGate(candidate, baseline, {
    accuracy: { threshold: 0.8, minAbsoluteChange: 0.01 },
    rmse: { minRelativeChange: 0.05 },
  });
  expect(gate.passed).toBe(false);
  const host = mount({
    passed: false,
    gate,
    candidateMetrics: {} as PromotionResult['candidateMetrics'],
    baselineMetrics: null,
    previous: 1,
    move: null,
    evaluation: { basis: 'shared-holdout', rows: 30, datasetFingerprint: 'f'.repeat(64), note: null },
  });
  // No number printed with more than 4 significant digits anywhere on the report.
  for (const el of host.querySelectorAll('td, th, li, p')) {
    for (const number of el.textContent?.match(/\d+\.\d+/g) ?? []) {
      expect(
        number.replace('.', '').replace(/^0+/, '').length,
        `${number} in "${el.textContent}"`,
      ).toBeLessThanOrEqual(4);
    }
  }

  // accuracy: candidate, baseline, change (signed, with the relative change), then the threshold row.
  expect(cells(host, 'gate-row-accuracy-threshold')).toEqual([
    'accuracy (higher is better)',
    '0.8333',
    '0.8667',
    '−0.03333 (−3.85 %)',
    'threshold',
    '≥ 0.8',
    '0.8333',
    'pass',
  ]);
  // The absolute-change row: needed is an improvement (with the value that meant), observed the same kind.
  expect(cells(host, 'gate-row-accuracy-minAbsoluteChange')).toEqual([
    'min. absolute improvement',
    'improvement ≥ 0.01 (accuracy ≥ 0.8767)',
    '−0.03333',
    'fail',
  ]);
  // RMSE: lower is better, so going from 2.6 to 2.523 is a +2.94 % improvement, short of 5 %.
  expect(cells(host, 'gate-row-rmse-minRelativeChange')).toEqual([
    'rmse (lower is better)',
    '2.523',
    '2.6',
    '−0.07654 (−2.94 %)',
    'min. relative improvement',
    'improvement ≥ 5 % (rmse ≤ 2.47)',
    '+2.94 %',
    'fail',
  ]);
  const failures = [...host.querySelectorAll('.gate-failures li')].map((li) => li.textContent);
  expect(failures).toEqual([
    'accuracy min. absolute improvement: candidate 0.8333, baseline 0.8667, change −0.03333 (−3.85 %); improvement −0.03333; needed improvement ≥ 0.01 (accuracy ≥ 0.8767).',
    'rmse min. relative improvement: candidate 2.523, baseline 2.6, change −0.07654 (−2.94 %); improvement +2.94 %; needed improvement ≥ 5 % (rmse ≤ 2.47).',
  ]);
});
