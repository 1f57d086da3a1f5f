// Issue 18, point 7: numbers with a decimal comma in a semicolon-separated file were read as text
// categories ("1,5"). The reader now detects the decimal separator with the delimiter, and the
// caller may set it.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { detectDecimalSeparator, toPointDecimal } from '../../../src/data/decimal-separator.ts';
import { ingestDataset } from '../../../src/data/ingest.ts';
import { cellValue, getColumn } from '../../../src/data/table.ts';
import { isEdgeflowError } from '../../../src/errors.ts';
import { fixtureFile } from './fixtures.ts';

describe('decimal commas', () => {
  test('a semicolon file with decimal commas loads its numbers as numeric columns', async () => {
    const ds = await ingestDataset(fixtureFile('decimal-comma.csv'), { target: 'verbrauch_kwh' });
    const types = Object.fromEntries(ds.schema.columns.map((c) => [c.name, c.type]));
    expect(types).toMatchObject({
      temperatur_c: 'numeric',
      luftfeuchte_pct: 'numeric',
      wind_kmh: 'numeric',
      haushalt: 'categorical',
      personen: 'integer',
      verbrauch_kwh: 'numeric',
    });
    expect(ds.schema.target?.task).toBe('regression');
    expect(ds.source.decimalSeparator).toBe(',');
    // Line 2 of the file: 2024-01-01;13,3;88,0;11,3;Reihenhaus;4;16,68
    expect(cellValue(getColumn(ds.table, 'temperatur_c'), 0)).toBeCloseTo(13.3, 5);
    expect(cellValue(getColumn(ds.table, 'verbrauch_kwh'), 0)).toBeCloseTo(16.68, 5);
    expect(ds.table.rowCount).toBe(180);
    expect(ds.quality.columns.every((c) => c.typeMismatches === 0)).toBe(true);
  });

  test('the same numbers with a decimal point in a semicolon file are read the same way', async () => {
    const text = 'a;b;label\n1.5;2;x\n2.25;3;y\n-0.5;4;x\n';
    const ds = await ingestDataset(text, { target: 'label' });
    expect(ds.source.decimalSeparator).toBe('.');
    expect(cellValue(getColumn(ds.table, 'a'), 1)).toBeCloseTo(2.25, 6);
  });

  test('thousands points with a decimal comma, and the separator set by the caller', async () => {
    const text = 'amount;count;label\n"1.234,5";1;x\n12,75;2;y\n-0,5;3;x\n';
    const detected = await ingestDataset(text, { target: 'label' });
    expect(cellValue(getColumn(detected.table, 'amount'), 0)).toBeCloseTo(1234.5, 3);
    // Told it is a point: the comma numbers stay text.
    const told = await ingestDataset(text, { target: 'label', decimalSeparator: '.' });
    expect(told.schema.columns.find((c) => c.name === 'amount')?.type).toBe('categorical');
    // One row with a comma among a file of point decimals is not enough to switch.
    const mixed = await ingestDataset('a;b;label\n1,5;2.5;x\n2;3.5;y\n', { target: 'label' });
    expect(mixed.source.decimalSeparator).toBe('.');
    // With comma as the field delimiter, quoted decimal commas are read when the caller says so.
    const quoted = await ingestDataset('a,label\n"1,5",x\n"2,5",y\n"3,0",x\n', {
      target: 'label',
      decimalSeparator: ',',
    });
    expect(cellValue(getColumn(quoted.table, 'a'), 1)).toBeCloseTo(2.5, 6);
    await expect(
      ingestDataset(text, { target: 'label', decimalSeparator: ';' as ',' }).catch((e: unknown) =>
        isEdgeflowError(e, 'INVALID_ARGUMENT'),
      ),
    ).resolves.toBe(true);
  });

  test('detection: a comma delimiter always means decimal points', () => {
    expect(detectDecimalSeparator([['1,5', '2']], ',')).toBe('.');
    expect(detectDecimalSeparator([['1,5', '2']], ';')).toBe(',');
    expect(detectDecimalSeparator([['1,5', '2.5']], ';')).toBe('.');
    expect(detectDecimalSeparator([['a,b', '2']], ';')).toBe('.');
  });

  test('property: a number written with a decimal comma reads back as the same number', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        fc.integer({ min: 0, max: 999 }),
        (whole, frac) => {
          const written = `${whole},${String(frac).padStart(3, '0')}`;
          const expected = Number(`${whole}.${String(frac).padStart(3, '0')}`);
          expect(Number(toPointDecimal(written))).toBe(expected);
        },
      ),
    );
    expect(toPointDecimal('Reihenhaus')).toBe('Reihenhaus');
    expect(toPointDecimal('2024-01-01')).toBe('2024-01-01');
  });
});
