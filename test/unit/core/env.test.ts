import { expect, test } from 'vitest';
import { isWorkerContext, probeCapabilities } from '../../../src/env.ts';

test('in Node the probe reports node, WASM with SIMD, no WebGPU or IndexedDB, and freezes the report', async () => {
  const caps = await probeCapabilities();
  expect(caps.context).toBe('node');
  expect(isWorkerContext()).toBe(false);
  expect(caps.wasm.available).toBe(true);
  expect(caps.wasm.simd).toBe(true);
  expect(caps.webgpu.available).toBe(false);
  expect(caps.webgpu.reason).toContain('navigator.gpu is missing');
  expect(caps.indexedDb).toBe(false);
  expect(Object.isFrozen(caps.wasm)).toBe(true);
  expect(await probeCapabilities()).toBe(caps);
});
