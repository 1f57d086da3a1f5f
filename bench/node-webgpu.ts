// Training throughput on a real GPU without a browser: Dawn's WebGPU in Node (the `webgpu` npm
// package) under tfjs's webgpu backend, against tfjs's cpu backend in the same process. Used on
// machines that have a GPU but no Chromium; bundle it with
// `npx rolldown -c bench/node-webgpu.rolldown.config.mjs`.
// Prints one JSON line per measurement, as the benchmark runner does.
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { create, globals } from 'webgpu';
import { measureTrainingThroughput } from '../src/runtime/probe.ts';
import { buildModel } from '../src/train/build-model.ts';
import { parseModelSpec } from '../src/train/spec.ts';
import { trainModel } from '../src/train/train-model.ts';

Object.assign(globalThis, globals);
const gpu = create([]);
Object.defineProperty(globalThis, 'navigator', {
  value: { gpu, userAgent: `node ${process.version}`, hardwareConcurrency: os.cpus().length },
  configurable: true,
});
// The webgpu backend registers itself at import only where navigator.gpu exists: import it now.
await import('@tensorflow/tfjs-backend-webgpu');

const adapter = await gpu.requestAdapter();
const info = adapter?.info;
const env = {
  where: 'node+dawn',
  gpu: info ? `${info.vendor} ${info.architecture} ${info.description}`.trim() : null,
  cores: os.cpus().length,
};
const steps = Number(process.env.STEPS ?? 20);

async function mlpThroughput(
  backend: string,
  stepCount: number,
): Promise<{ samplesPerSecond: number; warmupMs: number }> {
  await tf.setBackend(backend);
  await tf.ready();
  return measureTrainingThroughput({
    inputs: 784,
    hidden: [256, 256],
    classes: 10,
    batchSize: 256,
    steps: stepCount,
  });
}

const gpuFigure = await mlpThroughput('webgpu', steps);
const cpuFigure = await mlpThroughput('cpu', Math.max(2, Math.floor(steps / 10)));
console.log(
  JSON.stringify({
    bench: 'backend-probe-mlp',
    unit: 'samples/s',
    value: gpuFigure.samplesPerSecond,
    baseline: cpuFigure.samplesPerSecond,
    ratio: gpuFigure.samplesPerSecond / cpuFigure.samplesPerSecond,
    env,
    extra: { webgpuWarmupMs: gpuFigure.warmupMs, note: 'value = webgpu, baseline = cpu' },
  }),
);

// trainModel (edgeflow's loop) against raw model.fit on webgpu, same spec, same data.
await tf.setBackend('webgpu');
const rows = Number(process.env.ROWS ?? 25_600);
const x = new Float32Array(rows * 784).map((_, i) => ((i * 2654435761) % 1000) / 1000);
const y = new Float32Array(rows).map((_, i) => i % 10);
const spec = parseModelSpec({
  task: 'classification',
  architecture: { type: 'mlp', hidden: [256, 256] },
  epochs: 1,
  batchSize: 256,
  seed: 1,
});
// Warm both paths up on a small slice first, so neither pays the shader compilation alone.
const warmRows = 1024;
const warm = buildModel(spec, { featureCount: 784, classCount: 10 });
await trainModel({
  model: warm,
  spec,
  train: { x: x.subarray(0, warmRows * 784), y: y.subarray(0, warmRows), count: warmRows },
});
warm.dispose();
const oursModel = buildModel(spec, { featureCount: 784, classCount: 10 });
const oursStart = performance.now();
await trainModel({ model: oursModel, spec, train: { x, y, count: rows } });
const oursMs = performance.now() - oursStart;
oursModel.dispose();
const rawModel = buildModel(spec, { featureCount: 784, classCount: 10 });
rawModel.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
const xs = tf.tensor2d(x, [rows, 784]);
const ys = tf.oneHot(tf.tensor1d(y, 'int32'), 10);
await rawModel.fit(xs.slice([0, 0], [warmRows, 784]), ys.slice([0, 0], [warmRows, 10]), {
  epochs: 1,
  batchSize: 256,
  verbose: 0,
});
const rawStart = performance.now();
await rawModel.fit(xs, ys, { epochs: 1, batchSize: 256, shuffle: true, verbose: 0 });
const rawMs = performance.now() - rawStart;
console.log(
  JSON.stringify({
    bench: 'train-throughput-mlp-webgpu',
    unit: 'samples/s',
    value: rows / (oursMs / 1000),
    baseline: rows / (rawMs / 1000),
    ratio: rawMs / oursMs,
    env,
    extra: { rows, note: 'one epoch after a warm-up of both; value = trainModel, baseline = raw model.fit' },
  }),
);
process.exit(0);
