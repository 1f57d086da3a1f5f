// The package's `#wasm-assets` import (package.json "imports") resolved to the sources, for the
// tools that build or run src/ directly (Vite's dev server and tests, the benchmarks' builds,
// rolldown): Node's variant (src/runtime/wasm-assets.node.ts) for code that runs in Node, the
// bundler's (`?url` assets) for pages and workers. A published package resolves the same import
// to dist/ through its "node" and "default" conditions.
import { fileURLToPath } from 'node:url';

const variant = (node) =>
  fileURLToPath(
    new URL(`../src/runtime/${node ? 'wasm-assets.node.ts' : 'wasm-assets.ts'}`, import.meta.url),
  );

/**
 * A Vite or rolldown plugin. `target`: 'node' or 'browser' for every import; by default Vite's own
 * answer for each one (server-side, as the unit tests run, means Node).
 * @param {{ target?: 'node' | 'browser' }} [options]
 */
export function wasmAssetsFromSources(options = {}) {
  return {
    name: 'edgeflow-wasm-assets-from-sources',
    enforce: 'pre',
    resolveId(id, _importer, resolveOptions) {
      if (id !== '#wasm-assets') return null;
      return variant(options.target ? options.target === 'node' : resolveOptions?.ssr === true);
    },
  };
}
