// The streaming table builder: samples the first records to infer the schema, then writes every value
// straight into typed arrays under the row policy. Its parts live beside it: table-builder-types.ts
// (RowSink, options, BuiltTable), table-builder-storage.ts (growing and trimming the arrays),
// table-builder-problems.ts (problem counts, the rowPolicy 'error' message), table-builder-text-columns.ts
// (set-aside text columns) and table-builder-records.ts (object rows and their unknown fields).
import { EdgeflowError } from '../errors.ts';
import type { ColumnSchema, DatasetSchema, QualityExample } from '../schemas/dataset.ts';
import {
  describeValue,
  FLOAT32_MAX,
  parseDecimal,
  readBoolean,
  readCategory,
  readDate,
  readNumber,
} from './cell-values.ts';
import { LineMap } from './line-map.ts';
import { buildSchema, checkTargetExists, type InferredColumn, inferColumnType } from './schema-inference.ts';
import {
  type CellIssue,
  cellValueError,
  countCellProblem,
  emptyColumnProblems,
  MAX_EXAMPLES,
} from './table-builder-problems.ts';
import { noteUnknownFields, objectKeysOf, rowObject, type UnknownFields } from './table-builder-records.ts';
import { grown, pruneDictionary, shrinkMask, trimToLength } from './table-builder-storage.ts';
import { SetAsideTextColumns } from './table-builder-text-columns.ts';
import type { BuiltTable, ColumnProblems, RowSink, TableBuilderOptions } from './table-builder-types.ts';
import type { Column } from './types.ts';

export type { BuiltTable, ColumnProblems, RowSink, TableBuilderOptions } from './table-builder-types.ts';

const K_SKIP = 0;
const K_FLOAT = 1;
const K_DATE = 2;
const K_BOOL = 3;
const K_CAT = 4;

/** Integer check: none, declared (a fraction is a type mismatch), or inferred (a fraction widens to numeric). */
const INT_NONE = 0;
const INT_STRICT = 1;
const INT_INFERRED = 2;

const PREVIEW_ROWS = 100;
const MAX_TARGET_CLASSES = 1000;
/** Marks a dictionary key that reads as missing (empty, NA…), so repeated missing values skip the slow path. */
const MISSING_CODE = -1;
/** Spellings per categorical column compared directly before the dictionary Map. */
const CACHE_SIZE = 12;
/** Map hits after the cache filled up before a column stops using the cache (many categories). */
const CACHE_GIVE_UP = 20_000;

/**
 * Builds a columnar table from records as they stream in: samples the first rows to infer the
 * schema, then writes every value straight into typed arrays (no row objects are kept), applying
 * the row policy and counting every problem with its line.
 */
export class TableBuilder implements RowSink {
  readonly #options: TableBuilderOptions;
  #names: string[] | null = null;
  #objectKeys: string[] | null = null;
  #sampling = true;
  #sample: (string[] | Readonly<Record<string, unknown>>)[] = [];
  #sampleLines: (number | null)[] = [];
  #sampleChars = 0;
  #rowsRead = 0;
  /** 1-based number of the record being written (for messages about rows without lines). */
  #record = 0;

  #schemaColumns: ColumnSchema[] = [];
  #schema: DatasetSchema | null = null;
  #kinds = new Uint8Array(0);
  #intMode = new Uint8Array(0);
  /** 1 for a float column with no range and no integer check: only the float32 bound applies. */
  #plain = new Uint8Array(0);
  #nullable = new Uint8Array(0);
  #mins = new Float64Array(0);
  #maxs = new Float64Array(0);
  #floats: (Float32Array | null)[] = [];
  #dates: (Float64Array | null)[] = [];
  #bools: (Uint8Array | null)[] = [];
  #codes: (Int32Array | null)[] = [];
  #masks: (Uint8Array | null)[] = [];
  #dictMaps: (Map<string, number> | null)[] = [];
  #dictValues: (string[] | null)[] = [];
  /** Per categorical column: up to CACHE_SIZE raw spellings and their codes, checked before the Map. */
  #cacheKeys: (string[] | null)[] = [];
  #cacheCodes: (Int32Array | null)[] = [];
  #cacheMisses: number[] = [];
  #allowed: (Set<string> | null)[] = [];
  #problems: ColumnProblems[] = [];
  #targetIndex = -1;
  #capacity = 0;
  #rowCount = 0;
  /** Bit 1: a cell of the current row breaks the policy and the row is dropped. */
  #rowDrop = false;
  #droppedRows = 0;
  #droppedExamples: QualityExample[] = [];
  #raggedRows = 0;
  #raggedExamples: QualityExample[] = [];
  #missingTargetRows = 0;
  #missingTargetExamples: QualityExample[] = [];
  #setAside: { column: string; reason: string }[] = [];
  /** Set-aside (text) columns: their empty cells and distinct values in kept rows. */
  readonly #text = new SetAsideTextColumns();
  readonly #unknownFields: UnknownFields = new Map();
  #nameIndex = new Map<string, number>();
  readonly #lines = new LineMap();
  #lineOffset = Number.NaN;
  #preview: Readonly<Record<string, unknown>>[] = [];

  constructor(options: TableBuilderOptions) {
    this.#options = options;
  }

  get rowsRead(): number {
    return this.#rowsRead;
  }

  /** The schema, once the sample has been read (null before). */
  get schema(): DatasetSchema | null {
    return this.#schema;
  }

  beginColumns(names: readonly string[]): void {
    this.#names = [...names];
    // Fail before reading any row when the target is not in the header.
    if (this.#options.target) checkTargetExists(this.#options.target, names);
  }

  addStringRow(row: string[], line: number): void {
    this.#record = ++this.#rowsRead;
    if (this.#sampling) {
      this.#sample.push(row);
      this.#sampleLines.push(line);
      for (let j = 0; j < row.length; j++) this.#sampleChars += (row[j] as string).length + 1;
      if (this.#sample.length >= this.#options.sampleSize) this.#finishSampling();
      return;
    }
    this.#writeStringRow(row, line);
  }

  dropRaggedRecord(line: number, fields: number): void {
    this.#record = ++this.#rowsRead;
    this.#raggedRows++;
    this.#droppedRows++;
    const example = { row: null, line, value: `${fields} field${fields === 1 ? '' : 's'}` };
    if (this.#raggedExamples.length < MAX_EXAMPLES) this.#raggedExamples.push(example);
    if (this.#droppedExamples.length < MAX_EXAMPLES) this.#droppedExamples.push({ row: null, line });
  }

  addObjectRow(row: Readonly<Record<string, unknown>>, line: number | null): void {
    this.#record = ++this.#rowsRead;
    if (this.#sampling) {
      this.#sample.push(row);
      this.#sampleLines.push(line);
      this.#sampleChars += 64;
      if (this.#sample.length >= this.#options.sampleSize) this.#finishSampling();
      return;
    }
    this.#writeObjectRow(row, line);
  }

  /**
   * Ends the input and returns the table.
   *
   * @throws EdgeflowError `EMPTY_DATASET` when no row is left.
   */
  finish(): BuiltTable {
    if (this.#sampling) this.#finishSampling();
    const schema = this.#schema as DatasetSchema;
    const n = this.#rowCount;
    if (n === 0) {
      throw new EdgeflowError(
        'EMPTY_DATASET',
        this.#rowsRead === 0
          ? 'The data has no rows (only a header, or nothing at all). Load a file with at least one data row.'
          : `No rows are left: all ${this.#rowsRead} rows were dropped by rowPolicy 'drop'. See the quality report, or use rowPolicy 'impute'.`,
        { details: { rowsRead: this.#rowsRead, droppedRows: this.#droppedRows } },
      );
    }
    const columns: Column[] = [];
    const names = this.#names as string[];
    for (let j = 0; j < names.length; j++) {
      const kind = this.#kinds[j];
      if (kind === K_SKIP) continue;
      const name = names[j] as string;
      const mask = shrinkMask(this.#masks[j] ?? null, n);
      const type = (this.#schemaColumns[j] as ColumnSchema).type;
      if (kind === K_FLOAT) {
        columns.push({
          kind: 'numeric',
          name,
          type: type === 'integer' ? 'integer' : 'numeric',
          values: trimToLength(this.#floats[j] as Float32Array, n),
          missing: mask,
        });
      } else if (kind === K_DATE) {
        columns.push({
          kind: 'numeric',
          name,
          type: 'date',
          values: trimToLength(this.#dates[j] as Float64Array, n),
          missing: mask,
        });
      } else if (kind === K_BOOL) {
        columns.push({
          kind: 'boolean',
          name,
          type: 'boolean',
          values: trimToLength(this.#bools[j] as Uint8Array, n),
          missing: mask,
        });
      } else {
        const { codes, dictionary } = pruneDictionary(
          trimToLength(this.#codes[j] as Int32Array, n),
          this.#dictValues[j] as string[],
        );
        columns.push({ kind: 'categorical', name, type: 'categorical', codes, dictionary, missing: mask });
      }
    }
    const problems = new Map<string, ColumnProblems>();
    names.forEach((name, j) => {
      problems.set(name, this.#problems[j] as ColumnProblems);
    });
    return {
      table: { rowCount: n, columns },
      schema: { ...schema, columns: this.#schemaColumns.map((c) => ({ ...c })) },
      rowsRead: this.#rowsRead,
      droppedRows: this.#droppedRows,
      droppedExamples: this.#droppedExamples,
      raggedRows: this.#raggedRows,
      raggedExamples: this.#raggedExamples,
      missingTargetRows: this.#missingTargetRows,
      missingTargetExamples: this.#missingTargetExamples,
      problems,
      setAside: this.#setAside,
      textMissing: this.#text.missing,
      textDistinct: this.#text.distinctCounts(),
      unknownFields: this.#unknownFields,
      lines: this.#lines,
      previewRows: this.#preview,
    };
  }

  #finishSampling(): void {
    this.#sampling = false;
    const sample = this.#sample;
    const sampleLines = this.#sampleLines;
    this.#sample = [];
    this.#sampleLines = [];
    const objectMode = this.#names === null;
    if (objectMode) this.#names = objectKeysOf(sample as Readonly<Record<string, unknown>>[]);
    const names = this.#names as string[];
    if (objectMode) {
      this.#objectKeys = names;
      if (names.length === 0 && sample.length > 0) {
        throw new EdgeflowError('EMPTY_DATASET', 'The rows have no fields: every object is empty.', {
          details: { rows: sample.length },
        });
      }
    }
    if (names.length === 0) {
      throw new EdgeflowError('EMPTY_DATASET', 'The data has no columns and no rows.', { details: {} });
    }
    names.forEach((name, j) => {
      this.#nameIndex.set(name, j);
    });
    const inferred: InferredColumn[] = names.map((name, j) =>
      inferColumnType(
        sample.map((row) => (Array.isArray(row) ? row[j] : (row as Readonly<Record<string, unknown>>)[name])),
        this.#options.missing,
      ),
    );
    this.#schema = buildSchema({
      names,
      inferred,
      target: this.#options.target,
      ...(this.#options.task ? { task: this.#options.task } : {}),
      ...(this.#options.schema ? { input: this.#options.schema } : {}),
    });
    this.#schemaColumns = this.#schema.columns.map((c) => ({ ...c }));
    const estimate = this.#options.estimateRows?.(sample.length, this.#sampleChars) ?? null;
    this.#allocate(names, inferred, Math.max(1024, sample.length, estimate ?? 0));
    for (let i = 0; i < sample.length; i++) {
      const row = sample[i] as string[] | Readonly<Record<string, unknown>>;
      this.#record = i + 1;
      if (Array.isArray(row)) this.#writeStringRow(row, sampleLines[i] as number);
      else this.#writeObjectRow(row as Readonly<Record<string, unknown>>, sampleLines[i] ?? null);
    }
  }

  #allocate(names: readonly string[], inferred: readonly InferredColumn[], capacity: number): void {
    const count = names.length;
    this.#capacity = capacity;
    this.#kinds = new Uint8Array(count);
    this.#intMode = new Uint8Array(count);
    this.#plain = new Uint8Array(count);
    this.#nullable = new Uint8Array(count);
    this.#mins = new Float64Array(count).fill(Number.NEGATIVE_INFINITY);
    this.#maxs = new Float64Array(count).fill(Number.POSITIVE_INFINITY);
    for (let j = 0; j < count; j++) {
      const column = this.#schemaColumns[j] as ColumnSchema;
      this.#floats.push(null);
      this.#dates.push(null);
      this.#bools.push(null);
      this.#codes.push(null);
      this.#masks.push(null);
      this.#dictMaps.push(null);
      this.#dictValues.push(null);
      this.#cacheKeys.push(null);
      this.#cacheCodes.push(null);
      this.#cacheMisses.push(0);
      this.#allowed.push(column.categories ? new Set(column.categories) : null);
      this.#problems.push(emptyColumnProblems());
      this.#nullable[j] = column.nullable ? 1 : 0;
      if (column.min !== undefined) this.#mins[j] = column.min;
      if (column.max !== undefined) this.#maxs[j] = column.max;
      if (column.role === 'target') this.#targetIndex = j;
      switch (column.type) {
        case 'numeric':
        case 'integer':
          this.#kinds[j] = K_FLOAT;
          this.#floats[j] = new Float32Array(capacity);
          if (column.type === 'integer') {
            const declared =
              (inferred[j] as InferredColumn).type !== 'integer' || this.#declaredType(column.name);
            this.#intMode[j] = declared ? INT_STRICT : INT_INFERRED;
          } else this.#intMode[j] = INT_NONE;
          this.#plain[j] =
            this.#intMode[j] === INT_NONE && column.min === undefined && column.max === undefined ? 1 : 0;
          break;
        case 'date':
          this.#kinds[j] = K_DATE;
          this.#dates[j] = new Float64Array(capacity);
          break;
        case 'boolean':
          this.#kinds[j] = K_BOOL;
          this.#bools[j] = new Uint8Array(capacity);
          break;
        case 'categorical':
          this.#kinds[j] = K_CAT;
          this.#codes[j] = new Int32Array(capacity);
          this.#dictMaps[j] = new Map();
          this.#dictValues[j] = [];
          this.#cacheKeys[j] = [];
          this.#cacheCodes[j] = new Int32Array(CACHE_SIZE);
          break;
        case 'text':
          this.#kinds[j] = K_SKIP;
          this.#setAside.push({ column: column.name, reason: column.note ?? 'free text' });
          this.#text.add(j, column.name);
          break;
      }
    }
  }

  #declaredType(name: string): boolean {
    const input = this.#options.schema;
    return input?.columns.some((c) => c.name === name && c.type !== undefined) ?? false;
  }

  #grow(): void {
    const capacity = Math.ceil(this.#capacity * 1.5) + 1024;
    for (let j = 0; j < this.#kinds.length; j++) {
      this.#floats[j] = grown(this.#floats[j] ?? null, capacity);
      this.#dates[j] = grown(this.#dates[j] ?? null, capacity);
      this.#bools[j] = grown(this.#bools[j] ?? null, capacity);
      this.#codes[j] = grown(this.#codes[j] ?? null, capacity);
      this.#masks[j] = grown(this.#masks[j] ?? null, capacity);
    }
    this.#capacity = capacity;
  }

  /** The hot path: one CSV record into the typed arrays. Common values never leave this loop. */
  #writeStringRow(row: string[], line: number): void {
    if (this.#rowCount === this.#capacity) this.#grow();
    const r = this.#rowCount;
    this.#rowDrop = false;
    const kinds = this.#kinds;
    const plain = this.#plain;
    const floats = this.#floats;
    const codes = this.#codes;
    const maps = this.#dictMaps;
    const cacheKeys = this.#cacheKeys;
    const cacheCodes = this.#cacheCodes;
    const count = kinds.length;
    for (let j = 0; j < count; j++) {
      const kind = kinds[j];
      if (kind === K_FLOAT) {
        const s = row[j] as string;
        const v = parseDecimal(s);
        if (plain[j] === 1 ? v <= FLOAT32_MAX && v >= -FLOAT32_MAX : this.#acceptsFloat(j, v)) {
          (floats[j] as Float32Array)[r] = v;
        } else {
          this.#writeValue(j, r, s, line);
        }
      } else if (kind === K_CAT) {
        const s = row[j] as string;
        // A few frequent spellings are compared directly (cheaper than hashing a fresh string).
        const keys = cacheKeys[j];
        let code = -2;
        if (keys !== null && keys !== undefined) {
          for (let k = 0; k < keys.length; k++) {
            if (keys[k] === s) {
              code = (cacheCodes[j] as Int32Array)[k] as number;
              break;
            }
          }
        }
        if (code < 0) {
          const known = (maps[j] as Map<string, number>).get(s);
          if (known !== undefined && known >= 0) {
            code = known;
            this.#cacheMiss(j, s, known);
          }
        }
        if (code >= 0) (codes[j] as Int32Array)[r] = code;
        else this.#writeValue(j, r, s, line);
      } else if (kind !== K_SKIP) {
        this.#writeValue(j, r, row[j], line);
      }
    }
    if (this.#rowDrop) {
      this.#dropRow(r, line);
      return;
    }
    if (line - r !== this.#lineOffset) {
      this.#lineOffset = line - r;
      this.#lines.add(r, line);
    }
    if (this.#text.indexes.length > 0)
      this.#text.count(this.#names as string[], row, null, this.#options.missing);
    if (r < PREVIEW_ROWS) this.#preview.push(rowObject(this.#names as string[], row));
    this.#rowCount = r + 1;
  }

  /** A category found in the Map but not in the small cache: cache it, or give up on a column with many. */
  #cacheMiss(j: number, key: string, code: number): void {
    const keys = this.#cacheKeys[j];
    if (!keys) return;
    if (keys.length < CACHE_SIZE) {
      (this.#cacheCodes[j] as Int32Array)[keys.length] = code;
      keys.push(key);
      return;
    }
    const misses = (this.#cacheMisses[j] ?? 0) + 1;
    this.#cacheMisses[j] = misses;
    if (misses > CACHE_GIVE_UP) this.#cacheKeys[j] = null;
  }

  /** A parsed number within float32, the declared range and (for integers) whole. */
  #acceptsFloat(j: number, v: number): boolean {
    return (
      v <= FLOAT32_MAX &&
      v >= -FLOAT32_MAX &&
      v >= (this.#mins[j] as number) &&
      v <= (this.#maxs[j] as number) &&
      (this.#intMode[j] === INT_NONE || v === Math.floor(v))
    );
  }

  #writeObjectRow(row: Readonly<Record<string, unknown>>, line: number | null): void {
    if (this.#rowCount === this.#capacity) this.#grow();
    const r = this.#rowCount;
    this.#rowDrop = false;
    const names = this.#names as string[];
    let present = 0;
    for (let j = 0; j < names.length; j++) {
      const name = names[j] as string;
      if (Object.hasOwn(row, name)) present++;
      if (this.#kinds[j] !== K_SKIP) this.#writeValue(j, r, row[name], line);
    }
    if (this.#objectKeys !== null) {
      const keys = Object.keys(row);
      if (keys.length > present) noteUnknownFields(this.#unknownFields, this.#nameIndex, keys, r, line);
    }
    if (this.#rowDrop) {
      this.#dropRow(r, line);
      return;
    }
    if (line !== null && line - r !== this.#lineOffset) {
      this.#lineOffset = line - r;
      this.#lines.add(r, line);
    }
    if (this.#text.indexes.length > 0)
      this.#text.count(this.#names as string[], null, row, this.#options.missing);
    if (r < PREVIEW_ROWS) this.#preview.push({ ...row });
    this.#rowCount = r + 1;
  }

  /** Any value of any stored column: reads it, stores it or records the problem by the row policy. */
  #writeValue(j: number, r: number, raw: unknown, line: number | null): void {
    const kind = this.#kinds[j];
    if (kind === K_FLOAT) {
      const mode = this.#intMode[j];
      const reading = readNumber(raw, false, this.#options.missing);
      if (reading === null) {
        this.#writeMissing(j, r, line);
        return;
      }
      if (typeof reading !== 'number') {
        this.#problem(j, r, raw, line, reading);
        return;
      }
      if (mode !== INT_NONE && reading !== Math.floor(reading)) {
        if (mode === INT_STRICT) {
          this.#problem(j, r, raw, line, 'type_mismatch');
          return;
        }
        // An inferred integer column meets a fraction: it was numeric all along (same storage).
        this.#intMode[j] = INT_NONE;
        const declaredRange =
          this.#mins[j] !== Number.NEGATIVE_INFINITY || this.#maxs[j] !== Number.POSITIVE_INFINITY;
        this.#plain[j] = declaredRange ? 0 : 1;
        const column = this.#schemaColumns[j] as ColumnSchema;
        this.#schemaColumns[j] = { ...column, type: 'numeric' };
      }
      if (reading < (this.#mins[j] as number) || reading > (this.#maxs[j] as number)) {
        this.#problem(j, r, raw, line, 'out_of_range');
        return;
      }
      (this.#floats[j] as Float32Array)[r] = reading;
      return;
    }
    if (kind === K_CAT) {
      const map = this.#dictMaps[j] as Map<string, number>;
      const key = typeof raw === 'string' ? raw : null;
      const known = key === null ? undefined : map.get(key);
      if (known === MISSING_CODE) {
        this.#writeMissing(j, r, line);
        return;
      }
      const category = readCategory(raw, this.#options.missing);
      if (category === null) {
        if (key !== null && map.size < 1_000_000) map.set(key, MISSING_CODE);
        this.#writeMissing(j, r, line);
        return;
      }
      if (category === 'type_mismatch' || category === 'out_of_range') {
        this.#problem(j, r, raw, line, category);
        return;
      }
      const allowed = this.#allowed[j];
      if (allowed && !allowed.has(category)) {
        this.#problem(j, r, raw, line, 'out_of_range');
        return;
      }
      let code = map.get(category);
      if (code === undefined) {
        const values = this.#dictValues[j] as string[];
        if (values.length >= this.#categoryLimit(j)) {
          this.#tooManyCategories(j, line);
          return;
        }
        code = values.length;
        values.push(category);
        map.set(category, code);
      }
      // Remember the untrimmed spelling too, so it takes the fast path next time.
      if (key !== null && key !== category) map.set(key, code);
      (this.#codes[j] as Int32Array)[r] = code;
      return;
    }
    if (kind === K_BOOL) {
      const reading = readBoolean(raw, this.#options.missing);
      if (reading === null) {
        this.#writeMissing(j, r, line);
        return;
      }
      if (reading !== 0 && reading !== 1) {
        this.#problem(j, r, raw, line, reading);
        return;
      }
      (this.#bools[j] as Uint8Array)[r] = reading;
      return;
    }
    if (kind === K_DATE) {
      const reading = readDate(raw, this.#options.missing);
      if (reading === null) {
        this.#writeMissing(j, r, line);
        return;
      }
      if (typeof reading !== 'number') {
        this.#problem(j, r, raw, line, reading);
        return;
      }
      if (reading < (this.#mins[j] as number) || reading > (this.#maxs[j] as number)) {
        this.#problem(j, r, raw, line, 'out_of_range');
        return;
      }
      (this.#dates[j] as Float64Array)[r] = reading;
    }
  }

  #categoryLimit(j: number): number {
    return j === this.#targetIndex ? MAX_TARGET_CLASSES : this.#options.maxCategories;
  }

  /** A categorical feature with too many categories is free text after all: set it aside. */
  #tooManyCategories(j: number, line: number | null): void {
    const column = this.#schemaColumns[j] as ColumnSchema;
    const limit = this.#categoryLimit(j);
    if (j === this.#targetIndex) {
      throw new EdgeflowError(
        'DATA_QUALITY',
        `The target "${column.name}" has more than ${limit} distinct values (at line ${line ?? '?'}), too many classes. For a numeric target use task 'regression'.`,
        { details: { column: column.name, line, limit } },
      );
    }
    const reason = `more than ${limit} distinct values; set aside as free text`;
    this.#schemaColumns[j] = { ...column, type: 'text', role: 'ignored', note: reason };
    this.#kinds[j] = K_SKIP;
    this.#codes[j] = null;
    this.#masks[j] = null;
    this.#dictMaps[j] = null;
    this.#dictValues[j] = null;
    this.#cacheKeys[j] = null;
    this.#setAside.push({ column: column.name, reason });
    // More distinct values than any cap already.
    this.#text.add(j, column.name, true);
  }

  #writeMissing(j: number, r: number, line: number | null): void {
    if (this.#nullable[j] === 0) {
      this.#problem(j, r, null, line, j === this.#targetIndex ? 'missing_target' : 'missing');
      return;
    }
    this.#markMissing(j, r);
    const examples = (this.#problems[j] as ColumnProblems).missingExamples;
    if (examples.length < MAX_EXAMPLES) examples.push({ row: r, line });
  }

  #markMissing(j: number, r: number): void {
    let mask = this.#masks[j];
    if (!mask) {
      mask = new Uint8Array(this.#capacity);
      this.#masks[j] = mask;
    }
    mask[r] = 1;
    const kind = this.#kinds[j];
    if (kind === K_FLOAT) (this.#floats[j] as Float32Array)[r] = Number.NaN;
    else if (kind === K_DATE) (this.#dates[j] as Float64Array)[r] = Number.NaN;
    else if (kind === K_BOOL) (this.#bools[j] as Uint8Array)[r] = 0;
    else if (kind === K_CAT) (this.#codes[j] as Int32Array)[r] = -1;
  }

  #problem(j: number, r: number, raw: unknown, line: number | null, problem: CellIssue): void {
    const column = this.#schemaColumns[j] as ColumnSchema;
    const counts = this.#problems[j] as ColumnProblems;
    const isTarget = j === this.#targetIndex;
    const policy = this.#options.rowPolicy;
    if (policy === 'error') throw cellValueError(column, raw, line, this.#record, problem);
    const example: QualityExample = {
      row: null,
      line,
      ...(problem === 'missing' || problem === 'missing_target' ? {} : { value: describeValue(raw) }),
    };
    if (problem === 'missing_target') {
      this.#missingTargetRows++;
      if (this.#missingTargetExamples.length < MAX_EXAMPLES) this.#missingTargetExamples.push(example);
    } else countCellProblem(counts, problem, raw, example);
    if (policy === 'drop' || isTarget) {
      // A target cannot be imputed: under 'impute' its row is dropped too.
      counts.dropped++;
      this.#rowDrop = true;
      // Keep the slot canonical until the next row overwrites it.
      this.#markMissing(j, r);
      return;
    }
    example.row = r;
    counts.imputed++;
    this.#markMissing(j, r);
  }

  #dropRow(r: number, line: number | null): void {
    this.#droppedRows++;
    if (this.#droppedExamples.length < MAX_EXAMPLES) this.#droppedExamples.push({ row: null, line });
    for (let j = 0; j < this.#masks.length; j++) {
      const mask = this.#masks[j];
      if (mask) mask[r] = 0;
      const examples = (this.#problems[j] as ColumnProblems).missingExamples;
      if (examples.length > 0 && examples[examples.length - 1]?.row === r) examples.pop();
    }
  }
}
