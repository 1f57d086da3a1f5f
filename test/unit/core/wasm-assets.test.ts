// In Node the package's `#wasm-assets` import is its Node variant (package.json "imports", `node`
// condition; here through scripts/package-imports-from-sources.mjs): no bundler asset URLs, and
// the WASM backend says why it runs single-threaded. The built package's Node import is checked in
// package-exports.test.ts, the bundler variant in the browser and e2e tests.

import { expect, test } from 'vitest';
import { WASM_ASSETS } from '#wasm-assets';
import { configureWasm } from '../../../src/runtime/backends.ts';

test('Node gets no asset URLs (tfjs reads its own binaries) and no threaded script', () => {
  expect(WASM_ASSETS).toEqual({ binaries: null, threadedModuleUrl: null });
});

test('the WASM backend in Node runs single-threaded and says why, whatever the options', () => {
  expect(configureWasm({ wasm: { simd: true, threads: true } })).toEqual({
    enabled: false,
    reason: "tfjs's threaded WASM build runs in browsers only; here the WASM backend runs single-threaded.",
  });
});
