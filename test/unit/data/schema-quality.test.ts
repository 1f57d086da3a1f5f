import { describe, expect, test } from 'vitest';
import { DEFAULT_MISSING_VALUES } from '../../../src/data/cell-values.ts';
import { ingestDataset } from '../../../src/data/ingest.ts';
import { inferColumnType } from '../../../src/data/schema-inference.ts';
import { datasetSchemaSchema, qualityReportSchema } from '../../../src/schemas/dataset.ts';
import { fixtureFile } from './fixtures.ts';

const missing = new Set(DEFAULT_MISSING_VALUES);

describe('schema inference', () => {
  test('types from sample values', () => {
    expect(inferColumnType(['1', '2', '', 'NA'], missing).type).toBe('integer');
    expect(inferColumnType(['1.5', '2', '-3e2'], missing).type).toBe('numeric');
    expect(inferColumnType(['yes', 'No', 'TRUE'], missing).type).toBe('boolean');
    expect(inferColumnType(['2024-01-01', '2024-02-29T10:00:00Z'], missing).type).toBe('date');
    expect(inferColumnType(['a', 'b', 'a'], missing).type).toBe('categorical');
    const text = Array.from({ length: 200 }, (_, i) => `free comment number ${i}`);
    expect(inferColumnType(text, missing)).toMatchObject({ type: 'text' });
    const ids = Array.from({ length: 50 }, (_, i) => String(i + 1));
    expect(inferColumnType(ids, missing)).toMatchObject({ type: 'integer', identifier: true });
    // 1 non-number in 40: still numeric; that value is a type mismatch later.
    const mostlyNumbers = [...Array.from({ length: 39 }, (_, i) => `${i}.5`), 'oops'];
    expect(inferColumnType(mostlyNumbers, missing).type).toBe('numeric');
    expect(inferColumnType([], missing).type).toBe('categorical');
  });

  test('task inference and overrides; the schema is zod-valid JSON that compares equal', async () => {
    const csv = 'a,b,grade,price\n1,x,1,10.5\n2,y,2,11.25\n3,x,3,9.75\n4,y,1,12\n';
    const classification = await ingestDataset(csv, { target: 'grade' });
    expect(classification.schema.target).toEqual({
      name: 'grade',
      task: 'classification',
      classes: ['1', '2', '3'],
    });
    const regression = await ingestDataset(csv, { target: 'price' });
    expect(regression.schema.target?.task).toBe('regression');
    const overridden = await ingestDataset(csv, { target: 'grade', task: 'regression' });
    expect(overridden.schema.target).toEqual({ name: 'grade', task: 'regression' });
    const typed = await ingestDataset(csv, {
      target: 'price',
      schema: {
        columns: [
          { name: 'a', type: 'categorical' },
          { name: 'b', role: 'ignored' },
        ],
      },
    });
    expect(typed.schema.columns.find((c) => c.name === 'a')?.type).toBe('categorical');
    expect(typed.table.columns.map((c) => c.name)).toContain('b');
    expect(typed.schema.columns.find((c) => c.name === 'b')?.role).toBe('ignored');
    expect(datasetSchemaSchema.parse(JSON.parse(JSON.stringify(typed.schema)))).toEqual(typed.schema);
    // A schema given back (a model's input signature) reproduces the same schema.
    const again = await ingestDataset(csv, { target: 'price', schema: typed.schema });
    expect(again.schema).toEqual(typed.schema);
    expect(again.fingerprint).toBe(typed.fingerprint);
  });

  test('a strict schema must match the columns exactly', async () => {
    await expect(
      ingestDataset('a,b\n1,2\n', { schema: { strict: true, columns: [{ name: 'a' }] } }),
    ).rejects.toMatchObject({ code: 'SCHEMA_MISMATCH', details: { extra: ['b'] } });
  });

  test('declared ranges and categories are checked', async () => {
    const csv = 'age,city\n30,Oslo\n-4,Lima\n40,Rome\n';
    const ds = await ingestDataset(csv, {
      rowPolicy: 'impute',
      schema: {
        columns: [
          { name: 'age', min: 0, max: 120 },
          { name: 'city', categories: ['Oslo', 'Lima'] },
        ],
      },
    });
    const age = ds.quality.columns.find((c) => c.name === 'age');
    expect(age).toMatchObject({ outOfRange: 1, imputed: 1, missing: 1 });
    const issue = ds.quality.issues.find((i) => i.kind === 'out_of_range' && i.column === 'age');
    expect(issue?.examples).toEqual([{ row: 1, line: 3, value: '-4' }]);
    expect(ds.quality.columns.find((c) => c.name === 'city')).toMatchObject({ outOfRange: 1 });
    await expect(
      ingestDataset(csv, { schema: { columns: [{ name: 'age', min: 0 }] } }),
    ).rejects.toMatchObject({
      code: 'DATA_QUALITY',
      details: { line: 3, column: 'age', problem: 'out_of_range' },
    });
  });
});

describe('quality report and row policies', () => {
  test("'impute': bad cells become missing, counted, with rows and lines", async () => {
    const ds = await ingestDataset(fixtureFile('quality.csv'), { target: 'label', rowPolicy: 'impute' });
    const report = qualityReportSchema.parse(ds.quality);
    expect(report.rowCount).toBe(31);
    expect(report.droppedRows).toBe(0);
    // Issue 18, point 4: every missing feature cell counts as imputed (age 3 empty; income "n/a" and
    // the mismatch "oops"), so the total agrees with the missing-values issues.
    expect(report.imputedCells).toBe(5);
    const income = report.columns.find((c) => c.name === 'income');
    expect(income).toMatchObject({ typeMismatches: 1, imputed: 2, missing: 2 });
    const mismatch = report.issues.find((i) => i.kind === 'type_mismatch');
    expect(mismatch).toMatchObject({
      column: 'income',
      count: 1,
      examples: [{ row: 9, line: 11, value: 'oops' }],
    });
    const age = report.issues.find((i) => i.kind === 'missing_values' && i.column === 'age');
    expect(age?.examples).toEqual([
      { row: 3, line: 5 },
      { row: 17, line: 19 },
      { row: 30, line: 32 },
    ]);
    expect(report.columns.find((c) => c.name === 'constant')).toMatchObject({ constant: true, distinct: 1 });
    expect(report.issues.some((i) => i.kind === 'constant_column' && i.column === 'constant')).toBe(true);
    expect(report.duplicateRows).toBe(1);
    const duplicate = report.issues.find((i) => i.kind === 'duplicate_rows');
    expect(duplicate?.examples).toEqual([{ row: 30, line: 32, value: 'same as row 3 (line 5)' }]);
    expect(report.classBalance).toEqual([
      { class: 'no', count: 11, fraction: 11 / 31 },
      { class: 'yes', count: 20, fraction: 20 / 31 },
    ]);
  });

  test("'drop': rows with bad cells are left out and counted; lines still point at the file", async () => {
    const ds = await ingestDataset(fixtureFile('quality.csv'), { target: 'label', rowPolicy: 'drop' });
    expect(ds.quality).toMatchObject({ rowsRead: 31, rowCount: 30, droppedRows: 1, droppedCells: 1 });
    expect(ds.quality.issues.find((i) => i.kind === 'dropped_rows')?.examples).toEqual([
      { row: null, line: 11 },
    ]);
    expect(ds.lines.lineOf(9)).toBe(12);
    expect(ds.quality.issues.find((i) => i.kind === 'duplicate_rows')?.examples).toEqual([
      { row: 29, line: 32, value: 'same as row 3 (line 5)' },
    ]);
  });

  test('a missing target drops the row under drop and impute, and is an error under error', async () => {
    const csv = 'x,label\n1,a\n2,\n3,b\n4,a\n';
    await expect(ingestDataset(csv, { target: 'label' })).rejects.toMatchObject({
      code: 'DATA_QUALITY',
      details: { line: 3, column: 'label', problem: 'missing_target' },
    });
    const ds = await ingestDataset(csv, { target: 'label', rowPolicy: 'impute' });
    expect(ds.table.rowCount).toBe(3);
    expect(ds.quality.issues.find((i) => i.kind === 'missing_target')).toMatchObject({
      count: 1,
      examples: [{ line: 3 }],
    });
  });

  test('class imbalance and a free-text column set aside are reported', async () => {
    const lines = ['note,label'];
    for (let i = 0; i < 120; i++) lines.push(`"comment ${i}, unique text",${i < 5 ? 'rare' : 'common'}`);
    const ds = await ingestDataset(lines.join('\n'), { target: 'label' });
    expect(ds.schema.columns[0]).toMatchObject({ type: 'text', role: 'ignored' });
    expect(ds.table.columns.map((c) => c.name)).toEqual(['label']);
    expect(ds.quality.issues.map((i) => i.kind)).toEqual(
      expect.arrayContaining(['set_aside', 'class_imbalance']),
    );
  });

  test('a categorical feature with too many categories is set aside while streaming', async () => {
    const lines = ['code,x'];
    for (let i = 0; i < 500; i++) lines.push(`${i < 100 ? `c${i % 10}` : `c${i}`},${i % 3}`);
    const ds = await ingestDataset(lines.join('\n'), { sampleSize: 100, maxCategories: 50 });
    expect(ds.schema.columns[0]).toMatchObject({ type: 'text', role: 'ignored' });
    expect(ds.table.columns.map((c) => c.name)).toEqual(['x']);
  });

  test('an inferred integer column that meets a fraction later becomes numeric', async () => {
    const lines = ['n'];
    for (let i = 0; i < 300; i++) lines.push(i === 250 ? '2.5' : String(i % 9));
    const ds = await ingestDataset(lines.join('\n'), { sampleSize: 100 });
    expect(ds.schema.columns[0]?.type).toBe('numeric');
  });
});
