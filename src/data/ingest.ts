import { EdgeflowError, isEdgeflowError } from '../errors.ts';
import type { DatasetSchema, RowPolicy } from '../schemas/dataset.ts';
import { DEFAULT_MISSING_VALUES } from './cell-values.ts';
import { readCsv } from './csv-reader.ts';
import { fingerprintDataset } from './fingerprint.ts';
import { readJsonArray, readNdjson } from './json-reader.ts';
import { sortClasses } from './pipeline.ts';
import { DEFAULT_TOP_K, profileTable } from './profile.ts';
import { buildQualityReport } from './quality.ts';
import { getColumn } from './table.ts';
import { type BuiltTable, TableBuilder } from './table-builder.ts';
import { cancelled, type OpenedSource, openSource, type TextPiece } from './text-source.ts';
import type { DataSource, IngestOptions, IngestProgress, LoadedDataset } from './types.ts';

const DEFAULT_SAMPLE_SIZE = 10_000;
const DEFAULT_MAX_COLUMNS = 2048;
const DEFAULT_MAX_CATEGORIES = 10_000;
/** Longest stretch of work between returns to the event loop, so a cancel message gets through. */
const YIELD_EVERY_MS = 50;
/** Upper bound on rows allocated up front from a size estimate (the arrays still grow past it). */
const MAX_PREALLOCATED_ROWS = 150_000_000;

/**
 * Loads a dataset: streams the source through the parser into a columnar table, infers or checks the
 * schema, applies the row policy, and computes the quality report, the profile and the fingerprint.
 * Runs anywhere (worker, page, Node); the lab runs it inside a worker.
 *
 * @throws EdgeflowError `PARSE_ERROR`, `SCHEMA_MISMATCH`, `DATA_QUALITY`, `TOO_MANY_COLUMNS`,
 * `EMPTY_DATASET`, `TARGET_NOT_FOUND`, `SINGLE_CLASS_TARGET`, `CANCELLED`, `INVALID_ARGUMENT`.
 * @example
 * const ds = await ingestDataset(file, { target: 'species', onProgress: (p) => console.log(p.rowsRead) });
 * ds.quality.issues; // each with example rows and lines
 */
export async function ingestDataset(source: DataSource, options: IngestOptions = {}): Promise<LoadedDataset> {
  const started = performance.now();
  const signal = options.signal;
  if (signal?.aborted) throw cancelled();
  checkOptions(options);
  const opened = openSource(source, signal);
  const rowPolicy: RowPolicy = options.rowPolicy ?? 'error';
  const progress = progressReporter(options, opened, started);
  const builder = new TableBuilder({
    target: options.target ?? null,
    ...(options.task ? { task: options.task } : {}),
    ...(options.schema ? { schema: options.schema } : {}),
    rowPolicy,
    missing: new Set(options.missingValues ?? DEFAULT_MISSING_VALUES),
    sampleSize: options.sampleSize ?? DEFAULT_SAMPLE_SIZE,
    maxCategories: options.maxCategories ?? DEFAULT_MAX_CATEGORIES,
    estimateRows: (rows, chars) => {
      const total = opened.totalBytes;
      if (total === null || rows === 0 || chars === 0) return null;
      return Math.min(MAX_PREALLOCATED_ROWS, Math.ceil((total / (chars / rows)) * 1.1));
    },
  });

  let format: LoadedDataset['source']['format'];
  let bytesRead = 0;
  let decimalSeparator: '.' | ',' | undefined;
  try {
    if (opened.rows) {
      format = 'rows';
      await readRows(opened.rows, builder, options, (rows) => progress.update(0, rows));
    } else {
      const { format: detected, pieces } = await detectFormat(opened, options, signal);
      format = detected;
      const onBytes = (bytes: number): void => {
        bytesRead = bytes;
        progress.update(bytes, builder.rowsRead);
      };
      const maxColumns = options.maxColumns ?? DEFAULT_MAX_COLUMNS;
      const common = { maxColumns, onBytes, ...(signal ? { signal } : {}) };
      if (format === 'json') bytesRead = (await readJsonArray(pieces, builder, common)).bytesRead;
      else if (format === 'ndjson') bytesRead = (await readNdjson(pieces, builder, common)).bytesRead;
      else {
        const delimiter = options.delimiter ?? (format === 'tsv' ? '\t' : undefined);
        // rowPolicy 'drop' also drops a record with the wrong field count (issue 18.10).
        const raggedRows = rowPolicy === 'drop' ? 'drop' : 'error';
        const given = options.decimalSeparator;
        const read = await readCsv(pieces, builder, {
          ...common,
          raggedRows,
          ...(delimiter ? { delimiter } : {}),
          ...(given ? { decimalSeparator: given } : {}),
        });
        bytesRead = read.bytesRead;
        decimalSeparator = read.decimalSeparator;
      }
    }
  } catch (error) {
    if (signal?.aborted && !isEdgeflowError(error, 'CANCELLED')) throw cancelled();
    throw error;
  }
  if (signal?.aborted) throw cancelled();
  progress.phase('analyzing', bytesRead, builder.rowsRead);

  const built = builder.finish();
  const read = performance.now();
  const schema = finalizeSchema(built);
  const classCounts = countClasses(built, schema);
  const quality = buildQualityReport(built, schema, rowPolicy, classCounts);
  const checked = performance.now();
  const profile = profileTable(built.table, schema, { topK: options.topK ?? DEFAULT_TOP_K });
  const profiled = performance.now();
  const fingerprint = await fingerprintDataset(schema, built.table);
  const fingerprinted = performance.now();
  if (signal?.aborted) throw cancelled();
  progress.phase('done', bytesRead, builder.rowsRead);
  return {
    name: options.name ?? opened.name ?? 'dataset',
    table: built.table,
    schema,
    quality,
    profile,
    fingerprint,
    lines: built.lines,
    previewRows: built.previewRows,
    source: {
      kind: opened.kind,
      name: opened.name,
      format,
      bytes: Math.round(bytesRead),
      ...(decimalSeparator ? { decimalSeparator } : {}),
    },
    loadMs: performance.now() - started,
    ...(options.missingValues ? { missingValues: [...options.missingValues] } : {}),
    timings: {
      readMs: read - started,
      qualityMs: checked - read,
      profileMs: profiled - checked,
      fingerprintMs: fingerprinted - profiled,
    },
  };
}

function checkOptions(options: IngestOptions): void {
  const positive = (name: string, value: number | undefined): void => {
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
      throw new EdgeflowError('INVALID_ARGUMENT', `${name} must be a positive whole number, got ${value}.`, {
        details: { [name]: value },
      });
    }
  };
  positive('sampleSize', options.sampleSize);
  positive('maxColumns', options.maxColumns);
  positive('maxCategories', options.maxCategories);
  positive('topK', options.topK);
  if (options.rowPolicy !== undefined && !['error', 'drop', 'impute'].includes(options.rowPolicy)) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `Unknown rowPolicy "${String(options.rowPolicy)}". Use one of: error, drop, impute.`,
      { details: { rowPolicy: options.rowPolicy } },
    );
  }
  if (options.decimalSeparator !== undefined && !['.', ','].includes(options.decimalSeparator)) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `Unknown decimalSeparator ${JSON.stringify(options.decimalSeparator)}. Use "." or ",".`,
      { details: { decimalSeparator: options.decimalSeparator } },
    );
  }
  if (
    options.delimiter !== undefined &&
    (options.delimiter.length !== 1 || /["\r\n]/.test(options.delimiter))
  ) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `The delimiter must be one character other than a quote or line break, got ${JSON.stringify(options.delimiter)}.`,
      { details: { delimiter: options.delimiter } },
    );
  }
}

/** The schema with the target's classes filled in (sorted), checked for at least two classes. */
function finalizeSchema(built: BuiltTable): DatasetSchema {
  const schema = built.schema;
  const target = schema.target;
  if (target?.task !== 'classification') return schema;
  const column = getColumn(built.table, target.name);
  if (column.kind !== 'categorical') return schema;
  const classes = sortClasses(column.dictionary);
  if (classes.length < 2) {
    throw new EdgeflowError(
      'SINGLE_CLASS_TARGET',
      `The target "${target.name}" has ${classes.length === 0 ? 'no class' : `one class ("${classes[0]}")`}: a classifier needs at least two. Check the target column, or load more rows.`,
      { details: { column: target.name, classes } },
    );
  }
  return { ...schema, target: { ...target, classes } };
}

function countClasses(built: BuiltTable, schema: DatasetSchema): { class: string; count: number }[] | null {
  const target = schema.target;
  if (!target?.classes) return null;
  const column = getColumn(built.table, target.name);
  if (column.kind !== 'categorical') return null;
  const byCode = new Float64Array(column.dictionary.length);
  for (let i = 0; i < column.codes.length; i++) {
    const code = column.codes[i] as number;
    if (code >= 0) byCode[code] = (byCode[code] as number) + 1;
  }
  const counts = new Map(column.dictionary.map((value, code) => [value, byCode[code] as number]));
  return target.classes.map((name) => ({ class: name, count: counts.get(name) ?? 0 }));
}

async function readRows(
  rows: readonly Readonly<Record<string, unknown>>[],
  builder: TableBuilder,
  options: IngestOptions,
  onRows: (rows: number) => void,
): Promise<void> {
  const maxColumns = options.maxColumns ?? DEFAULT_MAX_COLUMNS;
  let lastYield = performance.now();
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      throw new EdgeflowError('PARSE_ERROR', `Row ${i} is not an object ({ column: value, … }).`, {
        details: { row: i, problem: 'not_an_object' },
      });
    }
    if (i === 0 && Object.keys(row).length > maxColumns) {
      throw new EdgeflowError(
        'TOO_MANY_COLUMNS',
        `The first row has ${Object.keys(row).length} fields, more than the limit of ${maxColumns}.`,
        { details: { columns: Object.keys(row).length, limit: maxColumns } },
      );
    }
    builder.addObjectRow(row, null);
    if ((i & 4095) === 4095) {
      onRows(i + 1);
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await yieldToEventLoop();
        if (options.signal?.aborted) throw cancelled();
        lastYield = performance.now();
      }
    }
  }
  onRows(rows.length);
}

/** Decides the format (from options, file name, content type, then the first characters). */
async function detectFormat(
  opened: OpenedSource,
  options: IngestOptions,
  signal: AbortSignal | undefined,
): Promise<{ format: 'csv' | 'tsv' | 'json' | 'ndjson'; pieces: AsyncIterable<TextPiece> }> {
  const iterator = yieldingPieces(opened.pieces(), signal)[Symbol.asyncIterator]();
  const first: TextPiece[] = [];
  let firstText = '';
  // Read until there is a non-space character to look at (or the input ends).
  while (firstText.trim().length === 0) {
    const next = await iterator.next();
    if (next.done) break;
    first.push(next.value);
    firstText += next.value.text;
    if (firstText.length > 1 << 20) break;
  }
  const pieces: AsyncIterable<TextPiece> = {
    async *[Symbol.asyncIterator]() {
      yield* first;
      while (true) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    },
  };
  const requested = options.format ?? 'auto';
  if (requested !== 'auto') return { format: requested, pieces };
  const name = (opened.name ?? '').toLowerCase();
  const type = (opened.contentType ?? '').toLowerCase();
  const firstChar = firstText.trimStart()[0];
  const jsonish = firstChar === '[' ? 'json' : firstChar === '{' ? 'ndjson' : null;
  let format: 'csv' | 'tsv' | 'json' | 'ndjson';
  if (/\.(tsv|tab)$/.test(name) || type.includes('tab-separated')) format = 'tsv';
  else if (/\.(ndjson|jsonl)$/.test(name) || type.includes('ndjson') || type.includes('jsonl'))
    format = 'ndjson';
  else if (name.endsWith('.json') || type.includes('json')) format = jsonish ?? 'json';
  else if (name.endsWith('.csv') || type.includes('csv')) format = 'csv';
  else format = jsonish ?? 'csv';
  return { format, pieces };
}

/** Passes pieces through, returning to the event loop now and then so cancel messages are handled. */
async function* yieldingPieces(
  pieces: AsyncIterable<TextPiece>,
  signal: AbortSignal | undefined,
): AsyncIterable<TextPiece> {
  let lastYield = performance.now();
  for await (const piece of pieces) {
    yield piece;
    if (performance.now() - lastYield > YIELD_EVERY_MS) {
      await yieldToEventLoop();
      if (signal?.aborted) throw cancelled();
      lastYield = performance.now();
    }
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

interface ProgressReporter {
  update(bytesRead: number, rowsRead: number): void;
  phase(phase: IngestProgress['phase'], bytesRead: number, rowsRead: number): void;
}

/** Calls `onProgress` at most once per interval (default 100 ms), and always at a phase change. */
function progressReporter(options: IngestOptions, opened: OpenedSource, started: number): ProgressReporter {
  const callback = options.onProgress;
  const interval = options.progressIntervalMs ?? 100;
  let last = Number.NEGATIVE_INFINITY;
  const send = (phase: IngestProgress['phase'], bytesRead: number, rowsRead: number): void => {
    if (!callback) return;
    const now = performance.now();
    last = now;
    const result: unknown = callback({
      phase,
      bytesRead,
      totalBytes: opened.totalBytes,
      rowsRead,
      elapsedMs: now - started,
    });
    // A callback across a worker boundary (a comlink proxy) returns a promise: never let it reject unhandled.
    if (result instanceof Promise) result.catch(() => undefined);
  };
  return {
    update(bytesRead, rowsRead) {
      if (callback && performance.now() - last >= interval) send('reading', bytesRead, rowsRead);
    },
    phase(phase, bytesRead, rowsRead) {
      send(phase, bytesRead, rowsRead);
    },
  };
}
