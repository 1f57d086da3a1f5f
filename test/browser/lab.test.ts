import { afterEach, expect, test } from 'vitest';
import { createLab, type Lab } from '../../src/index.ts';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.dispose();
  lab = undefined;
});

test('a lab worker reports its runtime from inside the worker', async () => {
  lab = await createLab({ backend: 'cpu', workers: 1 });
  const report = await lab.runtime();
  expect(report.backend).toBe('cpu');
  expect(report.capabilities.context).toBe('dedicated-worker');
});
