import * as tf from '@tensorflow/tfjs';
import { afterEach, expect, test } from 'vitest';
import { probeCapabilities, resetCapabilitiesForTesting } from '../../../src/env.ts';
import { isEdgeflowError } from '../../../src/errors.ts';
import { createMemoryBackendCache } from '../../../src/runtime/backend-cache.ts';
import { missingKernels } from '../../../src/runtime/kernels.ts';
import { selectBackend } from '../../../src/runtime/select-backend.ts';

afterEach(() => {
  resetCapabilitiesForTesting();
});

test('inside a worker, webgpu starts on SwiftShader and a tiny model trains with falling loss and no leaks', async () => {
  const worker = new Worker(new URL('../../fixtures/runtime/webgpu-train.worker.ts', import.meta.url), {
    type: 'module',
  });
  const result = await new Promise<Record<string, unknown>>((resolve) => {
    worker.onmessage = (e) => resolve(e.data);
    worker.postMessage('go');
  });
  worker.terminate();
  expect(result.error).toBeUndefined();
  expect(result.backend).toBe('webgpu');
  expect(result.architecture).toBe('swiftshader');
  expect(result.context).toBe('dedicated-worker');
  const losses = result.losses as number[];
  expect(losses.at(-1)).toBeLessThan(losses[0] as number);
  expect(result.tensorsAfter).toBe(result.tensorsBefore);
});

test('asking for webgpu where navigator.gpu is missing gives BACKEND_UNAVAILABLE with the reason', async () => {
  const original = Object.getOwnPropertyDescriptor(Navigator.prototype, 'gpu');
  Object.defineProperty(Navigator.prototype, 'gpu', { configurable: true, get: () => undefined });
  try {
    resetCapabilitiesForTesting();
    const error = await selectBackend({ backend: 'webgpu' }).catch((e: unknown) => e);
    expect(isEdgeflowError(error, 'BACKEND_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toContain('navigator.gpu is missing');
    // 'first' passes over webgpu and records why.
    const first = await selectBackend({ backend: 'first' });
    expect(first.backend).not.toBe('webgpu');
    expect(first.rejected.find((r) => r.backend === 'webgpu')?.reason).toContain('navigator.gpu is missing');
  } finally {
    if (original) Object.defineProperty(Navigator.prototype, 'gpu', original);
  }
});

test('an unknown backend name is INVALID_ARGUMENT listing the valid names', async () => {
  const error = await selectBackend({ backend: 'gpu' as never }).catch((e: unknown) => e);
  expect(isEdgeflowError(error, 'INVALID_ARGUMENT')).toBe(true);
  expect((error as Error).message).toBe(
    'Unknown backend "gpu". Use one of: webgpu, webgl, wasm, cpu, first, auto.',
  );
});

test('wasm cannot train a CNN (no Conv2DBackpropFilter): explicit request fails, first/auto skip it with the reason', async () => {
  await tf.setBackend('wasm').catch(() => false);
  const error = await selectBackend({ backend: 'wasm', job: 'conv-train' }).catch((e: unknown) => e);
  expect(isEdgeflowError(error, 'BACKEND_UNAVAILABLE')).toBe(true);
  expect((error as Error).message).toContain('Conv2DBackpropFilter');
  expect(missingKernels('wasm', 'dense-train')).toEqual([]);
  expect(missingKernels('cpu', 'conv-train')).toEqual([]);

  const auto = await selectBackend({ backend: 'auto', job: 'conv-train', cache: null });
  expect(auto.backend).not.toBe('wasm');
  const wasmFigure = auto.probe?.find((p) => p.backend === 'wasm');
  expect(wasmFigure?.samplesPerSecond).toBeNull();
  expect(wasmFigure?.skipped).toContain('Conv2DBackpropFilter');
});

test("'auto' measures once, caches per device, and reuses the cached choice without probing", async () => {
  const cache = createMemoryBackendCache();
  const first = await selectBackend({ backend: 'auto', cache });
  expect(first.fromCache).toBe(false);
  const measured = first.probe?.filter((p) => p.samplesPerSecond !== null) ?? [];
  expect(measured.length).toBeGreaterThanOrEqual(2);
  const fastest = [...measured].sort((a, b) => (b.samplesPerSecond ?? 0) - (a.samplesPerSecond ?? 0))[0];
  expect(first.backend).toBe(fastest?.backend);
  expect(tf.getBackend()).toBe(first.backend);

  const second = await selectBackend({ backend: 'auto', cache });
  expect(second.fromCache).toBe(true);
  expect(second.backend).toBe(first.backend);
  expect(second.probe).toEqual(first.probe);
});

test('the capability report is frozen and describes the page', async () => {
  const caps = await probeCapabilities();
  expect(Object.isFrozen(caps)).toBe(true);
  expect(Object.isFrozen(caps.webgpu)).toBe(true);
  expect(caps.wasm.available).toBe(true);
  expect(caps.wasm.simd).toBe(true);
  // WASM threads need SharedArrayBuffer, which only cross-origin isolated pages get.
  expect(caps.wasm.threads).toBe(caps.crossOriginIsolated);
  expect(caps.storage?.quota).toBeGreaterThan(0);
});
