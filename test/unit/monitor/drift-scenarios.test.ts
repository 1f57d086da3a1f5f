// Issue 11: drift through the Predictor on known distributions: no drift (false-alarm rate near the
// nominal 5 % over many seeds), mean shift, variance change, new category, category mix change,
// missing-rate jump, dataset and prediction drift, windows by count and time, stored thresholds.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { createRng, ingestDataset, profileTable } from '../../../src/data/index.ts';
import {
  computeDriftReport,
  createPredictor,
  DEFAULT_DRIFT_THRESHOLDS,
  DriftWindow,
  type Predictor,
} from '../../../src/monitor/index.ts';
import { driftReportSchema } from '../../../src/schemas/monitor.ts';
import { type Fixture, makeRows, registerFixture } from './fixtures.ts';

const features = (rows: Record<string, unknown>[]) => rows.map(({ label: _, ...row }) => row);

let fixture: Fixture;
beforeAll(async () => {
  await tf.setBackend('cpu');
  fixture = await registerFixture(makeRows(600, 1));
});

async function windowReport(rows: Record<string, unknown>[], options: { pValue?: number } = {}) {
  const predictor = await createPredictor({
    registry: fixture.registry,
    model: fixture.model,
    unseenCategories: 'encode',
    drift: { window: { rows: 1_000_000 }, ...options },
  });
  await predictor.predict(rows);
  const report = predictor.driftReport();
  predictor.dispose();
  if (!report) throw new Error('no report');
  expect(driftReportSchema.safeParse(report).success).toBe(true);
  return report;
}

const byName = (report: { features: { name: string; drifted: boolean }[] }) =>
  Object.fromEntries(report.features.map((f) => [f.name, f.drifted]));

describe('drift scenarios (reference of 600 rows: KS and chi-squared)', () => {
  test('same generator: nothing drifts, tests are the small-reference ones', async () => {
    const report = await windowReport(features(makeRows(400, 2)));
    expect(report.referenceRows).toBe(600);
    expect(report.features.map((f) => `${f.name}:${f.test}`)).toEqual(['x1:ks', 'x2:ks', 'color:chi2']);
    expect(byName(report)).toEqual({ x1: false, x2: false, color: false });
    expect(report.datasetDrift).toEqual({ share: 0, threshold: 0.5, drifted: false });
    expect(report.window.rows).toBe(400);
  });

  test('mean shift of x1 by half a standard deviation: x1 drifts, and so does the prediction', async () => {
    const report = await windowReport(features(makeRows(400, 3, { shift: 0.5 })));
    expect(byName(report)).toEqual({ x1: true, x2: false, color: false });
    expect(report.prediction?.drifted).toBe(true);
    expect(report.prediction?.test).toBe('chi2');
    const x1 = report.features[0];
    expect(x1?.pValue).toBeLessThan(0.001);
    expect(x1?.psiLevel).not.toBe('ok');
  });

  test('variance change of x2 (same mean): x2 drifts', async () => {
    const rng = createRng(11);
    const rows = features(makeRows(400, 4)).map((row) => ({ ...row, x2: 10 + rng.normal() * 5 }));
    const report = await windowReport(rows);
    expect(byName(report)).toEqual({ x1: false, x2: true, color: false });
  });

  test('a new category: color drifts and its unseen rate is the exact share', async () => {
    const rows = features(makeRows(400, 5, { colors: ['red', 'green', 'blue', 'purple'] }));
    const purple = rows.filter((r) => r.color === 'purple').length;
    const report = await windowReport(rows);
    const color = report.features.find((f) => f.name === 'color');
    expect(color?.drifted).toBe(true);
    expect(color?.unseenRate).toBe(purple / 400);
    expect(report.features.find((f) => f.name === 'x1')?.unseenRate).toBeNull();
  });

  test('a change of category mix: color drifts', async () => {
    const report = await windowReport(
      features(makeRows(400, 6, { colors: ['red', 'red', 'red', 'green', 'blue'] })),
    );
    expect(byName(report).color).toBe(true);
  });

  test('a missing-rate jump is reported exactly, per feature', async () => {
    const rows = features(makeRows(400, 7)).map((row, i) => (i % 5 === 0 ? { ...row, x2: null } : row));
    const report = await windowReport(rows);
    const x2 = report.features.find((f) => f.name === 'x2');
    expect(x2?.missingRate).toBe(80 / 400);
    expect(x2?.referenceMissingRate).toBe(0);
    expect(x2?.count).toBe(320);
    expect(report.features.find((f) => f.name === 'x1')?.missingRate).toBe(0);
  });

  test('dataset drift when at least half the features drift', async () => {
    const rng = createRng(12);
    const rows = features(makeRows(400, 8, { shift: 1 })).map((row) => ({
      ...row,
      x2: 10 + rng.normal() * 5,
    }));
    const report = await windowReport(rows);
    expect(report.datasetDrift.share).toBeCloseTo(2 / 3, 12);
    expect(report.datasetDrift.drifted).toBe(true);
  });

  test("the report's KS statistic is within the bucket bound of the exact D on the raw values", async () => {
    const reference = makeRows(600, 1).map((r) => r.x1 as number);
    const current = features(makeRows(400, 3, { shift: 0.3 }));
    const report = await windowReport(current);
    const values = current.map((r) => r.x1 as number);
    const sa = [...reference].sort((a, b) => a - b);
    const sb = [...values].sort((a, b) => a - b);
    let i = 0;
    let j = 0;
    let exact = 0;
    while (i < sa.length || j < sb.length) {
      const x = Math.min(sa[i] ?? Infinity, sb[j] ?? Infinity);
      while (i < sa.length && (sa[i] as number) <= x) i++;
      while (j < sb.length && (sb[j] as number) <= x) j++;
      exact = Math.max(exact, Math.abs(i / sa.length - j / sb.length));
    }
    const d = report.features[0]?.statistic as number;
    expect(d).toBeLessThanOrEqual(exact + 1e-12);
    // A bucket is 1/128 of an octave: with 600 and 400 normal values, none holds more than 2 %.
    expect(exact - d).toBeLessThanOrEqual(0.02);
  });

  test('thresholds stored with the version apply, and a per-call threshold overrides them', async () => {
    const strict = await registerFixture(makeRows(600, 1), {
      model: 'strict',
      metrics: { driftThresholds: { pValue: 1e-6 } },
    });
    const predictor = await createPredictor({ registry: strict.registry, model: 'strict' });
    await predictor.predict(features(makeRows(400, 3, { shift: 0.25 })));
    const p = predictor.driftReport()?.features[0]?.pValue as number;
    expect(p).toBeGreaterThan(1e-6);
    expect(p).toBeLessThan(0.05);
    expect(predictor.driftReport()?.features[0]).toMatchObject({ threshold: 1e-6, drifted: false });
    expect(predictor.driftReport({ pValue: 0.05 })?.features[0]).toMatchObject({
      threshold: 0.05,
      drifted: true,
    });
    predictor.dispose();
  });
});

describe('drift scenarios (reference of 2000 rows: Wasserstein and Jensen–Shannon)', () => {
  test('no drift stays under 0.1; a mean shift of 0.5 sd gives a normalised Wasserstein near 0.5', async () => {
    const large = await registerFixture(makeRows(2000, 21), { model: 'large' });
    const report = async (rows: Record<string, unknown>[]) => {
      const predictor = await createPredictor({ registry: large.registry, model: 'large' });
      await predictor.predict(rows);
      const r = predictor.driftReport();
      predictor.dispose();
      return r;
    };
    const calm = await report(features(makeRows(800, 22)));
    expect(calm?.features.map((f) => `${f.name}:${f.test}:${f.drifted}`)).toEqual([
      'x1:wasserstein:false',
      'x2:wasserstein:false',
      'color:jensenshannon:false',
    ]);
    const shifted = features(makeRows(800, 23, { shift: 0.5 }));
    const drifted = await report(shifted);
    const x1 = drifted?.features[0];
    expect(x1?.drifted).toBe(true);
    // Exact on the raw values: W1(reference, current) / std(reference), as Evidently computes it.
    const reference = makeRows(2000, 21).map((r) => r.x1 as number);
    const current = shifted.map((r) => r.x1 as number);
    const mean = reference.reduce((a, b) => a + b, 0) / reference.length;
    const std = Math.sqrt(reference.reduce((a, b) => a + (b - mean) ** 2, 0) / reference.length);
    const points = [...new Set([...reference, ...current])].sort((a, b) => a - b);
    const sa = [...reference].sort((a, b) => a - b);
    const sb = [...current].sort((a, b) => a - b);
    let i = 0;
    let j = 0;
    let w = 0;
    for (let k = 0; k < points.length - 1; k++) {
      const x = points[k] as number;
      while (i < sa.length && (sa[i] as number) <= x) i++;
      while (j < sb.length && (sb[j] as number) <= x) j++;
      w += Math.abs(i / sa.length - j / sb.length) * ((points[k + 1] as number) - x);
    }
    const meanAbs = (v: number[]) => v.reduce((a, b) => a + Math.abs(b), 0) / v.length;
    const bound = (2 ** -8 * (meanAbs(reference) + meanAbs(current))) / std;
    expect(Math.abs((x1?.statistic as number) - w / std)).toBeLessThanOrEqual(bound);
  });
});

describe('windows', () => {
  test('a window closes every N rows: onDrift and a drift event per window, then an accuracy event', async () => {
    const predictor: Predictor = await createPredictor({
      registry: fixture.registry,
      model: fixture.model,
      drift: { window: { rows: 100 } },
    });
    const windows: number[] = [];
    const events: string[] = [];
    const counted: number[] = [];
    predictor.onDrift((report) => {
      windows.push(report.window.rows);
      counted.push((report.prediction?.count ?? 0) + (report.features[2]?.count ?? 0));
    });
    predictor.subscribe((e) => events.push(e.type));
    const rows = features(makeRows(250, 9));
    for (let i = 0; i < rows.length; i += 50) await predictor.predict(rows.slice(i, i + 50));
    expect(windows).toEqual([100, 100]);
    // Each window counts only its own rows: predictions and the categorical feature start over.
    expect(counted).toEqual([200, 200]);
    expect(events.filter((e) => e !== 'predict')).toEqual(['drift', 'accuracy', 'drift', 'accuracy']);
    expect(predictor.driftReport()?.window.rows).toBe(50);
    predictor.dispose();
  });

  test('a window closes by time (fake clock) and the report carries its span', async () => {
    let clock = 1_000;
    const predictor = await createPredictor({
      registry: fixture.registry,
      model: fixture.model,
      drift: { window: { ms: 60_000 } },
      now: () => clock,
    });
    const reports: { start: number; end: number; rows: number }[] = [];
    predictor.onDrift((r) => reports.push(r.window));
    const rows = features(makeRows(30, 10));
    await predictor.predict(rows.slice(0, 10));
    clock = 31_000;
    await predictor.predict(rows.slice(10, 20));
    expect(reports).toEqual([]);
    clock = 61_000;
    await predictor.predict(rows.slice(20, 30));
    expect(reports).toEqual([{ start: 1_000, end: 61_000, rows: 30 }]);
    predictor.dispose();
  });
});

describe('false alarms', () => {
  test('with no drift, the share of features flagged is near the nominal 5 % (200 seeds, 3 features)', async () => {
    let alarms = 0;
    let trials = 0;
    for (let seed = 100; seed < 300; seed++) {
      const reference = makeRows(500, seed);
      const ds = await ingestDataset({ rows: reference }, { target: 'label' });
      const profile = profileTable(ds.table, ds.schema);
      const window = new DriftWindow(
        [
          { name: 'x1', kind: 'numeric', float32: true },
          { name: 'x2', kind: 'numeric', float32: true },
          { name: 'color', kind: 'categorical', float32: false },
        ],
        null,
      );
      const current = makeRows(300, seed + 10_000);
      for (const row of current) {
        window.observeNumber(0, row.x1 as number);
        window.observeNumber(1, row.x2 as number);
        window.observeCategory(2, row.color as string);
      }
      window.addRows(current.length, 0);
      const report = computeDriftReport({
        model: 'm',
        version: 1,
        reference: profile,
        window: window.snapshot(),
        thresholds: DEFAULT_DRIFT_THRESHOLDS,
        predictionReference: null,
      });
      trials += report.features.length;
      alarms += report.features.filter((f) => f.drifted).length;
    }
    const rate = alarms / trials;
    // Binomial(600, 0.05) has a standard deviation of 0.9 %: this is about ±2.5 sd around 5 %.
    expect(trials).toBe(600);
    expect(rate).toBeGreaterThanOrEqual(0.025);
    expect(rate).toBeLessThanOrEqual(0.075);
  }, 60_000);
});
