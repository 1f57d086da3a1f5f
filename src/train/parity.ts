import * as tf from '@tensorflow/tfjs';
import { EdgeflowError } from '../errors.ts';
import type { ParityResult } from './types.ts';

/**
 * How far a backend's outputs may drift from `cpu` (float32 reference) before a run gets a
 * warning, as |active − cpu| / max(1, |cpu|). wasm runs the same float32 maths in another order
 * (XNNPACK, SIMD): 1e-4. webgpu and webgl run float32 shaders whose transcendental functions
 * (exp in softmax, tanh) are approximations: 1e-3. cpu against itself: 0.
 */
export const PARITY_TOLERANCE: Readonly<Record<string, number>> = {
  cpu: 0,
  wasm: 1e-4,
  webgpu: 1e-3,
  webgl: 1e-3,
};

/** Tolerance for backends not listed in `PARITY_TOLERANCE`. */
export const DEFAULT_PARITY_TOLERANCE = 1e-3;

async function predictValues(
  model: tf.LayersModel,
  rows: Float32Array,
  shape: number[],
): Promise<Float32Array> {
  const output = tf.tidy(() => model.predict(tf.tensor(rows, shape, 'float32')) as tf.Tensor);
  try {
    return (await output.data()) as Float32Array;
  } finally {
    output.dispose();
  }
}

/**
 * Runs a canary batch through `model` on the active backend and through a copy of the model on
 * `cpu`, and reports the largest difference (WebGPU kernels have had correctness bugs; this is
 * how a run notices one). The copy is made through an in-memory save, so the model itself stays
 * on its backend; the active backend is restored afterwards, also on failure.
 *
 * @example
 * const parity = await parityCheck(model, validation.x.subarray(0, 32 * featureCount));
 * if (parity.exceedsTolerance) console.warn(`backend differs from cpu by ${parity.maxScaledDiff}`);
 * @throws EdgeflowError `INVALID_ARGUMENT` when `canaryX` is empty or not whole rows of the
 *   model's input; `BACKEND_UNAVAILABLE` when the cpu backend cannot start.
 */
export async function parityCheck(
  model: tf.LayersModel,
  canaryX: Float32Array,
  options: { tolerance?: number } = {},
): Promise<ParityResult> {
  const input = model.inputs[0];
  const featureShape = (input?.shape.slice(1) ?? []) as number[];
  const featureCount = featureShape.reduce((a, b) => a * b, 1);
  if (
    !input ||
    featureShape.some((d) => d === null) ||
    canaryX.length === 0 ||
    canaryX.length % featureCount !== 0
  ) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `The canary batch must hold whole rows of ${featureCount} values; it has ${canaryX.length}.`,
      { details: { length: canaryX.length, featureCount } },
    );
  }
  const rows = canaryX.length / featureCount;
  const shape = [rows, ...featureShape];
  const backend = tf.getBackend();
  const tolerance = options.tolerance ?? PARITY_TOLERANCE[backend] ?? DEFAULT_PARITY_TOLERANCE;
  const active = await predictValues(model, canaryX, shape);
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  let reference: Float32Array;
  let switched = false;
  try {
    if (backend !== 'cpu') {
      const ok = await tf.setBackend('cpu');
      switched = true;
      if (!ok) {
        throw new EdgeflowError(
          'BACKEND_UNAVAILABLE',
          'The cpu backend could not start for the parity check.',
          {
            details: { backend: 'cpu' },
          },
        );
      }
    }
    const copy = await tf.loadLayersModel(tf.io.fromMemory(saved as tf.io.ModelArtifacts));
    try {
      reference = await predictValues(copy, canaryX, shape);
    } finally {
      copy.dispose();
    }
  } finally {
    if (switched) await tf.setBackend(backend);
  }
  let maxAbsDiff = 0;
  let maxScaledDiff = 0;
  for (let i = 0; i < reference.length; i++) {
    const expected = reference[i] as number;
    const diff = Math.abs((active[i] as number) - expected);
    const scaled = diff / Math.max(1, Math.abs(expected));
    // NaN compares false with everything: count it as an infinite difference.
    maxAbsDiff = Number.isNaN(diff) ? Number.POSITIVE_INFINITY : Math.max(maxAbsDiff, diff);
    maxScaledDiff = Number.isNaN(scaled) ? Number.POSITIVE_INFINITY : Math.max(maxScaledDiff, scaled);
  }
  return { backend, maxAbsDiff, maxScaledDiff, tolerance, exceedsTolerance: maxScaledDiff > tolerance, rows };
}
