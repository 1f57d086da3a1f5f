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
    // The unit tests, plus the training-loop tests: they only need tfjs's cpu backend, which runs in
    // Node too, and without them every mutant of src/train/train-model.ts would go unseen.
    include: [
      'test/unit/**/*.test.ts',
      'test/browser/train/train-model.test.ts',
      'test/browser/train/stopping.test.ts',
    ],
    environment: 'node',
    testTimeout: 60_000,
  },
});
