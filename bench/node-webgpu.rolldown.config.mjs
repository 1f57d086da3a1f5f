// Bundles bench/node-webgpu.ts into one ESM file for a GPU machine without Node modules:
// `npx rolldown -c bench/node-webgpu.rolldown.config.mjs` writes bench/out/node-webgpu.mjs.
// `module` entries first, so tfjs and its webgpu backend share one tfjs-core.
import { packageImportsFromSources } from '../scripts/package-imports-from-sources.mjs';

export default {
  input: 'bench/node-webgpu.ts',
  platform: 'node',
  external: ['webgpu'],
  resolve: { mainFields: ['module', 'main'] },
  // `#wasm-assets`: Node's variant (tfjs finds its own binaries; no `?url` assets in Node).
  plugins: [packageImportsFromSources({ target: 'node' })],
  output: { file: 'bench/out/node-webgpu.mjs', format: 'esm', codeSplitting: false },
};
