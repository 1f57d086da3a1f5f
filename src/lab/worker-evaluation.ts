// Scoring a model in the lab worker: metrics on prepared rows (classification or regression, in the
// target's units), the regression predictions a run keeps for plotting, and the training loop's
// metrics mapped back to the target's units.
import * as tf from '@tensorflow/tfjs';
import { inverseTransformTarget } from '../data/pipeline.ts';
import type { PreparedData } from '../data/types.ts';
import { computeClassificationMetrics, computeRegressionMetrics } from '../evaluate/index.ts';
import type { MetricReport } from '../schemas/metrics.ts';

/** Test rows whose predictions a regression run keeps for plotting. */
const PREDICTION_SAMPLE = 500;

/**
 * Regression metrics of the training loop (computed on the standardised target) in the target's
 * units: an absolute error scales with the target's standard deviation.
 */
export function scaleRegressionMetrics(
  values: Readonly<Record<string, number>>,
  scale: number,
): Record<string, number> {
  const out: Record<string, number> = { ...values };
  if (typeof values.mae === 'number') out.mae = values.mae * scale;
  return out;
}

/**
 * At most `PREDICTION_SAMPLE` test rows' actual and predicted values (target units), with how many
 * test rows there were. Test rows are in file order, so a larger test split is sampled at an even
 * stride over all of it (a file sorted by the target still gives the whole range); rows whose
 * prediction is not finite are left out (JSON has no NaN).
 */
export function predictionSample(
  actual: Float64Array,
  predicted: Float64Array,
): { actual: number[]; predicted: number[]; testRows: number } {
  const a: number[] = [];
  const p: number[] = [];
  const n = actual.length;
  const picks = Math.min(n, PREDICTION_SAMPLE);
  for (let k = 0; k < picks; k++) {
    const i = Math.floor((k * n) / picks);
    const x = actual[i] as number;
    const y = predicted[i] as number;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    a.push(x);
    p.push(y);
  }
  return { actual: a, predicted: p, testRows: actual.length };
}

/** The metrics of `model` on `data` (see `evaluateWithPredictions`). */
export async function evaluateOn(model: tf.LayersModel, data: PreparedData): Promise<MetricReport> {
  return (await evaluateWithPredictions(model, data)).report;
}

/** Metrics on `data`, plus (regression) actual and predicted values in original units. */
export async function evaluateWithPredictions(
  model: tf.LayersModel,
  data: PreparedData,
): Promise<{ report: MetricReport; actual: Float64Array | null; predicted: Float64Array | null }> {
  // The model's own input shape: flat rows for dense models, [h, w, c] images for a cnn.
  const featureShape = model.inputs[0]?.shape.slice(1) as number[] | undefined;
  const shape = [data.rowCount, ...(featureShape ?? [data.featureCount])];
  const output = tf.tidy(() => model.predict(tf.tensor(data.features, shape, 'float32')) as tf.Tensor);
  const predicted = (await output.data()) as Float32Array;
  output.dispose();
  if (data.task === 'classification') {
    const report = computeClassificationMetrics({
      yTrue: data.targets,
      probabilities: predicted,
      classNames: data.classes ?? [],
    });
    return { report, actual: null, predicted: null };
  }
  const actual = inverseTransformTarget(data.pipeline, data.targets);
  const values = inverseTransformTarget(data.pipeline, predicted);
  return { report: computeRegressionMetrics(actual, values), actual, predicted: values };
}
