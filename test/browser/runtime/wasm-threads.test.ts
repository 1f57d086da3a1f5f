// Issue 16, point 1: the WASM backend runs multi-threaded inside bundled module workers (the lab's
// and any other), because the pthread workers get tfjs's untouched script instead of the source
// text of a bundled factory (src/runtime/wasm-threads.ts).
import * as tf from '@tensorflow/tfjs';
import { afterEach, expect, test } from 'vitest';
import { createLab, type Lab } from '../../../src/index.ts';
import { activateBackend } from '../../../src/runtime/backends.ts';
import { fetchThreadedScript } from '../../../src/runtime/wasm-threads.ts';
import { errorOf } from '../../helpers/error-code.ts';

interface FixtureResult {
  ok: boolean;
  error?: string;
  report: { enabled: boolean; reason: string | null };
  backend: string;
  threadsCount: number;
  losses: number[];
  accuracy: number;
  weights: number[];
  tensorsBefore: number;
  tensorsAfter: number;
}

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.dispose();
  lab = undefined;
});

function trainInFixture(threads: boolean): Promise<FixtureResult> {
  const worker = new Worker(new URL('../../fixtures/runtime/wasm-threads.worker.ts', import.meta.url), {
    type: 'module',
  });
  return new Promise<FixtureResult>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<FixtureResult>) => resolve(e.data);
    worker.onerror = (e) => reject(new Error(e.message));
    worker.postMessage({ threads });
  }).finally(() => worker.terminate());
}

test('the test page is cross-origin isolated (the precondition for WASM threads)', () => {
  expect(crossOriginIsolated).toBe(true);
});

test('a lab worker on a cross-origin isolated page runs WASM with threads and trains with them', async () => {
  lab = await createLab({ backend: 'wasm', workers: 1 });
  const report = await lab.runtime();
  expect(report.backend).toBe('wasm');
  expect(report.wasmThreads).toEqual({ enabled: true, reason: null });
  expect(report.capabilities.context).toBe('dedicated-worker');

  const { generateSampleCsv } = await import('../../../src/data/index.ts');
  const sample = generateSampleCsv('classification', { rows: 300, seed: 21 });
  const dataset = await lab.loadDataset(new File([sample.csv], 'threads.csv'), { target: sample.target });
  const run = await lab.train(dataset.id, {
    task: 'classification',
    architecture: { type: 'mlp', hidden: [32] },
    epochs: 20,
    batchSize: 32,
    learningRate: 0.01,
    seed: 3,
  }).done;
  expect(run.status).toBe('finished');
  expect(run.backend).toBe('wasm');
  expect(run.metrics.accuracy).toBeGreaterThan(0.6);
});

test('threaded and single-threaded WASM train the same seeded model to the same weights', async () => {
  const threaded = await trainInFixture(true);
  const single = await trainInFixture(false);
  expect(threaded.error).toBeUndefined();
  expect(single.error).toBeUndefined();
  expect(threaded.report).toEqual({ enabled: true, reason: null });
  expect(single.report).toEqual({
    enabled: false,
    reason: 'Turned off by configureWasm({ threads: false }).',
  });
  expect(threaded.backend).toBe('wasm');
  expect(single.backend).toBe('wasm');
  // XNNPACK's pool has one thread per logical core; the single-threaded build has exactly one.
  expect(threaded.threadsCount).toBe(navigator.hardwareConcurrency);
  expect(single.threadsCount).toBe(1);

  expect(threaded.losses.at(-1)).toBeLessThan((threaded.losses[0] as number) / 2);
  expect(threaded.accuracy).toBeGreaterThan(0.9);
  expect(threaded.weights.length).toBe(single.weights.length);
  const worst = threaded.weights.reduce((m, w, i) => Math.max(m, Math.abs(w - (single.weights[i] ?? 0))), 0);
  expect(worst).toBeLessThan(1e-4);
  expect(threaded.tensorsAfter).toBe(threaded.tensorsBefore);
  expect(single.tensorsAfter).toBe(single.tensorsBefore);
});

test("tfjs's threaded script is fetched as the bundler emitted it; a missing one or a page in its place is BACKEND_UNAVAILABLE naming the URL", async () => {
  const { WASM_ASSETS } = await import('#wasm-assets');
  const url = WASM_ASSETS.threadedModuleUrl as string;
  const script = await fetchThreadedScript(url);
  // tfjs's untouched script: it defines the global the pthread workers call.
  expect(script).toContain('WasmBackendModuleThreadedSimd');
  expect(script.length).toBeGreaterThan(10_000);

  const missing = await errorOf(fetchThreadedScript('/no-such-dir/tfjs-threaded.js'));
  expect(missing.code).toBe('BACKEND_UNAVAILABLE');
  expect(missing.message).toContain('/no-such-dir/tfjs-threaded.js');
  expect(missing.details).toMatchObject({ backend: 'wasm', url: '/no-such-dir/tfjs-threaded.js' });
  expect(String(missing.details?.reason)).toMatch(/^HTTP 404$|^an HTML page came back/);

  // A page in place of the script: what an app server's fallback for unknown paths answers.
  const pageUrl = URL.createObjectURL(new Blob(['<!doctype html><p>index</p>'], { type: 'text/html' }));
  const page = await errorOf(fetchThreadedScript(pageUrl));
  URL.revokeObjectURL(pageUrl);
  expect(page.code).toBe('BACKEND_UNAVAILABLE');
  expect(String(page.details?.reason)).toMatch(/^an HTML page came back \(text\/html/);
});

// Last in this file: it starts the WASM backend on this page.
test('when the threaded script cannot be fetched, activateBackend says so, naming the URL (tfjs alone only logs it)', async () => {
  const { WASM_ASSETS } = await import('#wasm-assets');
  const url = WASM_ASSETS.threadedModuleUrl as string;
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) =>
    String(input) === url ? new Response('not here', { status: 404 }) : realFetch(input, init);
  try {
    const error = await errorOf(activateBackend('wasm'));
    expect(error.code).toBe('BACKEND_UNAVAILABLE');
    expect(error.message).toContain(url);
    expect(error.details).toEqual({ backend: 'wasm', url, reason: 'HTTP 404' });
  } finally {
    globalThis.fetch = realFetch;
  }
  // With the script served again, the same page starts threaded WASM.
  await activateBackend('wasm');
  expect(tf.getBackend()).toBe('wasm');
});
