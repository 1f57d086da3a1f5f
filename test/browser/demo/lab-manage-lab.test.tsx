// Issue 18, points 12–14 on the lab page's parts with a real lab (workers, IndexedDB): the runs
// table's filter, notes and tags, CSV export and delete; "try the model" on a typed row and a CSV;
// the experiment setup's k-fold runs and their cross-validation summary.
import { render } from 'preact';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { CrossValidationTable } from '../../../demo/compare/cross-validation.tsx';
import { RunsTable } from '../../../demo/compare/runs-table.tsx';
import { datasetState, refreshStoredRuns, storedRunsState } from '../../../demo/lab-state.ts';
import { experimentState, startCandidate } from '../../../demo/train/experiment.ts';
import { DEFAULT_EXPERIMENT, presetForm } from '../../../demo/train/presets.ts';
import { TryPanel } from '../../../demo/try/try-panel.tsx';
import { generateSampleCsv } from '../../../src/data/index.ts';
import { createLab, type Lab } from '../../../src/index.ts';

/** `vi.waitFor` with room for a busy machine (two cores shared by several test runs). */
function until<T>(check: () => T | Promise<T>, _options?: { timeout?: number }): Promise<T> {
  return vi.waitFor(check, { timeout: 60_000, interval: 50 });
}

const root = document.createElement('div');
document.body.append(root);
let lab: Lab;
const suffix = Math.random().toString(36).slice(2, 8);
const tiny = {
  task: 'classification' as const,
  architecture: { type: 'mlp' as const, hidden: [8] },
  epochs: 2,
  batchSize: 32,
  learningRate: 0.01,
  seed: 3,
};

beforeAll(async () => {
  lab = await createLab({ backend: 'cpu', workers: 2, heartbeat: { timeoutMs: 600_000 } });
  const sample = generateSampleCsv('classification', { rows: 240, seed: 21 });
  datasetState.value = await lab.loadDataset(new File([sample.csv], `manage-${suffix}.csv`), {
    target: sample.target,
  });
});
afterAll(async () => {
  render(null, root);
  await lab?.dispose();
});

const rowsShown = (): number => root.querySelectorAll('[data-testid="runs-row"]').length;
const byTestId = <T extends HTMLElement>(id: string): T => root.querySelector(`[data-testid="${id}"]`) as T;
function type(element: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  element.value = value;
  element.dispatchEvent(new Event('input', { bubbles: true }));
}

function renderTable(): void {
  const dataset = datasetState.value;
  const runs = storedRunsState.value.filter((r) => r.datasetFingerprint === dataset?.fingerprint);
  render(
    <RunsTable lab={lab} runs={runs} task="classification" selected={[]} onToggle={() => undefined} />,
    root,
  );
}

test('runs table: filter by text and status, notes and tags saved, CSV of the shown runs, delete', async () => {
  const id = datasetState.value?.id as string;
  const first = await lab.train(id, tiny, { tags: [`name:alpha-${suffix}`] }).done;
  await lab.train(id, { ...tiny, seed: 4 }, { tags: [`name:beta-${suffix}`] }).done;
  await refreshStoredRuns(lab);
  const unsubscribe = storedRunsState.subscribe(renderTable);
  await until(() => expect(rowsShown()).toBe(2));

  type(byTestId('runs-filter'), `alpha-${suffix}`);
  await until(() => expect(rowsShown()).toBe(1));
  expect(byTestId('runs-shown').textContent).toBe('1 of 2 shown');

  // Notes and tags: saved through lab.runs.annotate, the name tag kept.
  byTestId('run-edit').click();
  await until(() => expect(byTestId('run-editor')).toBeTruthy());
  type(byTestId<HTMLTextAreaElement>('run-notes'), 'lr too high?');
  type(byTestId('run-tags'), 'keep, baseline, keep');
  // Let Preact render the typed values before the click, as between a user's key presses and click.
  await new Promise((resolve) => setTimeout(resolve, 20));
  byTestId('run-save').click();
  await until(async () => expect((await lab.runs.get(first.id)).notes).toBe('lr too high?'));
  expect((await lab.runs.get(first.id)).tags).toEqual([`name:alpha-${suffix}`, 'keep', 'baseline']);
  await until(() =>
    expect([...root.querySelectorAll('[data-testid="run-tag"]')].map((t) => t.textContent)).toEqual([
      'keep',
      'baseline',
    ]),
  );
  type(byTestId('runs-filter'), 'baseline');
  await until(() => expect(rowsShown()).toBe(1));
  type(byTestId('runs-filter'), 'no-such-run');
  await until(() => expect(byTestId('runs-none-match')).toBeTruthy());
  type(byTestId('runs-filter'), '');
  const status = byTestId<HTMLSelectElement>('runs-status-filter');
  status.value = 'failed';
  status.dispatchEvent(new Event('change', { bubbles: true }));
  await until(() => expect(rowsShown()).toBe(0));
  status.value = '';
  status.dispatchEvent(new Event('change', { bubbles: true }));
  await until(() => expect(rowsShown()).toBe(2));

  // CSV export: the file handed to the browser holds the shown runs.
  const blobs: Blob[] = [];
  const create = vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
    blobs.push(blob as Blob);
    return 'blob:runs';
  });
  byTestId('runs-export-csv').click();
  await until(() => expect(blobs).toHaveLength(1));
  create.mockRestore();
  const csv = await (blobs[0] as Blob).text();
  expect(csv.split('\r\n').filter(Boolean)).toHaveLength(3);
  expect(csv).toContain(first.id);

  // Delete, confirmed in a dialog: the run is gone from the registry and the table.
  type(byTestId('runs-filter'), `alpha-${suffix}`);
  await until(() => expect(rowsShown()).toBe(1));
  byTestId('run-delete').click();
  await until(() => expect(document.querySelector('dialog[open]')).toBeTruthy());
  (document.querySelector('dialog[open] [data-testid="confirm"]') as HTMLElement).click();
  await until(async () => expect(await lab.runs.get(first.id).catch((e) => e.code)).toBe('RUN_NOT_FOUND'));
  await until(() => expect(rowsShown()).toBe(0));
  unsubscribe();
  render(null, root);
});

test('try the model: a typed row gives a class and every class probability; a CSV gives one row each', async () => {
  const id = datasetState.value?.id as string;
  const run = await lab.train(id, tiny).done;
  const model = `try-${suffix}`;
  await lab.register(run.id, { model });
  render(<TryPanel lab={lab} />, root);
  await until(() => expect(byTestId('try-panel')).toBeTruthy(), { timeout: 10_000 });
  const select = byTestId<HTMLSelectElement>('try-model');
  select.value = model;
  select.dispatchEvent(new Event('change', { bubbles: true }));
  await until(() => expect(byTestId('try-fill')).toBeTruthy());
  byTestId('try-fill').click();
  await until(() =>
    expect((root.querySelector('input[data-testid^="try-input-"]') as HTMLInputElement).value).not.toBe(''),
  );
  byTestId('try-predict').click();
  await until(() => expect(byTestId('try-predictions')).toBeTruthy(), { timeout: 30_000 });
  const probabilities = [...root.querySelectorAll('td[data-testid^="probability-"]')].map((td) =>
    Number(td.textContent),
  );
  const classes = (datasetState.value?.schema.target?.classes ?? []) as string[];
  expect(probabilities).toHaveLength(classes.length);
  expect(Math.abs(probabilities.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(0.01);
  expect(classes).toContain(byTestId('prediction-label').textContent);

  // The same rows as a CSV file: one prediction per row.
  const preview = await lab.previewDataset(id, 3);
  const columns = [...root.querySelectorAll('input[data-testid^="try-input-"]')].map((i) =>
    (i.getAttribute('data-testid') as string).slice('try-input-'.length),
  );
  const csv = [
    columns.join(','),
    ...preview.rows.map((r) => columns.map((c) => (r[c] === null ? '' : String(r[c]))).join(',')),
  ].join('\n');
  const input = byTestId<HTMLInputElement>('try-file');
  const transfer = new DataTransfer();
  transfer.items.add(new File([csv], 'rows.csv', { type: 'text/csv' }));
  input.files = transfer.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
  await until(() => expect(root.querySelectorAll('[data-testid="try-prediction-row"]')).toHaveLength(3), {
    timeout: 30_000,
  });

  // A file without a column the model needs: the error names it.
  transfer.items.clear();
  transfer.items.add(new File(['nothing\n1\n'], 'bad.csv', { type: 'text/csv' }));
  input.files = transfer.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
  await until(() => expect(byTestId('try-error').textContent).toContain(`"${columns[0]}"`));
  render(null, root);
});

test('try the model: a finished run not registered yet is offered from its draft and predicts', async () => {
  const id = datasetState.value?.id as string;
  const run = await lab.train(id, tiny).done;
  render(<TryPanel lab={lab} />, root);
  await until(() => expect(byTestId('try-panel')).toBeTruthy(), { timeout: 10_000 });
  const select = byTestId<HTMLSelectElement>('try-model');
  const choice = `run:${run.id}`;
  await until(() => expect([...select.options].map((o) => o.value)).toContain(choice));
  expect(select.querySelector(`option[value="${choice}"]`)?.parentElement?.getAttribute('label')).toBe(
    'Finished runs, not registered',
  );
  select.value = choice;
  select.dispatchEvent(new Event('change', { bubbles: true }));
  await until(() => expect(byTestId('try-draft-note')).toBeTruthy());
  expect(root.querySelector('[data-testid="try-version"]')).toBeNull();
  await until(() => expect(byTestId('try-fill')).toBeTruthy());
  byTestId('try-fill').click();
  await until(() =>
    expect((root.querySelector('input[data-testid^="try-input-"]') as HTMLInputElement).value).not.toBe(''),
  );
  byTestId('try-predict').click();
  await until(() => expect(byTestId('try-predictions')).toBeTruthy(), { timeout: 30_000 });
  expect(byTestId('try-predictions').querySelector('caption')?.textContent).toContain('(not registered)');
  const probabilities = [...root.querySelectorAll('td[data-testid^="probability-"]')].map((td) =>
    Number(td.textContent),
  );
  const classes = (datasetState.value?.schema.target?.classes ?? []) as string[];
  expect(probabilities).toHaveLength(classes.length);
  expect(Math.abs(probabilities.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(0.01);
  // Registered, the run leaves the drafts' group (it is tried as a version from then on).
  await lab.register(run.id, { model: `tried-${suffix}` });
  await until(() => expect([...select.options].map((o) => o.value)).not.toContain(choice));
  render(null, root);
});

test('k-fold from the experiment setup: k runs tagged by fold, summarised as mean ± sd', async () => {
  const dataset = datasetState.value;
  if (!dataset) throw new Error('no dataset');
  experimentState.value = { ...DEFAULT_EXPERIMENT, crossValidate: true, folds: '3' };
  const form = { ...presetForm('mlp-small'), epochs: '2' };
  const live = startCandidate(lab, dataset, { key: 'k', name: `cv-${suffix}`, preset: 'mlp-small', form });
  experimentState.value = DEFAULT_EXPERIMENT;
  expect(live.map((r) => r.name)).toEqual([1, 2, 3].map((i) => `cv-${suffix} · fold ${i}/3`));
  const runs = await Promise.all(live.map((r) => r.handle.done));
  expect(runs.map((r) => (r.spec as { split: { fold: number } }).split.fold)).toEqual([0, 1, 2]);
  expect(runs.map((r) => r.metrics.testRows as number).reduce((a, b) => a + b, 0)).toBe(dataset.rowCount);
  render(<CrossValidationTable runs={runs} task="classification" />, root);
  const row = byTestId('cv-row');
  expect(row.querySelector('th')?.textContent).toBe(`cv-${suffix}`);
  expect(row.textContent).toContain('3 / 3');
  const mean = runs.reduce((a, r) => a + (r.metrics.accuracy as number), 0) / 3;
  expect(byTestId('cv-accuracy').textContent).toMatch(
    new RegExp(`^${mean.toPrecision(3).replace('.', '\\.')}`),
  );
  expect(byTestId('cv-accuracy').textContent).toContain('±');
});
