// Issue 15 (maintain view): the new data a challenger retrains on is the dataset's own rows with the
// clients' drift, measured and applied the way the clients apply it, to the fleet's share of rows;
// labels never move.
import { generateSampleCsv, tokenizeCsv } from 'edgeflow/data';
import { expect, test } from 'vitest';
import { poolStats } from '../../../demo/field/edge-sim/row-drift.ts';
import { driftDatasetCsv } from '../../../demo/field/maintain/drifted-dataset.ts';
import { maintainThresholds } from '../../../demo/field/maintain/maintain-flow.ts';

const sample = generateSampleCsv('classification', { rows: 300, seed: 7 });

function column(csv: string, name: string): string[] {
  const [header, ...records] = tokenizeCsv(csv, { delimiter: ',', final: true }).records;
  const index = header?.fields.indexOf(name) ?? -1;
  return records.map((r) => r.fields[index] ?? '');
}

function numbers(values: string[]): number[] {
  return values.filter((v) => v.trim() !== '' && Number.isFinite(Number(v))).map(Number);
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

function setup() {
  const [header] = tokenizeCsv(sample.csv, { delimiter: ',', final: true }).records;
  const names = header?.fields ?? [];
  const numeric = names.filter((n) => n !== sample.target && numbers(column(sample.csv, n)).length > 250);
  const pool = numeric.map(() => ({}));
  const rows = column(sample.csv, numeric[0] ?? '').map((_, i) =>
    Object.fromEntries(numeric.map((n) => [n, numbers([column(sample.csv, n)[i] ?? ''])[0] ?? null])),
  );
  return { names, numeric, stats: poolStats(rows.length > 0 ? rows : pool) };
}

test('share 1: every row shifted by k standard deviations of the pool; target and other columns untouched', () => {
  const { numeric, stats } = setup();
  const feature = numeric[0] as string;
  const sd = stats.get(feature)?.sd ?? 0;
  expect(sd).toBeGreaterThan(0);
  const out = driftDatasetCsv({
    csv: sample.csv,
    numericColumns: new Set(numeric),
    target: sample.target,
    drift: { share: 1, features: { [feature]: { meanShift: 2 }, [sample.target]: { missingRate: 1 } } },
    stats,
    seed: 1,
  });
  expect(out).toMatchObject({ rows: 300, driftedRows: 300 });
  const before = column(sample.csv, feature);
  const after = column(out.csv, feature);
  // Present values move by exactly 2 SD; missing ones stay missing.
  before.forEach((text, i) => {
    if (text.trim() === '') expect(after[i]).toBe('');
    else expect(Number(after[i])).toBeCloseTo(Number(text) + 2 * sd, 6);
  });
  expect(column(out.csv, sample.target)).toEqual(column(sample.csv, sample.target));
  for (const other of numeric.slice(1)) expect(column(out.csv, other)).toEqual(column(sample.csv, other));
});

test('share 0 leaves the data as it was; a share drifts about that many rows, the same ones for a seed', () => {
  const { numeric, stats } = setup();
  const feature = numeric[0] as string;
  const input = {
    csv: sample.csv,
    numericColumns: new Set(numeric),
    target: sample.target,
    stats,
    seed: 3,
  };
  const none = driftDatasetCsv({ ...input, drift: { share: 0, features: { [feature]: { meanShift: 3 } } } });
  expect(none.driftedRows).toBe(0);
  expect(column(none.csv, feature)).toEqual(column(sample.csv, feature));
  const half = driftDatasetCsv({
    ...input,
    drift: { share: 0.5, features: { [feature]: { missingRate: 1 } } },
  });
  expect(half.driftedRows).toBeGreaterThan(100);
  expect(half.driftedRows).toBeLessThan(200);
  expect(column(half.csv, feature).filter((v) => v === '').length).toBeGreaterThanOrEqual(half.driftedRows);
  expect(
    driftDatasetCsv({ ...input, drift: { share: 0.5, features: { [feature]: { missingRate: 1 } } } }),
  ).toEqual(half);
  const shifted = driftDatasetCsv({ ...input, drift: { share: 1, features: { [feature]: { scale: 0 } } } });
  // Scale 0 collapses every present value onto the pool's mean.
  expect(new Set(numbers(column(shifted.csv, feature)).map((v) => v.toFixed(6))).size).toBe(1);
  expect(mean(numbers(column(shifted.csv, feature)))).toBeCloseTo(stats.get(feature)?.mean ?? Number.NaN, 6);
});

test('a malformed or empty CSV is refused with the line', () => {
  const base = {
    numericColumns: new Set<string>(),
    target: null,
    drift: { share: 1, features: {} },
    stats: new Map(),
    seed: 1,
  };
  expect(() => driftDatasetCsv({ ...base, csv: 'a,b\n1,"2\n' })).toThrowError(/unterminated quote at line 2/);
  expect(() => driftDatasetCsv({ ...base, csv: 'a,b\n' })).toThrowError(
    expect.objectContaining({ code: 'EMPTY_DATASET' }),
  );
});

test('the gate: at least as good as the champion, and over a floor when one is given', () => {
  expect(maintainThresholds('accuracy', null)).toEqual({ accuracy: { minRelativeChange: 0 } });
  expect(maintainThresholds('mae', 2.5)).toEqual({ mae: { minRelativeChange: 0, threshold: 2.5 } });
});
