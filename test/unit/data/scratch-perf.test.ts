import { test } from 'vitest';
import { benchCsvBytes } from '../../../bench/generate-csv.ts';
import { DEFAULT_MISSING_VALUES } from '../../../src/data/cell-values.ts';
import { readCsv } from '../../../src/data/csv-reader.ts';
import { fingerprintDataset } from '../../../src/data/fingerprint.ts';
import { ingestDataset } from '../../../src/data/ingest.ts';
import { fitPipeline, transformTable } from '../../../src/data/pipeline.ts';
import { profileTable } from '../../../src/data/profile.ts';
import { findDuplicateRows } from '../../../src/data/quality.ts';
import { splitDataset } from '../../../src/data/split.ts';
import { TableBuilder } from '../../../src/data/table-builder.ts';
import { openSource } from '../../../src/data/text-source.ts';

test('perf', async () => {
  const bytes = benchCsvBytes({ bytes: 50e6, seed: 1 });
  const blob = new Blob([bytes]);
  for (let r = 0; r < 2; r++) {
    const ds = await ingestDataset(blob, { target: 'label' });
    let t = performance.now();
    const tick = (label: string) => {
      const now = performance.now();
      console.log(label, Math.round(now - t));
      t = now;
    };
    const b = new TableBuilder({
      target: 'label',
      rowPolicy: 'error',
      missing: new Set(DEFAULT_MISSING_VALUES),
      sampleSize: 10000,
      maxCategories: 10000,
    });
    await readCsv(openSource(blob).pieces(), b, { maxColumns: 100 });
    tick('read+build');
    b.finish();
    tick('finish');
    findDuplicateRows(ds.table);
    tick('dups');
    profileTable(ds.table, ds.schema);
    tick('profile');
    await fingerprintDataset(ds.schema, ds.table);
    tick('fingerprint');
    const split = splitDataset(ds, { seed: 1 });
    tick('split');
    const p = fitPipeline(ds.table, ds.schema, undefined, { rows: split.train });
    tick('fit');
    transformTable(p, ds.table, split.train);
    tick('transform');
  }
}, 120000);
