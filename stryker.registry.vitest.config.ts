import { defineConfig } from 'vitest/config';
import base from './stryker.vitest.config.ts';

/**
 * The Vitest setup of `stryker.registry.config.json`: the registry's own Node tests only (its
 * contract run against the memory store, and the registry-mutation-* files). Other unit tests that
 * happen to use the registry are left out, so each mutant loads a few small files instead of every
 * tfjs test that touches a registry; the score it gives is a lower bound of the full suite's.
 */
export default defineConfig({
  ...base,
  test: { ...base.test, include: ['test/unit/registry/**/*.test.ts'] },
});
