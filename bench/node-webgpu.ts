// Training throughput on a real GPU without a browser: Dawn's WebGPU in Node (the `webgpu` npm
// package) under tfjs's webgpu backend, against tfjs's wasm backend in the same process (what a
// device without a good GPU trains on), at batch 256, 1024 and 4096, in GFLOP/s and as a share of
// the GPU's FP32 peak. Used on machines that have a GPU but no Chromium; bundle it with
// `npx rolldown -c bench/node-webgpu.rolldown.config.mjs`, run `node bench/out/node-webgpu.mjs`.
// Prints one JSON line per measurement, as the benchmark runner does. Without a GPU adapter it
// prints the wasm figures only (value null) and skips the webgpu part.
//
// FLOPs: one training step of a dense network costs about 6·B·P multiply-adds-as-two-FLOPs (2·B·P
// forward, 4·B·P backward for the gradients of activations and weights), P = the weight count;
// biases, activations, the loss and Adam's update are left out (under 1 % here). FP32 peak: the
// vendor's non-tensor FP32 figure, from GPU_PEAK_TFLOPS or the table below by adapter name.
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
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
// The wasm backend's binaries from node_modules (WASM_DIR overrides: a copied tree elsewhere).
const wasmDir =
  process.env.WASM_DIR ??
  `${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json'))}/dist/`;
setWasmPaths(wasmDir.endsWith('/') ? wasmDir : `${wasmDir}/`);

const adapter = await gpu.requestAdapter();
const info = adapter?.info;
const gpuName = info ? `${info.vendor} ${info.architecture} ${info.description}`.trim() : null;
const env = { where: 'node+dawn', gpu: gpuName, cores: os.cpus().length };
const steps = Number(process.env.STEPS ?? 20);

/** Non-tensor FP32 peaks (TFLOP/s) from NVIDIA's data sheets, by a pattern of the adapter name. */
const FP32_PEAK_TFLOPS: Array<[RegExp, number, string]> = [
  [/H200.*NVL/i, 60, 'H200 NVL'],
  [/H200/i, 67, 'H200 SXM'],
  [/H100.*PCIe/i, 51, 'H100 PCIe'],
  [/H100.*NVL/i, 60, 'H100 NVL'],
  [/H100/i, 67, 'H100 SXM'],
  [/A100/i, 19.5, 'A100'],
  [/L40S/i, 91.6, 'L40S'],
];

function fp32Peak(name: string | null): { tflops: number; source: string } | null {
  const given = Number(process.env.GPU_PEAK_TFLOPS);
  if (given > 0) return { tflops: given, source: 'GPU_PEAK_TFLOPS' };
  const hit = FP32_PEAK_TFLOPS.find(([pattern]) => pattern.test(name ?? ''));
  return hit ? { tflops: hit[1], source: `data sheet, ${hit[2]}` } : null;
}

const shape = { inputs: 784, hidden: [256, 256], classes: 10 };
const weightCount = [shape.inputs, ...shape.hidden, shape.classes]
  .slice(1)
  .reduce((sum, units, i, layers) => sum + units * (i === 0 ? shape.inputs : (layers[i - 1] as number)), 0);
const flopsPerSample = 6 * weightCount;

async function throughput(backend: string, batchSize: number, stepCount: number) {
  await tf.setBackend(backend);
  await tf.ready();
  const figure = await measureTrainingThroughput({ ...shape, batchSize, steps: stepCount });
  return { ...figure, gflops: (figure.samplesPerSecond * flopsPerSample) / 1e9 };
}

const peak = fp32Peak(gpuName);
for (const batchSize of [256, 1024, 4096]) {
  // wasm gets fewer steps: one step at batch 4096 is ~6.5 GFLOP.
  const wasm = await throughput('wasm', batchSize, Math.max(2, Math.round((steps * 256) / batchSize / 2)));
  const webgpu = adapter ? await throughput('webgpu', batchSize, steps) : null;
  console.log(
    JSON.stringify({
      bench: `train-gflops-mlp-b${batchSize}`,
      unit: 'GFLOP/s',
      value: webgpu ? Math.round(webgpu.gflops * 10) / 10 : null,
      baseline: Math.round(wasm.gflops * 10) / 10,
      ratio: webgpu ? Math.round((webgpu.gflops / wasm.gflops) * 100) / 100 : null,
      env,
      extra: {
        note: 'value = webgpu, baseline = wasm; MLP 784-256-256-10, Adam, one step = 6·B·P FLOPs',
        weightCount,
        // Node runs tfjs's wasm backend without threads (its threaded build needs a browser's
        // workers): on a many-core machine a cross-origin isolated page would do better.
        wasmThreads: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
        wasmSimd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
        samplesPerSecond: { webgpu: webgpu?.samplesPerSecond ?? null, wasm: wasm.samplesPerSecond },
        webgpuWarmupMs: webgpu?.warmupMs ?? null,
        fp32PeakTflops: peak?.tflops ?? null,
        peakSource: peak?.source ?? null,
        shareOfFp32Peak:
          webgpu && peak ? Math.round((webgpu.gflops / (peak.tflops * 1000)) * 1e5) / 1e5 : null,
      },
    }),
  );
}
if (!adapter) {
  console.error('No WebGPU adapter: the webgpu figures and the trainModel comparison were skipped.');
  process.exit(0);
}

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
