// Issue 18.9 and 18.16 on the lab page's train section, with a real lab (workers, IndexedDB):
// a double click on Train starts one run per candidate; every run shows a short id and can be
// renamed (its `name:` tag changes in the registry); a click while the backend is still being
// chosen waits in a visible queue and starts when the choice is made.
import { render } from 'preact';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { liveRunsState } from '../../../demo/lab-state.ts';
import { runtimeStatus } from '../../../demo/runtime-state.ts';
import { TrainPanel } from '../../../demo/train/train-panel.tsx';
import type { DatasetSummary } from '../../../src/data/index.ts';
import { createLab, type Lab } from '../../../src/index.ts';

let lab: Lab;
let dataset: DatasetSummary;
const root = document.createElement('div');
document.body.append(root);

beforeAll(async () => {
  lab = await createLab({ backend: 'cpu', workers: 2 });
  const rows = Array.from({ length: 60 }, (_, i) => `${i % 10},${(i * 3) % 7},${i % 3 === 0 ? 'yes' : 'no'}`);
  dataset = await lab.loadDataset(
    { text: ['a,b,label', ...rows].join('\n'), name: 'tiny.csv' },
    { target: 'label' },
  );
  runtimeStatus.value = { phase: 'ready', report: await lab.runtime() };
});
afterAll(async () => {
  render(null, root);
  await lab?.dispose();
});

const trainButton = (): HTMLButtonElement =>
  root.querySelector('[data-testid="train-all"]') as HTMLButtonElement;

async function allSettled(): Promise<void> {
  await Promise.allSettled(liveRunsState.value.map((r) => r.handle.done));
}

test('a double click on Train starts one run per candidate, and the button is disabled while they start', async () => {
  render(<TrainPanel lab={lab} dataset={dataset} />, root);
  await vi.waitFor(() => expect(trainButton().disabled).toBe(false));
  // Two clicks in a row, as a double click delivers them (no render in between).
  trainButton().click();
  trainButton().click();
  expect(liveRunsState.value).toHaveLength(2);
  await vi.waitFor(() => expect(trainButton().disabled).toBe(true));
  expect(trainButton().textContent).toContain('Starting');
  await allSettled();
  expect(liveRunsState.value).toHaveLength(2);
  const stored = await lab.runs.list({ datasetFingerprint: dataset.id });
  expect(stored.total).toBe(2);
  await vi.waitFor(() => expect(trainButton().disabled).toBe(false));
});

test('each run shows its short id and is renamed through its name tag', async () => {
  const [first] = liveRunsState.value;
  if (!first) throw new Error('no run');
  await vi.waitFor(() => expect(root.querySelectorAll('[data-testid="run-short-id"]')).toHaveLength(2));
  const ids = [...root.querySelectorAll('[data-testid="run-short-id"]')].map((e) => e.textContent);
  expect(ids).toContain(`#${first.runId.slice(0, 8)}`);
  expect(new Set(ids).size).toBe(2);
  const slot = [...root.querySelectorAll('[data-testid="run-name"]')].find((e) =>
    e.textContent?.includes(first.runId.slice(0, 8)),
  ) as HTMLElement;
  (slot.querySelector('button') as HTMLButtonElement).click();
  const input = (await vi.waitFor(() => {
    const found = slot.querySelector('[data-testid="run-name-input"]');
    if (!found) throw new Error('no input yet');
    return found;
  })) as HTMLInputElement;
  input.value = 'baseline, lr 0.01';
  input.dispatchEvent(new Event('input', { bubbles: true }));
  (slot.querySelector('form') as HTMLFormElement).requestSubmit();
  await new Promise((r) => setTimeout(r, 1500));
  console.log(
    'DEBUG',
    slot.isConnected,
    slot.outerHTML,
    root.querySelectorAll('[data-testid="run-name"]').length,
  );
  await vi.waitFor(() =>
    expect(slot.querySelector('[data-testid="run-display-name"]')?.textContent).toBe('baseline, lr 0.01'),
  );
  const run = await lab.runs.get(first.runId);
  expect(run.tags.filter((t) => t.startsWith('name:'))).toEqual(['name:baseline, lr 0.01']);
  expect(liveRunsState.value.find((r) => r.runId === first.runId)?.name).toBe('baseline, lr 0.01');
});

test('a Train click while the backend is being chosen is queued visibly and starts when it is chosen', async () => {
  const ready = runtimeStatus.value;
  runtimeStatus.value = { phase: 'choosing', since: Date.now(), reprobe: false };
  await vi.waitFor(() => expect(trainButton().disabled).toBe(false));
  trainButton().click();
  trainButton().click();
  await vi.waitFor(() =>
    expect(root.querySelector('[data-testid="train-queued"]')?.textContent).toContain(
      'Queued: 2 candidates start when the lab has chosen its backend',
    ),
  );
  expect(trainButton().disabled).toBe(true);
  expect(liveRunsState.value).toHaveLength(2);
  runtimeStatus.value = ready;
  await vi.waitFor(() => expect(liveRunsState.value).toHaveLength(4));
  expect(root.querySelector('[data-testid="train-queued"]')).toBeNull();
  await allSettled();
  expect((await lab.runs.list({ datasetFingerprint: dataset.id })).total).toBe(4);
});
