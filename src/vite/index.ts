// Public barrel of edgeflow/vite: the Vite plugin for apps that install edgeflow. Runs in Node,
// inside the app's Vite config; imports nothing from the rest of the package (and Vite's types only).
//
// Why an app needs it. Vite's dev server pre-bundles installed packages into single files under
// node_modules/.vite/deps, and two things edgeflow's files rely on do not survive that:
// `new URL('../../workers/lab.worker.js', import.meta.url)` (the lab's worker; pre-bundled, it
// points next to the bundle and the worker 404s), and the untouched script of tfjs's threaded WASM
// build (`?url` of a .js file, which the pre-bundler cannot load: the dev server stops at start-up).
// So edgeflow is served as it was published (excluded from pre-bundling), and the CommonJS and ESM
// packages it imports are pre-bundled for it instead, as Vite's docs advise for an excluded package.
// The lab's worker has dynamic imports, which `vite build` can only split in ES-module workers.
import type { Plugin } from 'vite';

/** Options of `edgeflow()`. */
export interface EdgeflowViteOptions {
  /**
   * Serve pages cross-origin isolated from `vite` and `vite preview` (COOP `same-origin`, COEP
   * `require-corp`), which WASM threads need. Default true. Turn it off when the app embeds
   * cross-origin resources that send neither CORP nor CORS headers; WASM then runs single-threaded.
   * Production hosting must send the same two headers itself.
   */
  readonly crossOriginIsolation?: boolean;
}

/** The packages edgeflow's browser code imports at run time: pre-bundled for it (`edgeflow > …`). */
export const EDGEFLOW_RUNTIME_DEPENDENCIES: readonly string[] = [
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-backend-webgpu',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js',
  '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js',
  '@opentelemetry/api',
  '@opentelemetry/resources',
  '@opentelemetry/sdk-metrics',
  'comlink',
  'fflate',
  'idb',
  'udsv',
  'zod',
  'zod/mini',
];

const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * The Vite plugin an app that installs edgeflow adds to its config (`plugins: [edgeflow()]`), so
 * that the lab's workers, WASM threads and the WASM binaries work under `vite` (the dev server) as
 * they do after `vite build`.
 */
export function edgeflow(options: EdgeflowViteOptions = {}): Plugin {
  const isolate = options.crossOriginIsolation ?? true;
  return {
    name: 'edgeflow',
    config: () => ({
      optimizeDeps: {
        exclude: ['edgeflow'],
        include: EDGEFLOW_RUNTIME_DEPENDENCIES.map((dependency) => `edgeflow > ${dependency}`),
      },
      worker: { format: 'es' },
      ...(isolate ? { server: { headers: ISOLATION_HEADERS }, preview: { headers: ISOLATION_HEADERS } } : {}),
    }),
  };
}
