// Issue 18, point 14: a cross-validation reports each metric's mean and standard deviation.
import { describe, expect, test } from 'vitest';
import { summariseFolds } from '../../../src/lab/run-comparison.ts';
import type { Run } from '../../../src/schemas/registry.ts';

function run(id: string, metrics: Run['metrics']): Run {
  return {
    id,
    spec: {},
    datasetFingerprint: null,
    pipeline: null,
    backend: null,
    adapter: null,
    seed: 1,
    status: 'finished',
    history: [],
    metrics,
    timings: {},
    error: null,
    parity: null,
    tags: [],
    owner: null,
    createdAt: 1,
    updatedAt: 1,
  };
}

describe('summariseFolds', () => {
  test('mean and sample sd of each numeric metric every fold has', () => {
    const summary = summariseFolds([
      run('a', { accuracy: 0.8, loss: 0.5, report: { nested: 1 } }),
      run('b', { accuracy: 0.9, loss: 0.3 }),
      run('c', { accuracy: 1, extra: 2 }),
    ]);
    expect(Object.keys(summary)).toEqual(['accuracy']);
    expect(summary.accuracy?.mean).toBeCloseTo(0.9, 12);
    expect(summary.accuracy?.sd).toBeCloseTo(0.1, 12);
    expect(summary.accuracy?.values).toEqual([0.8, 0.9, 1]);
  });

  test('one run has sd 0; no runs give nothing', () => {
    expect(summariseFolds([run('a', { r2: 0.5 })])).toEqual({ r2: { mean: 0.5, sd: 0, values: [0.5] } });
    expect(summariseFolds([])).toEqual({});
  });
});
