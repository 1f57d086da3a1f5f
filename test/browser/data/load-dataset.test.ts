// Issue 3 in a real browser: a CSV File is loaded through the lab, parsed inside a worker, with
// progress events on the main thread; WebCrypto, the seeded generator and the split give the same
// values as in Node.
import { afterEach, expect, test } from 'vitest';
import {
  createRng,
  generateSampleCsv,
  type IngestProgress,
  ingestDataset,
  splitRows,
} from '../../../src/data/index.ts';
import { createLab, isEdgeflowError, type Lab } from '../../../src/index.ts';
import {
  PINNED_CSV,
  PINNED_FINGERPRINT,
  PINNED_TEST_ROWS,
  PINNED_UINT32,
} from '../../fixtures/data/pinned.ts';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.dispose();
  lab = undefined;
});

test('a CSV File loads in a worker with progress events; the summary comes back, the data stays there', async () => {
  lab = await createLab({ backend: 'cpu', workers: 2 });
  const rows = 150_000;
  const sample = generateSampleCsv('classification', { rows, seed: 3 });
  const file = new File([sample.csv], 'penguins.csv', { type: 'text/csv' });
  const events: IngestProgress[] = [];
  const started = performance.now();
  const ds = await lab.loadDataset(file, {
    target: sample.target,
    name: 'penguins',
    onProgress: (p) => events.push(p),
  });
  const elapsed = performance.now() - started;

  expect(ds).toMatchObject({
    name: 'penguins',
    rowCount: rows,
    source: { kind: 'file', format: 'csv', bytes: file.size },
  });
  expect(ds.id).toBe(ds.fingerprint);
  expect(ds.schema.target).toEqual({
    name: 'species',
    task: 'classification',
    classes: ['Adelie', 'Chinstrap', 'Gentoo'],
  });
  expect(ds.quality.rowCount).toBe(rows);
  expect(ds.profile.columns.length).toBeGreaterThan(5);
  expect('table' in ds).toBe(false);

  // Progress: bytes and rows grow, the last event is "done" with everything read, and events come
  // at most about 10 times a second (plus the phase changes).
  expect(events.length).toBeGreaterThanOrEqual(2);
  const done = events.at(-1) as IngestProgress;
  expect(done).toMatchObject({ phase: 'done', bytesRead: file.size, totalBytes: file.size, rowsRead: rows });
  for (let i = 1; i < events.length; i++) {
    expect((events[i] as IngestProgress).bytesRead).toBeGreaterThanOrEqual(
      (events[i - 1] as IngestProgress).bytesRead,
    );
  }
  expect(events.length).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 3);

  const preview = await lab.previewDataset(ds.id, 3);
  expect(preview.rows).toHaveLength(3);
  expect(Object.keys(preview.rows[0] ?? {})).toEqual(ds.schema.columns.map((c) => c.name));
  const listed = await lab.listDatasets();
  expect(listed).toHaveLength(1);
  expect(listed[0]).toMatchObject({ id: ds.id, rowCount: rows, target: 'species', task: 'classification' });

  expect(await lab.releaseDataset(ds.id)).toBe(true);
  const gone = await lab.previewDataset(ds.id).catch((e: unknown) => e);
  expect(isEdgeflowError(gone, 'DATASET_NOT_FOUND')).toBe(true);
  expect(await lab.listDatasets()).toEqual([]);
});

test('errors from the worker keep their codes; aborting a load rejects with CANCELLED', async () => {
  lab = await createLab({ backend: 'cpu', workers: 1 });
  const missing = await lab
    .loadDataset(new File([PINNED_CSV], 'small.csv'), { target: 'labels' })
    .catch((e: unknown) => e);
  expect(isEdgeflowError(missing, 'TARGET_NOT_FOUND')).toBe(true);
  expect((missing as { message: string }).message).toContain('Did you mean "label"');

  const bad = await lab.loadDataset('a,b\n1,2\n3\n').catch((e: unknown) => e);
  expect(isEdgeflowError(bad, 'PARSE_ERROR')).toBe(true);
  expect((bad as { details: { line: number } }).details.line).toBe(3);

  const controller = new AbortController();
  const big = generateSampleCsv('regression', { rows: 200_000, seed: 1 });
  const load = lab.loadDataset(new File([big.csv], 'housing.csv'), {
    target: big.target,
    signal: controller.signal,
    onProgress: () => controller.abort(),
  });
  const outcome = await load.catch((e: unknown) => e);
  expect(isEdgeflowError(outcome, 'CANCELLED')).toBe(true);
  // The worker is free again and loads the next file.
  const ds = await lab.loadDataset(new URL(`data:text/csv,${encodeURIComponent(PINNED_CSV)}`), {
    target: 'label',
  });
  expect(ds.rowCount).toBe(3);
});

test('fingerprint (WebCrypto), generator and split equal the values pinned in Node', async () => {
  const ds = await ingestDataset(new File([PINNED_CSV], 'pinned.csv'), { target: 'label' });
  expect(ds.fingerprint).toBe(PINNED_FINGERPRINT);
  const rng = createRng(42);
  expect(Array.from({ length: 4 }, () => rng.nextUint32())).toEqual(PINNED_UINT32);
  expect(Array.from(splitRows(20, { seed: 7, validation: 0.2, test: 0.2 }).test)).toEqual(PINNED_TEST_ROWS);
  lab = await createLab({ backend: 'cpu', workers: 1 });
  const inWorker = await lab.loadDataset(new File([PINNED_CSV], 'pinned.csv'), { target: 'label' });
  expect(inWorker.fingerprint).toBe(PINNED_FINGERPRINT);
});
