/// <reference lib="webworker" />
// The worker behind ingest-csv and ingest-large: it generates the benchmark CSV into a Blob (as a
// dropped file would be), then times edgeflow's whole path or uDSV's parse on the same bytes.
import * as Comlink from 'comlink';
import { inferSchema, initParser } from 'udsv';
import { ingestDataset } from '../src/data/ingest.ts';
import { prepareTrainingData } from '../src/data/prepare.ts';
import { splitDataset } from '../src/data/split.ts';
import type { LoadedDataset } from '../src/data/types.ts';
import { benchCsvChunks } from './generate-csv.ts';

/** Pieces of the generated file gathered before they become one Blob part. */
const PART_BYTES = 64 << 20;
/** Bytes read from the Blob per slice by the baselines (the same size edgeflow's reader uses). */
const SLICE_BYTES = 4 << 20;

let file: Blob | null = null;
/** What the last run left alive, so the page can measure what it retains. */
let held: unknown = null;

function currentFile(): Blob {
  if (!file) throw new Error('Call generate() first.');
  return file;
}

function tableBytes(dataset: LoadedDataset): number {
  let bytes = 0;
  for (const column of dataset.table.columns) {
    bytes += column.kind === 'categorical' ? column.codes.byteLength : column.values.byteLength;
    bytes += column.missing?.byteLength ?? 0;
  }
  return bytes;
}

const api = {
  /** Generates `bytes` of the seeded CSV into a Blob kept in this worker. */
  generate(bytes: number, seed: number): { bytes: number; ms: number } {
    const started = performance.now();
    const encoder = new TextEncoder();
    let blob = new Blob([]);
    let parts: Uint8Array[] = [];
    let partBytes = 0;
    for (const chunk of benchCsvChunks({ bytes, seed })) {
      const encoded = encoder.encode(chunk);
      parts.push(encoded);
      partBytes += encoded.byteLength;
      if (partBytes >= PART_BYTES) {
        // Composing Blobs references the earlier parts instead of copying them (and lets the
        // browser keep a large file on disk), like a File the user drops.
        blob = new Blob([blob, ...parts] as BlobPart[]);
        parts = [];
        partBytes = 0;
      }
    }
    file = new Blob([blob, ...parts] as BlobPart[], { type: 'text/csv' });
    return { bytes: file.size, ms: performance.now() - started };
  },

  /** Drops what the last run kept. */
  release(): void {
    held = null;
  },

  /**
   * edgeflow's whole path: bytes → streamed parse → typed table with schema, quality report,
   * profile and fingerprint → seeded stratified split → pipeline fitted on train → standardized
   * Float32Array of the training rows.
   */
  async ours(keep = false): Promise<{
    ms: number;
    rows: number;
    featureCount: number;
    featureValues: number;
    tableBytes: number;
    phases: Record<string, number>;
  }> {
    held = null;
    const started = performance.now();
    const dataset = await ingestDataset(currentFile(), { target: 'label' });
    const loaded = performance.now();
    const split = splitDataset(dataset, { seed: 1 });
    const splitDone = performance.now();
    const prepared = prepareTrainingData(dataset, split.train);
    const ms = performance.now() - started;
    if (keep) held = { dataset, prepared };
    return {
      ms,
      rows: dataset.table.rowCount,
      featureCount: prepared.featureCount,
      featureValues: prepared.features.length,
      tableBytes: tableBytes(dataset),
      phases: {
        ...dataset.timings,
        splitMs: splitDone - loaded,
        pipelineMs: performance.now() - splitDone,
      },
    };
  },

  /** Only the ingest (parse, table, quality, profile, fingerprint): the large benchmark's path. */
  async ingestOnly(): Promise<{ ms: number; rows: number; tableBytes: number }> {
    held = null;
    const started = performance.now();
    const dataset = await ingestDataset(currentFile(), { target: 'label' });
    const ms = performance.now() - started;
    const result = { ms, rows: dataset.table.rowCount, tableBytes: tableBytes(dataset) };
    return result;
  },

  /** uDSV's typedCols on the whole file decoded at once (its fastest form). */
  async udsvTypedCols(keep = false): Promise<{ ms: number; rows: number }> {
    held = null;
    const started = performance.now();
    const text = new TextDecoder().decode(await currentFile().arrayBuffer());
    const parser = initParser(inferSchema(text));
    const columns = parser.typedCols<unknown[]>(text);
    const ms = performance.now() - started;
    if (keep) held = columns;
    return { ms, rows: (columns[0] as unknown[] | undefined)?.length ?? 0 };
  },

  /** uDSV's typedCols fed slice by slice through its incremental `chunk` API. */
  async udsvTypedColsStreamed(): Promise<{ ms: number; rows: number }> {
    held = null;
    const started = performance.now();
    const blob = currentFile();
    const decoder = new TextDecoder();
    let parser: ReturnType<typeof initParser> | null = null;
    for (let offset = 0; offset < blob.size; offset += SLICE_BYTES) {
      const text = decoder.decode(await blob.slice(offset, offset + SLICE_BYTES).arrayBuffer(), {
        stream: true,
      });
      parser ??= initParser(inferSchema(text));
      parser.chunk<unknown[]>(text, parser.typedCols);
    }
    const columns = (parser?.end<unknown[]>() ?? []) as unknown[][];
    return { ms: performance.now() - started, rows: columns[0]?.length ?? 0 };
  },

  /** uDSV streaming parse with a no-op row handler (nothing kept): the parser alone, for files of any size. */
  async udsvStreamedParse(): Promise<{ ms: number; rows: number }> {
    held = null;
    const started = performance.now();
    const blob = currentFile();
    const decoder = new TextDecoder();
    let parser: ReturnType<typeof initParser> | null = null;
    let rows = 0;
    const count = (): boolean => {
      rows++;
      return true;
    };
    for (let offset = 0; offset < blob.size; offset += SLICE_BYTES) {
      const text = decoder.decode(await blob.slice(offset, offset + SLICE_BYTES).arrayBuffer(), {
        stream: true,
      });
      parser ??= initParser(inferSchema(text));
      parser.chunk<string[]>(text, parser.stringArrs, count);
    }
    parser?.end();
    return { ms: performance.now() - started, rows };
  },

  /** Whether the last run's result is still held (keeps `held` reachable for memory measurements). */
  holding(): boolean {
    return held !== null;
  },
};

/** The API the benchmark page drives. */
export type IngestBenchWorkerApi = typeof api;

Comlink.expose(api);
