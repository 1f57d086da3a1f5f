import { expect, test } from 'vitest';
import { probeCapabilities } from '../../src/env.ts';

test('the page sees WebGPU through SwiftShader', async () => {
  const caps = await probeCapabilities();
  expect(caps.context).toBe('window');
  expect(caps.webgpu.available).toBe(true);
  expect(caps.webgpu.adapter?.architecture).toBe('swiftshader');
  expect(caps.indexedDb).toBe(true);
});
