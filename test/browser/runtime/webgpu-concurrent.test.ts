// Issue 16, point 10: two lab workers training on the webgpu backend at the same time share one
// GPU (here Chromium's SwiftShader adapter). Each worker has its own GPUDevice; both runs must
// finish, on webgpu, with the results the same spec gives, and free their tensors afterwards.
// docs/runtime.md describes what the sharing costs.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { generateSampleCsv } from '../../../src/data/index.ts';
import { createLab, type Lab } from '../../../src/index.ts';

let lab: Lab;
let dataset: string;

beforeAll(async () => {
  // SwiftShader compiles each WebGPU pipeline synchronously on the worker's thread; two workers
  // compiling at once on a loaded 2-core machine can go quiet for longer than the default 30 s
  // liveness timeout, which would then (wrongly) restart them.
  lab = await createLab({ backend: 'webgpu', workers: 2, heartbeat: { timeoutMs: 300_000 } });
  const sample = generateSampleCsv('classification', { rows: 240, seed: 31 });
  dataset = (await lab.loadDataset(new File([sample.csv], 'gpu.csv'), { target: sample.target, worker: 0 }))
    .id;
});
afterAll(async () => {
  await lab?.dispose();
});

const spec = {
  task: 'classification' as const,
  architecture: { type: 'mlp' as const, hidden: [16] },
  epochs: 8,
  batchSize: 32,
  learningRate: 0.02,
  seed: 5,
};

test('two workers train on webgpu at once: both finish on webgpu with identical results for the same spec, and leak nothing', async () => {
  const reports = await Promise.all([lab.runtime({ worker: 0 }), lab.runtime({ worker: 1 })]);
  expect(reports.map((r) => r.backend)).toEqual(['webgpu', 'webgpu']);
  expect(reports.map((r) => r.adapter?.architecture)).toEqual(['swiftshader', 'swiftshader']);
  const before = await Promise.all([lab.memory(0), lab.memory(1)]);

  const started = performance.now();
  const [a, b] = await Promise.all([
    lab.train(dataset, spec, { worker: 0 }).done,
    lab.train(dataset, spec, { worker: 1 }).done,
  ]);
  const together = performance.now() - started;
  const aloneStart = performance.now();
  const alone = await lab.train(dataset, spec, { worker: 0 }).done;
  const aloneMs = performance.now() - aloneStart;
  // A figure for docs/runtime.md, not an assertion (timing belongs in bench/).
  console.info(`two webgpu runs at once: ${Math.round(together)} ms; one alone: ${Math.round(aloneMs)} ms`);

  for (const run of [a, b, alone]) {
    expect(run.status).toBe('finished');
    expect(run.backend).toBe('webgpu');
    expect(run.history.length).toBe(spec.epochs);
    expect(run.metrics.accuracy).toBeGreaterThan(0.8);
  }
  // Same data, split, spec and seed: sharing the GPU must not change a single figure.
  const losses = (run: typeof a) => run.history.map((h) => h.loss);
  expect(losses(a)).toEqual(losses(b));
  expect(losses(a)).toEqual(losses(alone));
  expect(a.metrics.accuracy).toBe(b.metrics.accuracy);

  await Promise.all([lab.discardRun(a.id), lab.discardRun(b.id), lab.discardRun(alone.id)]);
  const after = await Promise.all([lab.memory(0), lab.memory(1)]);
  expect(after.map((m) => m.numTensors)).toEqual(before.map((m) => m.numTensors));
}, 600_000);
