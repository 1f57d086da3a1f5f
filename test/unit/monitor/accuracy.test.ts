// Issue 11: field accuracy from delayed outcomes (exact aggregates), and the label-free estimate
// (CBPE) against the truth on labels drawn from the model's own probabilities (calibrated by construction).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { createRng } from '../../../src/data/index.ts';
import { createPredictor, macroF1 } from '../../../src/monitor/index.ts';
import { type Fixture, makeRows, registerFixture } from './fixtures.ts';

const features = (rows: Record<string, unknown>[]) => rows.map(({ label: _, ...row }) => row);

let fixture: Fixture;
beforeAll(async () => {
  await tf.setBackend('cpu');
  fixture = await registerFixture(makeRows(400, 1));
});

describe('outcomes', () => {
  test('accuracy, macro F1 and the confusion matrix are the exact aggregates of the joined outcomes', async () => {
    const predictor = await createPredictor({ registry: fixture.registry, model: fixture.model });
    const classes = predictor.classes as string[];
    const results = await predictor.predict(features(makeRows(60, 2)));
    const rng = createRng(3);
    const matrix = classes.map(() => classes.map(() => 0));
    let correct = 0;
    let joined = 0;
    for (const result of results) {
      if (!result.ok || !('label' in result.prediction)) continue;
      const actual = classes[rng.nextInt(2)] as string;
      if (joined >= 50) break;
      expect(predictor.recordOutcome(result.id, actual)).toBe('recorded');
      joined++;
      const a = classes.indexOf(actual);
      const p = classes.indexOf(result.prediction.label);
      (matrix[a] as number[])[p] = ((matrix[a] as number[])[p] as number) + 1;
      if (a === p) correct++;
    }
    const first = results[0];
    expect(first?.ok && predictor.recordOutcome(first.id, 'yes')).toBe('duplicate');
    expect(predictor.recordOutcome('no-such-id', 'yes')).toBe('unknown-id');
    const summary = predictor.accuracy();
    expect(summary.labelled).toBe(50);
    expect(summary.confusion).toEqual({ classes, matrix });
    expect(summary.field.accuracy).toBe(correct / 50);
    // Macro F1 by its definition: mean over classes of 2·TP / (actual + predicted).
    const f1 = classes.map((_, c) => {
      const tp = (matrix[c] as number[])[c] as number;
      const actual = (matrix[c] as number[]).reduce((s, v) => s + v, 0);
      const predicted = matrix.reduce((s, row) => s + (row[c] as number), 0);
      return (2 * tp) / (actual + predicted);
    });
    expect(summary.field.f1).toBeCloseTo((f1[0] as number) / 2 + (f1[1] as number) / 2, 14);
    expect(
      macroF1([
        [3, 1],
        [2, 4],
      ]),
    ).toBeCloseTo(((2 * 3) / (4 + 5) + (2 * 4) / (6 + 5)) / 2, 14);
    predictor.dispose();
  });

  test('regression: MAE and RMSE of the joined outcomes', async () => {
    const reg = await registerFixture(makeRows(400, 4, { regression: true }), {
      regression: true,
      model: 'reg',
    });
    const predictor = await createPredictor({ registry: reg.registry, model: 'reg' });
    const results = await predictor.predict(features(makeRows(20, 5, { regression: true })));
    let abs = 0;
    let sq = 0;
    results.forEach((r, i) => {
      if (!r.ok || !('value' in r.prediction)) throw new Error('regression rows all predict');
      const actual = i * 0.5;
      predictor.recordOutcome(r.id, actual);
      abs += Math.abs(r.prediction.value - actual);
      sq += (r.prediction.value - actual) ** 2;
    });
    expect(predictor.accuracy().field.mae).toBeCloseTo(abs / 20, 10);
    expect(predictor.accuracy().field.rmse).toBeCloseTo(Math.sqrt(sq / 20), 10);
    expect(predictor.accuracy().estimated).toBeNull();
    // Prediction drift of a regressor: its outputs against the target's sketch, by KS (400 reference rows).
    expect(predictor.driftReport()?.prediction).toMatchObject({
      name: 'prediction',
      kind: 'numeric',
      test: 'ks',
      count: 20,
    });
    expect(() => predictor.recordOutcome((results[1] as { id: string }).id, 'tall')).toThrow(/finite number/);
    predictor.dispose();
  });

  test('old predictions are forgotten past the capacity', async () => {
    const predictor = await createPredictor({
      registry: fixture.registry,
      model: fixture.model,
      outcomeCapacity: 3,
    });
    const results = await predictor.predict(features(makeRows(5, 6)));
    const ids = results.map((r) => (r.ok ? r.id : ''));
    expect(ids.map((id) => predictor.recordOutcome(id, 'yes'))).toEqual([
      'unknown-id',
      'unknown-id',
      'recorded',
      'recorded',
      'recorded',
    ]);
    predictor.dispose();
  });
});

describe('label-free estimate (CBPE)', () => {
  test('on calibrated probabilities the estimate lands within 0.03 of the accuracy the labels give', async () => {
    const predictor = await createPredictor({
      registry: fixture.registry,
      model: fixture.model,
      drift: { window: { rows: 10_000 } },
    });
    const results = await predictor.predict(features(makeRows(3000, 7)));
    const rng = createRng(8);
    let correct = 0;
    let n = 0;
    for (const r of results) {
      if (!r.ok || !('label' in r.prediction)) continue;
      // The truth is drawn from the model's own probabilities: calibrated by construction.
      const entries = Object.entries(r.prediction.probabilities);
      const actual = rng.next() < (entries[0]?.[1] as number) ? entries[0]?.[0] : entries[1]?.[0];
      if (actual === r.prediction.label) correct++;
      n++;
    }
    const truth = correct / n;
    const { estimated, predictions } = predictor.accuracy();
    expect(predictions).toBe(n);
    expect(n).toBe(3000);
    expect(Math.abs((estimated as number) - truth)).toBeLessThan(0.03);
    predictor.dispose();
  });
});
