// Issue 18.8 and 18.10 on the lab page's data section, with a real lab: a user's file is kept and
// comes back in a new lab (a reloaded page) without the file; a failed load leads with its sentence,
// labels the dataset still shown and clears the file input; rowPolicy 'drop' reports ragged lines.
import { render } from 'preact';
import { afterAll, expect, test, vi } from 'vitest';
import { DataPanel, LAST_DATASET_KEY } from '../../../demo/data/data-panel.tsx';
import { datasetSource, datasetState } from '../../../demo/lab-state.ts';
import type { DatasetSummary } from '../../../src/data/index.ts';
import { createLab, type Lab } from '../../../src/index.ts';

const root = document.createElement('div');
document.body.append(root);
let lab: Lab | undefined;
afterAll(async () => {
  render(null, root);
  await lab?.dispose();
});

const suffix = Math.random().toString(36).slice(2, 8);
const good = [
  'size,shade,label',
  ...Array.from({ length: 30 }, (_, i) => `${i},${i % 3 ? 'dark' : 'light'},${i % 2 ? 'a' : 'b'}`),
]
  .join('\n')
  .concat(`\n99,${suffix},a\n`);
const ragged = 'size,shade,label\n1,dark,a\n2,light\n3,dark,b\n4,light,a,extra\n5,dark,b\n';

function chooseFile(text: string, name: string): void {
  const input = root.querySelector('[data-testid="data-file"]') as HTMLInputElement;
  const transfer = new DataTransfer();
  transfer.items.add(new File([text], name, { type: 'text/csv' }));
  input.files = transfer.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

const summary = (): string => root.querySelector('[data-testid="dataset-title"]')?.textContent ?? '';

test("a user's file is kept and reopens in a new lab without the file", async () => {
  localStorage.clear();
  lab = await createLab({ backend: 'cpu', workers: 1, heartbeat: { timeoutMs: 600_000 } });
  render(<DataPanel lab={lab} />, root);
  chooseFile(good, `mine-${suffix}.csv`);
  await vi.waitFor(() => expect(summary()).toContain(`mine-${suffix}.csv`), { timeout: 60_000 });
  const id = datasetState.value?.id as string;
  await vi.waitFor(() => expect(localStorage.getItem(LAST_DATASET_KEY)).toBe(id));
  expect((await lab.registry.listDatasets()).map((d) => d.fingerprint)).toContain(id);

  // "Reload": a new lab, no dataset in memory, the page state gone.
  render(null, root);
  datasetState.value = null;
  datasetSource.value = null;
  await lab.dispose();
  lab = await createLab({ backend: 'cpu', workers: 1, heartbeat: { timeoutMs: 600_000 } });
  render(<DataPanel lab={lab} />, root);
  await vi.waitFor(() => expect(summary()).toContain(`mine-${suffix}.csv`), { timeout: 60_000 });
  // (Read through functions: TypeScript keeps the narrowing from the assignments above.)
  const shown = (): DatasetSummary | null => datasetState.peek();
  const source = (): File | null => datasetSource.peek();
  expect(shown()?.id).toBe(id);
  expect(shown()?.rowCount).toBe(31);
  // The file came back too, so the schema stays editable.
  expect(source()?.name).toBe(`mine-${suffix}.csv`);
  const kept = root.querySelector('[data-testid="kept-choice"]') as HTMLSelectElement;
  await vi.waitFor(() => expect(kept.selectedOptions[0]?.textContent).toContain(`mine-${suffix}.csv`));
});

test("a failed load leads with the sentence, labels the dataset still shown and clears the file input; 'drop' reports ragged lines", async () => {
  chooseFile(ragged, 'ragged.csv');
  await vi.waitFor(() => expect(root.querySelector('[data-testid="data-error"]')).not.toBeNull(), {
    timeout: 60_000,
  });
  const error = root.querySelector('[data-testid="data-error"]') as HTMLElement;
  expect(error.querySelector('p')?.textContent).toMatch(/^Could not load ragged\.csv: Line 3 has 2 fields/);
  expect(root.querySelector('[data-testid="data-error-code"]')?.textContent).toBe('PARSE_ERROR');
  expect(root.querySelector('[data-testid="dataset-still-loaded"]')?.textContent).toContain('not ragged.csv');
  expect(root.querySelector('[data-testid="data-stale-note"]')?.textContent).toContain(
    `Still loaded: mine-${suffix}.csv`,
  );
  expect((root.querySelector('[data-testid="data-file"]') as HTMLInputElement).value).toBe('');

  const policy = root.querySelector('#row-policy') as HTMLSelectElement;
  policy.value = 'drop';
  policy.dispatchEvent(new Event('change', { bubbles: true }));
  await vi.waitFor(() => expect(policy.value).toBe('drop'));
  chooseFile(ragged, 'ragged.csv');
  await vi.waitFor(() => expect(summary()).toMatch(/^ragged\.csv: 3 rows/), { timeout: 60_000 });
  expect(root.querySelector('[data-testid="dataset-ragged-lines"]')?.textContent).toContain('lines 3, 5');
  expect(root.querySelector('[data-testid="data-error"]')).toBeNull();
});
