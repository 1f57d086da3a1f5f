import { afterEach, expect, test } from 'vitest';
import { createLab, isEdgeflowError, type Lab } from '../../src/index.ts';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.dispose();
  lab = undefined;
});

test('a lab worker reports its runtime and capabilities from inside the worker', async () => {
  lab = await createLab({ backend: 'cpu', workers: 1 });
  const report = await lab.runtime();
  expect(report.backend).toBe('cpu');
  expect(report.reason).toBe('Requested explicitly.');
  expect(report.capabilities.context).toBe('dedicated-worker');
  // Issue 16, point 1: the test page is cross-origin isolated, so the worker's WASM runs threaded.
  expect(report.wasmThreads).toEqual({ enabled: true, reason: null });
});

test("'auto' in a worker probes once per device; a second lab reuses the cached choice", async () => {
  await new Promise<void>((resolve, reject) => {
    const request = indexedDB.deleteDatabase('edgeflow-runtime');
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
  });
  lab = await createLab({ backend: 'auto', workers: 1 });
  const first = await lab.runtime();
  expect(first.fromCache).toBe(false);
  expect(first.probe?.some((p) => p.samplesPerSecond !== null)).toBe(true);
  await lab.dispose();

  lab = await createLab({ backend: 'auto', workers: 1 });
  const second = await lab.runtime();
  expect(second.fromCache).toBe(true);
  expect(second.backend).toBe(first.backend);
});

test("two workers starting 'auto' together probe once: the second waits and takes the cached choice (regression guard: concurrent probes hung the demo)", async () => {
  await new Promise<void>((resolve, reject) => {
    const request = indexedDB.deleteDatabase('edgeflow-runtime');
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
  });
  lab = await createLab({ backend: 'auto', workers: 2 });
  const reports = await Promise.all([lab.runtime({ worker: 0 }), lab.runtime({ worker: 1 })]);
  expect(reports.map((r) => r.fromCache).sort()).toEqual([false, true]);
  expect(reports[0]?.backend).toBe(reports[1]?.backend);
});

test('an EdgeflowError thrown in the worker arrives on the main thread with its code and details', async () => {
  lab = await createLab({ backend: 'gpu' as never, workers: 1 });
  const error = await lab.runtime().catch((e: unknown) => e);
  expect(isEdgeflowError(error, 'INVALID_ARGUMENT')).toBe(true);
  expect((error as Error).message).toContain('Use one of: webgpu, webgl, wasm, cpu, first, auto');
  expect((error as { details: Record<string, unknown> }).details.backend).toBe('gpu');
});

test('terminating a worker mid-call rejects the call with WORKER_CRASHED within a second; the slot restarts', async () => {
  lab = await createLab({ backend: 'cpu', workers: 2 });
  await lab.runtime({ worker: 1 });
  const pending = lab.measureBackends({
    inputs: 784,
    hidden: [512, 512],
    classes: 10,
    batchSize: 512,
    steps: 50,
  });
  await new Promise((r) => setTimeout(r, 300));
  lab.terminateWorker(0);
  const timeout = new Promise((resolve) => setTimeout(() => resolve('still pending after 1 s'), 1000));
  const outcome = await Promise.race([pending.catch((e: unknown) => e), timeout]);
  expect(isEdgeflowError(outcome, 'WORKER_CRASHED')).toBe(true);
  // The other worker is untouched, and the terminated slot answers again with a fresh worker.
  expect((await lab.runtime({ worker: 1 })).backend).toBe('cpu');
  expect((await lab.runtime({ worker: 0 })).backend).toBe('cpu');
});

test('an uncaught error inside a worker rejects its pending call with WORKER_CRASHED', async () => {
  lab = await createLab({
    workers: 1,
    createWorker: () =>
      new Worker(new URL('../fixtures/runtime/crashing.worker.ts', import.meta.url), { type: 'module' }),
  });
  const error = await lab.runtime().catch((e: unknown) => e);
  expect(isEdgeflowError(error, 'WORKER_CRASHED')).toBe(true);
  expect((error as Error).message).toContain('boom from the crashing fixture');
});

test('a disposed lab refuses calls with DISPOSED', async () => {
  lab = await createLab({ backend: 'cpu', workers: 1 });
  await lab.dispose();
  const error = await lab.runtime().catch((e: unknown) => e);
  expect(isEdgeflowError(error, 'DISPOSED')).toBe(true);
});
