import * as tf from '@tensorflow/tfjs';

/** Size of the calibration model and how many steps to time. Small enough for ~1 s per backend. */
export interface ProbeShape {
  inputs: number;
  hidden: number[];
  classes: number;
  batchSize: number;
  /** Timed steps after the untimed warm-up step. */
  steps: number;
}

/** The default probe: a 64-128-128-10 MLP, batch 128, 3 timed steps. */
export const DEFAULT_PROBE_SHAPE: ProbeShape = {
  inputs: 64,
  hidden: [128, 128],
  classes: 10,
  batchSize: 128,
  steps: 3,
};

/**
 * Trains a small dense classifier on the active backend for a few steps and returns the training
 * throughput. The first step is timed apart: it pays for shader compilation or WASM start-up.
 * Leaves no tensors behind.
 */
export async function measureTrainingThroughput(
  shape: ProbeShape = DEFAULT_PROBE_SHAPE,
): Promise<{ samplesPerSecond: number; warmupMs: number }> {
  const model = buildDenseClassifier(shape.inputs, shape.hidden, shape.classes);
  const optimizer = tf.train.adam(1e-3);
  const [x, y] = tf.tidy(() => {
    const features = tf.randomUniform([shape.batchSize, shape.inputs], -1, 1, 'float32', 7);
    const labels = tf.oneHot(
      tf.randomUniform([shape.batchSize], 0, shape.classes, 'int32', 11),
      shape.classes,
    );
    return [features, labels.toFloat()];
  });
  // One optimizer step, its loss read back asynchronously: `trainOnBatch` would read it with
  // dataSync, which stalls (and warns) on webgpu.
  const step = async (): Promise<void> => {
    const loss = optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
      true,
    );
    await loss?.data();
    loss?.dispose();
  };
  try {
    const warmStart = performance.now();
    await step();
    const warmupMs = performance.now() - warmStart;
    const start = performance.now();
    for (let i = 0; i < shape.steps; i++) await step();
    const elapsed = performance.now() - start;
    return { samplesPerSecond: (shape.steps * shape.batchSize * 1000) / Math.max(elapsed, 1e-3), warmupMs };
  } finally {
    x.dispose();
    y.dispose();
    optimizer.dispose();
    model.dispose();
  }
}

/** A plain dense classifier: ReLU hidden layers and a logits output (softmax lives in the loss). */
export function buildDenseClassifier(inputs: number, hidden: number[], classes: number): tf.Sequential {
  const model = tf.sequential();
  hidden.forEach((units, i) => {
    model.add(tf.layers.dense({ units, activation: 'relu', ...(i === 0 ? { inputShape: [inputs] } : {}) }));
  });
  model.add(tf.layers.dense({ units: classes }));
  return model;
}
