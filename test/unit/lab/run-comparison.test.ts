import { expect, test } from 'vitest';
import { compareRuns, flattenJson, runsToCsv } from '../../../src/lab/run-comparison.ts';
import type { Run } from '../../../src/schemas/registry.ts';

function run(id: string, spec: Record<string, unknown>, metrics: Record<string, unknown>): Run {
  return {
    id,
    spec: spec as never,
    datasetFingerprint: 'abc',
    pipeline: null,
    backend: 'cpu',
    adapter: null,
    seed: 1,
    status: 'finished',
    history: [],
    metrics: metrics as never,
    timings: {},
    error: null,
    parity: null,
    tags: [],
    owner: null,
    createdAt: 1,
    updatedAt: 2,
  };
}

test('flattenJson names nested fields by path', () => {
  expect(flattenJson({ a: { b: [1, { c: 'x' }] }, d: null, e: [] })).toEqual({
    'a.b.0': 1,
    'a.b.1.c': 'x',
    d: null,
    e: '[]',
  });
});

test('compareRuns aligns metrics (null where absent) and keeps only differing parameters', () => {
  const a = run(
    'a',
    { architecture: { kind: 'mlp', hidden: [16] }, learningRate: 0.01, epochs: 5 },
    { accuracy: 0.9, report: { x: 1 } },
  );
  const b = run(
    'b',
    { architecture: { kind: 'mlp', hidden: [32] }, learningRate: 0.01, epochs: 5 },
    { accuracy: 0.8, f1_macro: 0.7 },
  );
  const comparison = compareRuns([a, b]);
  expect(comparison.runIds).toEqual(['a', 'b']);
  expect(comparison.metrics).toEqual({ accuracy: [0.9, 0.8], f1_macro: [null, 0.7] });
  expect(comparison.differences).toEqual({ 'architecture.hidden.0': [16, 32] });
});

test('runsToCsv writes RFC 4180 rows with spec and metric columns, quoting where needed', () => {
  const csv = runsToCsv([run('a', { name: 'x, "y"', epochs: 3 }, { accuracy: 0.5 })]);
  const [header, row] = csv.split('\r\n');
  expect(header).toBe(
    'id,status,backend,seed,datasetFingerprint,createdAt,updatedAt,spec.epochs,spec.name,metric.accuracy',
  );
  expect(row).toBe('a,finished,cpu,1,abc,1,2,3,"x, ""y""",0.5');
  expect(csv.endsWith('\r\n')).toBe(true);
});
