// Issue 18, point 4: the quality report contradicted itself — "0 cells imputed" next to missing
// values "the default pipeline imputes", "distinct 0" for a free-text column with hundreds of
// values, and a "." placeholder counted as a real category with no warning.
import { describe, expect, test } from 'vitest';
import { DEFAULT_MISSING_VALUES } from '../../../src/data/cell-values.ts';
import { ingestDataset } from '../../../src/data/ingest.ts';
import { likelyPlaceholder } from '../../../src/data/placeholders.ts';
import { getColumn } from '../../../src/data/table.ts';
import { qualityReportSchema } from '../../../src/schemas/dataset.ts';
import { fixtureFile } from './fixtures.ts';

describe('quality report consistency', () => {
  test('imputed counts equal the missing feature cells the issues say the pipeline imputes', async () => {
    const ds = await ingestDataset(fixtureFile('regression-missing.csv'), {
      target: 'mpg',
      rowPolicy: 'impute',
    });
    const report = qualityReportSchema.parse(ds.quality);
    const features = report.columns.filter((c) => c.role === 'feature');
    const missingFeatureCells = features.reduce((sum, c) => sum + c.missing, 0);
    // horsepower "?" (16), weight "NA" (5), acceleration empty (6) in the fixture's kept rows.
    expect(missingFeatureCells).toBeGreaterThan(20);
    expect(report.imputedCells).toBe(missingFeatureCells);
    for (const c of features) expect(c.imputed).toBe(c.missing);
    const imputedByIssues = report.issues
      .filter((i) => i.kind === 'missing_values' && i.message.includes('imputes'))
      .reduce((sum, i) => sum + i.count, 0);
    expect(imputedByIssues).toBe(report.imputedCells);
    // The target's missing rows are dropped, not imputed.
    expect(report.columns.find((c) => c.name === 'mpg')?.imputed).toBe(0);
    expect(report.issues.find((i) => i.kind === 'missing_target')?.count).toBe(9);
  });

  test('a free-text column reports its distinct values, like the note that set it aside', async () => {
    const ds = await ingestDataset(fixtureFile('regression-missing.csv'), {
      target: 'mpg',
      rowPolicy: 'impute',
    });
    const name = ds.quality.columns.find((c) => c.name === 'name');
    expect(name?.role).toBe('ignored');
    // Every car name in the fixture is different; the 9 rows without a target were dropped.
    expect(name).toMatchObject({ distinct: 251, distinctCapped: false, missing: 0 });
  });

  test('"." and "-" are flagged as likely placeholders; reloading with them as missing clears the flag', async () => {
    const ds = await ingestDataset(fixtureFile('placeholders.csv'), {
      target: 'species',
      rowPolicy: 'impute',
    });
    const flagged = ds.quality.issues.filter((i) => i.kind === 'likely_placeholder');
    const sex = flagged.find((i) => i.column === 'sex');
    expect(sex).toMatchObject({ severity: 'warning', values: ['.'], count: 9 });
    expect(sex?.message).toMatch(
      /"\." \(9×\) probably stands for a missing value but was read as a category/,
    );
    expect(sex?.examples[0]).toMatchObject({ row: 5, line: 7, value: '.' });
    // A numeric column's "." is a type mismatch, flagged too.
    expect(flagged.find((i) => i.column === 'body_mass_g')).toMatchObject({ values: ['.'], count: 6 });
    expect(flagged.find((i) => i.column === 'observer')?.values).toEqual(['-']);
    const categories = getColumn(ds.table, 'sex');
    expect(categories.kind === 'categorical' && categories.dictionary).toContain('.');

    const values = [...new Set(flagged.flatMap((i) => i.values ?? []))];
    const reloaded = await ingestDataset(fixtureFile('placeholders.csv'), {
      target: 'species',
      rowPolicy: 'impute',
      missingValues: [...DEFAULT_MISSING_VALUES, ...values],
    });
    expect(reloaded.quality.issues.filter((i) => i.kind === 'likely_placeholder')).toEqual([]);
    const sexColumn = reloaded.quality.columns.find((c) => c.name === 'sex');
    // "." (9) and "NA" (5, missing by default) are missing now.
    expect(sexColumn?.missing).toBe(14);
    expect(reloaded.quality.columns.find((c) => c.name === 'body_mass_g')?.typeMismatches).toBe(0);
  });

  test('what counts as a placeholder', () => {
    for (const value of ['.', '-', '--', '?', '...', ' . ', 'n/a', 'N.A.', 'NULL', 'missing']) {
      expect(likelyPlaceholder(value)).toBe(value.trim());
    }
    for (const value of ['', 'MALE', '0', '-1', '.5', 'Dream', 'none of these', 'a-b']) {
      expect(likelyPlaceholder(value)).toBeNull();
    }
  });
});
