// The WASM backend's files for bundled apps (this package's `#wasm-assets` import outside Node):
// the bundler emits them next to the app, untouched (Vite's `?url` suffix), so they load from the
// app's own origin, never from a CDN: the three binaries, and the threaded build's script, which
// its pthread workers run as tfjs ships it (see wasm-threads.ts). Only `?url`: Vite's dependency
// optimizer keeps `?url` imports of an installed package for the dev server to serve, but cannot
// load `?raw` ones (the dev server of an app that installed edgeflow stopped at start-up). Plain
// Node gets wasm-assets.node.ts instead, which needs no bundler.
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import threadedModuleUrl from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js?url';
import type { WasmAssets } from './wasm-assets-types.ts';

export const WASM_ASSETS: WasmAssets = {
  binaries: {
    'tfjs-backend-wasm.wasm': wasmPlain,
    'tfjs-backend-wasm-simd.wasm': wasmSimd,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
  },
  threadedModuleUrl,
};
