// Issue 18.16: while the lab chooses its backend (the 'auto' probe, seconds on a first visit), the
// runtime panel says what is happening and that a Train click waits; once chosen, it names it.
import { render } from 'preact';
import { afterEach, expect, test, vi } from 'vitest';
import { RuntimePanel } from '../../../demo/runtime-panel.tsx';
import { runtimeStatus } from '../../../demo/runtime-state.ts';
import { createLab, type Lab } from '../../../src/index.ts';

const root = document.createElement('div');
document.body.append(root);
let lab: Lab | undefined;
afterEach(async () => {
  render(null, root);
  await lab?.dispose();
  lab = undefined;
  runtimeStatus.value = { phase: 'idle' };
});

test('while the probe runs, the runtime panel says what it does, for how long, and that Train waits', async () => {
  // No cached choice: the probe really runs (it takes seconds: each backend trains a small model).
  await new Promise<void>((resolve, reject) => {
    const request = indexedDB.deleteDatabase('edgeflow-runtime');
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
  });
  lab = await createLab({ backend: 'auto', workers: 1, heartbeat: { timeoutMs: 600_000 } });
  render(<RuntimePanel lab={lab} />, root);
  await vi.waitFor(() => expect(root.querySelector('[data-testid="runtime-choosing"]')).not.toBeNull());
  const text = root.querySelector('[data-testid="runtime-choosing"]')?.textContent ?? '';
  expect(text).toMatch(/^Choosing a backend \(\d+ s\)/);
  expect(text).toContain('keeps the fastest');
  expect(text).toContain('a Train click now waits in a queue');
  expect(runtimeStatus.value.phase).toBe('choosing');
  // The seconds count up while it runs.
  await vi.waitFor(
    () =>
      expect(root.querySelector('[data-testid="runtime-choosing"]')?.textContent).toMatch(
        /^Choosing a backend \([1-9]\d* s\)/,
      ),
    { timeout: 10_000 },
  );
});

test('once the backend is chosen the panel names it and the page state is ready', async () => {
  lab = await createLab({ backend: 'cpu', workers: 1 });
  render(<RuntimePanel lab={lab} />, root);
  await vi.waitFor(() => expect(root.querySelector('[data-testid="backend"]')?.textContent).toBe('cpu'), {
    timeout: 60_000,
  });
  expect(root.querySelector('[data-testid="runtime-choosing"]')).toBeNull();
  expect(runtimeStatus.value.phase).toBe('ready');
});
