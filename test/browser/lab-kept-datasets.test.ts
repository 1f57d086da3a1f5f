// Issue 18.8: a dataset loaded from the user's file survives a reload. The lab stores it by
// fingerprint (`keepDataset`) and a later lab (a reloaded page) reopens it without the file
// (`openStoredDataset`), with its schema and target, ready to preview and train.
import { afterEach, expect, test } from 'vitest';
import { createLab, isEdgeflowError, type Lab } from '../../src/index.ts';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.dispose();
  lab = undefined;
});

const CSV = [
  'x,y,label',
  ...Array.from({ length: 40 }, (_, i) => `${i},${(i * 7) % 13},${i % 2 ? 'a' : 'b'}`),
].join('\n');

test('a kept dataset is listed after a new lab starts and reopens with its target, preview and training', async () => {
  lab = await createLab({ backend: 'cpu', workers: 1 });
  const loaded = await lab.loadDataset({ text: CSV, name: 'mine.csv' }, { target: 'label' });
  await lab.keepDataset(loaded.id);
  await lab.dispose();

  // A fresh lab, as after a reload: nothing is loaded, the dataset is stored.
  lab = await createLab({ backend: 'cpu', workers: 1 });
  expect(await lab.listDatasets()).toEqual([]);
  const stored = await lab.registry.listDatasets();
  expect(stored.map((d) => d.fingerprint)).toContain(loaded.fingerprint);

  const reopened = await lab.openStoredDataset(loaded.fingerprint);
  expect(reopened.id).toBe(loaded.id);
  expect(reopened.name).toBe('mine.csv');
  expect(reopened.rowCount).toBe(40);
  expect(reopened.schema.target).toEqual(loaded.schema.target);
  expect(reopened.quality.rowCount).toBe(40);
  const preview = await lab.previewDataset(reopened.id, 3);
  expect(preview.rows).toHaveLength(3);
  const handle = lab.train(reopened.id, {
    task: 'classification',
    architecture: { type: 'linear' },
    epochs: 1,
    batchSize: 16,
    seed: 1,
  });
  const run = await handle.done;
  expect(run.status).toBe('finished');
  expect(run.datasetFingerprint).toBe(loaded.fingerprint);
});

test('keepDataset needs a loaded dataset, openStoredDataset a stored one: DATASET_NOT_FOUND', async () => {
  lab = await createLab({ backend: 'cpu', workers: 1 });
  const keep = await lab.keepDataset('f'.repeat(64)).catch((e: unknown) => e);
  expect(isEdgeflowError(keep, 'DATASET_NOT_FOUND')).toBe(true);
  const open = await lab.openStoredDataset('e'.repeat(64)).catch((e: unknown) => e);
  expect(isEdgeflowError(open, 'DATASET_NOT_FOUND')).toBe(true);
});
