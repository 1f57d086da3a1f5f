import { describe, expect, test } from 'vitest';
import { canonicalJson } from '../../../src/data/fingerprint.ts';
import { ingestDataset } from '../../../src/data/ingest.ts';
import { generateSampleCsv } from '../../../src/data/sample-data.ts';
import { PINNED_CSV, PINNED_FINGERPRINT } from '../../fixtures/data/pinned.ts';

describe('sample generator', () => {
  test('deterministic, with named features, missing values and a categorical column', async () => {
    const a = generateSampleCsv('classification', { rows: 250, seed: 7 });
    expect(generateSampleCsv('classification', { rows: 250, seed: 7 }).csv).toBe(a.csv);
    expect(generateSampleCsv('classification', { rows: 250, seed: 8 }).csv).not.toBe(a.csv);
    expect(a.csv.split('\n')[0]).toBe(
      'species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year',
    );
    const penguins = await ingestDataset(a.csv, { target: a.target });
    expect(penguins.table.rowCount).toBe(250);
    expect(penguins.schema.target?.classes).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect(penguins.schema.columns.find((c) => c.name === 'island')?.type).toBe('categorical');
    expect(penguins.quality.issues.some((i) => i.kind === 'missing_values')).toBe(true);

    const h = generateSampleCsv('regression', { rows: 250, seed: 7 });
    const housing = await ingestDataset(h.csv, { target: h.target });
    expect(housing.schema.target?.task).toBe('regression');
    expect(housing.schema.columns.find((c) => c.name === 'ocean_proximity')?.type).toBe('categorical');
    expect(housing.quality.columns.find((c) => c.name === 'total_bedrooms')?.missing).toBeGreaterThan(0);
    expect(() => generateSampleCsv('clustering' as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});

describe('fingerprint', () => {
  test('canonical JSON sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: 2 }], c: 3 } })).toBe(
      '{"a":{"c":3,"d":[2,{"x":2,"y":1}]},"b":1}',
    );
  });

  test('pinned for a small dataset (the browser test checks the same value), and sensitive to schema and data', async () => {
    const ds = await ingestDataset(PINNED_CSV, { target: 'label' });
    expect(ds.fingerprint).toBe(PINNED_FINGERPRINT);
    const otherTarget = await ingestDataset(PINNED_CSV, { target: 'x' });
    expect(otherTarget.fingerprint).not.toBe(ds.fingerprint);
    const otherValue = await ingestDataset(PINNED_CSV.replace('2.5', '2.25'), { target: 'label' });
    expect(otherValue.fingerprint).not.toBe(ds.fingerprint);
  });
});
