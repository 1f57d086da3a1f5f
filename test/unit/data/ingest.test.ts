import { describe, expect, test } from 'vitest';
import { ingestDataset } from '../../../src/data/ingest.ts';
import { generateSampleCsv } from '../../../src/data/sample-data.ts';
import { cellValue, getColumn, tableRows } from '../../../src/data/table.ts';
import type { IngestProgress } from '../../../src/data/types.ts';
import { isEdgeflowError } from '../../../src/errors.ts';

const CSV =
  'x,y,color,flag,when,label\n1.5,2,red,true,2024-01-02,a\n2.5,,blue,false,2024-02-03,b\n3.5,4,red,yes,,a\n';

/** A ReadableStream of `text` in pieces of `size` bytes. */
function streamOf(text: string, size: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) controller.close();
      else {
        controller.enqueue(bytes.slice(offset, offset + size));
        offset += size;
      }
    },
  });
}

describe('ingest: sources and formats', () => {
  test('a CSV becomes a typed columnar table with a missing mask and categorical codes', async () => {
    const ds = await ingestDataset(CSV, { target: 'label' });
    expect(ds.schema.columns.map((c) => [c.name, c.type, c.role])).toEqual([
      ['x', 'numeric', 'feature'],
      ['y', 'integer', 'feature'],
      ['color', 'categorical', 'feature'],
      ['flag', 'boolean', 'feature'],
      ['when', 'date', 'ignored'],
      ['label', 'categorical', 'target'],
    ]);
    expect(ds.schema.target).toEqual({ name: 'label', task: 'classification', classes: ['a', 'b'] });
    const y = getColumn(ds.table, 'y');
    expect(y.kind === 'numeric' && y.values).toBeInstanceOf(Float32Array);
    expect(Array.from(y.missing ?? [])).toEqual([0, 1, 0]);
    const color = getColumn(ds.table, 'color');
    expect(color.kind === 'categorical' && [Array.from(color.codes), color.dictionary]).toEqual([
      [0, 1, 0],
      ['red', 'blue'],
    ]);
    expect(cellValue(getColumn(ds.table, 'when'), 0)).toBe('2024-01-02T00:00:00.000Z');
    expect(cellValue(getColumn(ds.table, 'when'), 2)).toBeNull();
    // Every buffer can be transferred on its own.
    for (const column of ds.table.columns) {
      const values = column.kind === 'categorical' ? column.codes : column.values;
      expect(values.buffer).toBeInstanceOf(ArrayBuffer);
    }
  });

  test('the same data from a string, a Blob, bytes, a stream, JSON, NDJSON and rows gives the same table', async () => {
    const rows = [
      { x: 1.5, y: 2, color: 'red', label: 'a' },
      { x: 2.5, y: null, color: 'blue', label: 'b' },
      { x: 3.5, y: 4, color: 'red', label: 'a' },
    ];
    const csv = 'x,y,color,label\n1.5,2,red,a\n2.5,,blue,b\n3.5,4,red,a\n';
    const sources = [
      csv,
      new Blob([csv]),
      new TextEncoder().encode(csv),
      streamOf(csv, 5),
      { text: JSON.stringify(rows) },
      { text: rows.map((r) => JSON.stringify(r)).join('\n') },
      { rows },
    ];
    const loaded = await Promise.all(sources.map((source) => ingestDataset(source, { target: 'label' })));
    const expected = tableRows(loaded[0]?.table ?? { rowCount: 0, columns: [] }, [0, 1, 2]);
    expect(expected).toEqual([
      { x: 1.5, y: 2, color: 'red', label: 'a' },
      { x: 2.5, y: null, color: 'blue', label: 'b' },
      { x: 3.5, y: 4, color: 'red', label: 'a' },
    ]);
    for (const ds of loaded) expect(tableRows(ds.table, [0, 1, 2])).toEqual(expected);
    expect(new Set(loaded.map((ds) => ds.fingerprint)).size).toBe(1);
    expect(loaded.map((ds) => ds.source.format)).toEqual([
      'csv',
      'csv',
      'csv',
      'csv',
      'json',
      'ndjson',
      'rows',
    ]);
  });

  test('a URL is fetched (a data: URL here) and TSV is read by name or format', async () => {
    const ds = await ingestDataset(new URL(`data:text/csv,${encodeURIComponent('a,b\n1,2\n')}`));
    expect(ds.table.rowCount).toBe(1);
    expect(ds.source.kind).toBe('url');
    const tsv = await ingestDataset(new File(['a\tb\n1\t2\n'], 'table.tsv'));
    expect(tsv.source.format).toBe('tsv');
    expect(tsv.schema.columns.map((c) => c.name)).toEqual(['a', 'b']);
  });

  test('the fingerprint does not depend on how the file was cut into chunks', async () => {
    const { csv } = generateSampleCsv('regression', { rows: 400, seed: 3 });
    const prints = await Promise.all(
      [1, 7, 100, 4096].map(async (size) => (await ingestDataset(streamOf(csv, size))).fingerprint),
    );
    expect(new Set(prints).size).toBe(1);
    expect(prints[0]).toMatch(/^[0-9a-f]{64}$/);
    const changed = await ingestDataset(csv.replace('\n-1', '\n-2'));
    expect(changed.fingerprint).not.toBe(prints[0]);
  });

  test('progress reports bytes and rows, at most once per interval, then done', async () => {
    const { csv } = generateSampleCsv('classification', { rows: 3000, seed: 1 });
    const events: IngestProgress[] = [];
    await ingestDataset(streamOf(csv, 512), {
      target: 'species',
      onProgress: (p) => events.push(p),
      progressIntervalMs: 0,
    });
    expect(events.length).toBeGreaterThan(3);
    const done = events.at(-1) as IngestProgress;
    expect(done.phase).toBe('done');
    expect(done.rowsRead).toBe(3000);
    expect(done.bytesRead).toBe(new TextEncoder().encode(csv).length);
    for (let i = 1; i < events.length; i++) {
      expect((events[i] as IngestProgress).bytesRead).toBeGreaterThanOrEqual(
        (events[i - 1] as IngestProgress).bytesRead,
      );
    }
    const throttled: IngestProgress[] = [];
    await ingestDataset(streamOf(csv, 512), { target: 'species', onProgress: (p) => throttled.push(p) });
    // Reading takes well under a second here: the 100 ms interval allows only a handful.
    expect(throttled.length).toBeLessThan(events.length);
  });

  test('an aborted signal cancels the load with CANCELLED', async () => {
    const controller = new AbortController();
    const { csv } = generateSampleCsv('classification', { rows: 2000, seed: 2 });
    const load = ingestDataset(streamOf(csv, 256), {
      target: 'species',
      signal: controller.signal,
      onProgress: (p) => {
        if (p.rowsRead > 0) controller.abort();
      },
      progressIntervalMs: 0,
    });
    await expect(load).rejects.toSatisfy((error: unknown) => isEdgeflowError(error, 'CANCELLED'));
    const early = new AbortController();
    early.abort();
    await expect(ingestDataset(csv, { signal: early.signal })).rejects.toSatisfy((e: unknown) =>
      isEdgeflowError(e, 'CANCELLED'),
    );
  });

  test('large enough input is read in several blocks with true line numbers', async () => {
    const lines = ['n,s'];
    for (let i = 0; i < 60000; i++) lines.push(i === 41234 ? `${i},"two\nlines"` : `${i},v${i % 7}`);
    const ds = await ingestDataset(`${lines.join('\n')}\n`, { sampleSize: 100 });
    expect(ds.table.rowCount).toBe(60000);
    expect(ds.lines.lineOf(0)).toBe(2);
    expect(ds.lines.lineOf(41234)).toBe(41236);
    expect(ds.lines.lineOf(41235)).toBe(41238);
    expect(ds.schema.columns[0]?.role).toBe('ignored');
  });
});
