import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

/**
 * The Vitest setup Stryker runs (npm run mutate): Node tests only, one project, no browser. Mutants
 * in code only browser tests reach (IndexedDB, workers) are reported as "no coverage", which is the
 * honest answer.
 */
export default defineConfig({
  resolve: {
    alias: [
      { find: /^edgeflow\/data$/, replacement: here('./src/data/index.ts') },
      { find: /^edgeflow\/registry$/, replacement: here('./src/registry/index.ts') },
      { find: /^edgeflow\/schemas$/, replacement: here('./src/schemas/index.ts') },
      { find: /^edgeflow\/errors$/, replacement: here('./src/errors.ts') },
      { find: /^edgeflow$/, replacement: here('./src/index.ts') },
    ],
  },
  test: {
    root: here('.'),
    // The unit tests only. The training loop (src/train/train-model.ts) is pinned down by
    // test/unit/train/train-model-loop.test.ts on tiny models (seconds per mutant); the browser
    // training tests (test/browser/train/, accuracy on real-sized fits, ~17 s) stay out, since every
    // mutant of the loop reran them all (docs/mutation.md).
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
