import { describe, expect, test } from 'vitest';
import { DatasetCatalog } from '../../../src/data/dataset-catalog.ts';
import { ingestDataset } from '../../../src/data/ingest.ts';
import { generateSampleCsv } from '../../../src/data/sample-data.ts';
import { datasetSummarySchema } from '../../../src/schemas/dataset.ts';

describe('dataset catalog (what a lab worker keeps)', () => {
  test('keeps datasets by fingerprint; previews, lists, releases; a summary is zod-valid', async () => {
    const catalog = new DatasetCatalog(3);
    const lines = ['note,x,label'];
    for (let i = 0; i < 80; i++)
      lines.push(`"a long free-text comment number ${i}",${i % 7},${i % 2 ? 'y' : 'n'}`);
    const ds = await ingestDataset(lines.join('\n'), { target: 'label', name: 'notes' });
    const entry = catalog.put(ds);
    expect(entry.id).toBe(ds.fingerprint);
    expect(catalog.getLoadedDataset(entry.id).table).toBe(ds.table);
    expect(datasetSummarySchema.parse(catalog.summarize(entry))).toMatchObject({
      id: entry.id,
      worker: 3,
      rowCount: 80,
    });

    const preview = catalog.preview(entry.id, 2);
    expect(preview.columns).toEqual(['note', 'x', 'label']);
    // Stored columns come back parsed; the set-aside text column as read.
    expect(preview.rows).toEqual([
      { note: 'a long free-text comment number 0', x: 0, label: 'n' },
      { note: 'a long free-text comment number 1', x: 1, label: 'y' },
    ]);
    expect(catalog.preview(entry.id, 500).rows).toHaveLength(80);

    const again = catalog.put(
      await ingestDataset(lines.join('\n'), { target: 'label', name: 'notes again' }),
    );
    expect(again.id).toBe(entry.id);
    expect(catalog.list()).toEqual([
      expect.objectContaining({
        id: entry.id,
        name: 'notes again',
        rowCount: 80,
        target: 'label',
        task: 'classification',
      }),
    ]);
    const other = catalog.put(
      await ingestDataset(generateSampleCsv('regression', { rows: 50 }).csv, {
        target: 'median_house_value',
      }),
    );
    expect(catalog.list().map((d) => d.id)).toEqual([entry.id, other.id]);

    expect(catalog.release(entry.id)).toBe(true);
    expect(catalog.release(entry.id)).toBe(false);
    expect(() => catalog.getLoadedDataset(entry.id)).toThrow(
      expect.objectContaining({ code: 'DATASET_NOT_FOUND', details: expect.objectContaining({ worker: 3 }) }),
    );
    expect(() => catalog.preview(other.id, -1)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
