// The package's own `#…` imports (package.json "imports", e.g. `#wasm-assets`) resolved through
// their `edgeflow-source` branch, for the tools that build or run src/ directly (Vite's dev server
// and tests, the benchmarks' builds, rolldown): its `node` file for code that runs in Node, its
// `default` file for pages and workers. tsc reads the same branch (`customConditions`); a
// published package resolves the imports to dist/ through their outer `node` and `default`.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('..', import.meta.url);
const { imports } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));

/**
 * A Vite or rolldown plugin. `target`: 'node' or 'browser' for every import; by default Vite's own
 * answer for each one (server-side, as the unit tests run, means Node).
 * @param {{ target?: 'node' | 'browser' }} [options]
 */
export function packageImportsFromSources(options = {}) {
  return {
    name: 'edgeflow-package-imports-from-sources',
    enforce: 'pre',
    resolveId(id, _importer, resolveOptions) {
      const sources = imports[id]?.['edgeflow-source'];
      if (!sources) return null;
      const node = options.target ? options.target === 'node' : resolveOptions?.ssr === true;
      return fileURLToPath(new URL(node ? sources.node : sources.default, root));
    },
  };
}
