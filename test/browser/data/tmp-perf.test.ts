import { test } from 'vitest';
import { ingestDataset, splitDataset, fitPipeline, transformTable } from '../../../src/data/index.ts';
import { benchCsvBytes } from '../../../bench/generate-csv.ts';

test('perf', async () => {
  const bytes = benchCsvBytes({ bytes: 50e6, seed: 1 });
  const blob = new Blob([bytes as BlobPart]);
  const out: string[] = [];
  const ds = await ingestDataset(blob, { target: 'label' });
  const split = splitDataset(ds, { seed: 1 });
  for (let r = 0; r < 3; r++) {
    let t = performance.now();
    const tick = (label: string) => { const now = performance.now(); out.push(`${label} ${Math.round(now - t)}`); t = now; };
    for (const c of ds.schema.columns) {
      if (c.role !== 'feature') continue;
      fitPipeline(ds.table, { ...ds.schema, target: null, columns: ds.schema.columns.map((x) => ({ ...x, role: x.name === c.name ? 'feature' : 'ignored' })) }, undefined, { rows: split.train });
      tick('fit ' + c.name + ' ' + c.type);
    }
    fitPipeline(ds.table, ds.schema, [{ step: 'impute', strategy: 'constant', value: 0 }, { step: 'standardize' }], { rows: split.train }); tick('fit const+standardize');
    fitPipeline(ds.table, ds.schema, [{ step: 'impute', strategy: 'median' }], { rows: split.train }); tick('fit median only');
    fitPipeline(ds.table, ds.schema, [{ step: 'impute', strategy: 'mean' }], { rows: split.train }); tick('fit mean only');
    const p = fitPipeline(ds.table, ds.schema, undefined, { rows: split.train }); tick('fit all');
    transformTable(p, ds.table, split.train); tick('transform');
    out.push('---');
  }
  console.log(out.join('\n'));
}, 300000);
