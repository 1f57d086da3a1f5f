import type {
  ColumnQuality,
  ColumnSchema,
  DatasetSchema,
  QualityExample,
  QualityIssue,
  QualityReport,
  RowPolicy,
} from '../schemas/dataset.ts';
import type { LineMap } from './line-map.ts';
import { likelyPlaceholder } from './placeholders.ts';
import type { BuiltTable, ColumnProblems } from './table-builder.ts';
import type { Column, Table } from './types.ts';

/** Numeric columns count distinct values exactly up to this many; above it the count says "at least". */
const DISTINCT_CAP = 1000;
const MAX_EXAMPLES = 5;
/** A class smaller than this share of the largest class is reported as an imbalance. */
const IMBALANCE_RATIO = 0.2;
/** Missing share above which the missing-values issue is a warning rather than information. */
const MISSING_WARNING_RATE = 0.05;

/**
 * Builds the quality report of a freshly built table: per-column missing rate, type mismatches,
 * out-of-range values, cardinality and constant columns; duplicate rows and class balance; and an
 * issue list where every problem names example rows and their lines.
 */
export function buildQualityReport(
  built: BuiltTable,
  schema: DatasetSchema,
  rowPolicy: RowPolicy,
  classCounts: readonly { class: string; count: number }[] | null,
): QualityReport {
  const table = built.table;
  const n = table.rowCount;
  const issues: QualityIssue[] = [];
  const columns: ColumnQuality[] = [];
  let imputedCells = 0;
  let droppedCells = 0;
  const stored = new Map(table.columns.map((c) => [c.name, c]));
  const withRows = (examples: readonly QualityExample[]): QualityExample[] =>
    examples.slice(0, MAX_EXAMPLES).map((e) => ({ ...e }));

  for (const column of schema.columns) {
    const problems = built.problems.get(column.name);
    const data = stored.get(column.name);
    const missing = data ? countMissing(data) : (built.textMissing.get(column.name) ?? 0);
    // Set-aside text columns are not stored; the builder counted their distinct values (issue 18.4).
    const { distinct, capped } = data
      ? countDistinct(data)
      : (built.textDistinct.get(column.name) ?? { distinct: 0, capped: false });
    const present = n - missing;
    const quality: ColumnQuality = {
      name: column.name,
      type: column.type,
      role: column.role,
      present,
      missing,
      missingRate: n === 0 ? 0 : missing / n,
      typeMismatches: problems?.typeMismatches ?? 0,
      outOfRange: problems?.outOfRange ?? 0,
      // Every missing feature cell is imputed by the default pipeline, whether the file left it empty
      // or the 'impute' policy emptied it: one count, so the totals agree with the issues (issue 18.4).
      imputed: data !== undefined && column.role === 'feature' ? missing : 0,
      dropped: problems?.dropped ?? 0,
      distinct,
      distinctCapped: capped,
      constant: data !== undefined && distinct <= 1,
    };
    columns.push(quality);
    imputedCells += quality.imputed;
    droppedCells += quality.dropped;
    if (missing > 0 && data) {
      const rate = missing / n;
      issues.push({
        kind: 'missing_values',
        severity: rate >= MISSING_WARNING_RATE ? 'warning' : 'info',
        column: column.name,
        count: missing,
        message: `Column "${column.name}": ${missing} missing value${missing === 1 ? '' : 's'} (${percent(rate)}).${column.role === 'feature' ? ' The default pipeline imputes them.' : ''}`,
        examples: withRows(problems?.missingExamples ?? []),
      });
    }
    if (quality.typeMismatches > 0) {
      issues.push({
        kind: 'type_mismatch',
        severity: 'warning',
        column: column.name,
        count: quality.typeMismatches,
        message: `Column "${column.name}": ${quality.typeMismatches} value${quality.typeMismatches === 1 ? ' is' : 's are'} not ${describeType(column)}; ${policyOutcome(rowPolicy, column)}.`,
        examples: withRows(problems?.typeExamples ?? []),
      });
    }
    const placeholders = placeholderIssue(column, data, problems, built);
    if (placeholders) issues.push(placeholders);
    if (quality.outOfRange > 0) {
      issues.push({
        kind: 'out_of_range',
        severity: 'warning',
        column: column.name,
        count: quality.outOfRange,
        message: `Column "${column.name}": ${quality.outOfRange} value${quality.outOfRange === 1 ? ' is' : 's are'} out of range; ${policyOutcome(rowPolicy, column)}.`,
        examples: withRows(problems?.rangeExamples ?? []),
      });
    }
    if (data && quality.constant && column.role !== 'ignored') {
      issues.push({
        kind: 'constant_column',
        severity: 'warning',
        column: column.name,
        count: present,
        message:
          distinct === 0
            ? `Column "${column.name}" has no values at all.`
            : `Column "${column.name}" has a single value; it carries no information for a model.`,
        examples: [],
      });
    }
  }

  for (const { column, reason } of built.setAside) {
    issues.push({
      kind: 'set_aside',
      severity: 'info',
      column,
      count: 0,
      message: `Column "${column}" is not used as a feature: ${reason}.`,
      examples: [],
    });
  }

  if (built.missingTargetRows > 0) {
    issues.push({
      kind: 'missing_target',
      severity: 'warning',
      column: schema.target?.name ?? null,
      count: built.missingTargetRows,
      message: `${built.missingTargetRows} row${built.missingTargetRows === 1 ? ' has' : 's have'} no target value and ${built.missingTargetRows === 1 ? 'was' : 'were'} dropped.`,
      examples: withRows(built.missingTargetExamples),
    });
  }
  if (built.raggedRows > 0) {
    const lines = built.raggedExamples.map((e) => e.line).join(', ');
    const more = built.raggedRows > built.raggedExamples.length ? ', …' : '';
    issues.push({
      kind: 'ragged_rows',
      severity: 'warning',
      column: null,
      count: built.raggedRows,
      message: `${built.raggedRows} line${built.raggedRows === 1 ? '' : 's'} had a different number of fields than the header and ${built.raggedRows === 1 ? 'was' : 'were'} dropped (line${built.raggedRows === 1 ? '' : 's'} ${lines}${more}).`,
      examples: withRows(built.raggedExamples),
    });
  }
  if (built.droppedRows > 0) {
    issues.push({
      kind: 'dropped_rows',
      severity: 'warning',
      column: null,
      count: built.droppedRows,
      message: `${built.droppedRows} of ${built.rowsRead} rows were dropped (rowPolicy '${rowPolicy}'); see the other issues for why.`,
      examples: withRows(built.droppedExamples),
    });
  }
  for (const [field, { count, examples }] of built.unknownFields) {
    issues.push({
      kind: 'unknown_fields',
      severity: 'warning',
      column: field,
      count,
      message: `Field "${field}" is not in the schema (it was not in the sampled rows) and was ignored in ${count} row${count === 1 ? '' : 's'}.`,
      examples: withRows(examples),
    });
  }

  const duplicates = findDuplicateRows(table, built.lines);
  if (duplicates.count > 0) {
    issues.push({
      kind: 'duplicate_rows',
      severity: 'warning',
      column: null,
      count: duplicates.count,
      message: `${duplicates.count} row${duplicates.count === 1 ? ' repeats' : 's repeat'} an earlier row in every stored column.`,
      examples: duplicates.examples,
    });
  }

  let classBalance: QualityReport['classBalance'] = null;
  if (classCounts) {
    classBalance = classCounts.map(({ class: name, count }) => ({ class: name, count, fraction: count / n }));
    const largest = Math.max(...classCounts.map((c) => c.count));
    const smallest = classCounts.reduce((a, b) => (b.count < a.count ? b : a));
    if (largest > 0 && smallest.count / largest < IMBALANCE_RATIO) {
      issues.push({
        kind: 'class_imbalance',
        severity: 'warning',
        column: schema.target?.name ?? null,
        count: smallest.count,
        message: `Class "${smallest.class}" has ${smallest.count} rows, ${percent(smallest.count / largest)} of the largest class; consider class weights or more data.`,
        examples: [],
      });
    }
  }

  return {
    rowPolicy,
    rowsRead: built.rowsRead,
    rowCount: n,
    droppedRows: built.droppedRows,
    droppedCells,
    imputedCells,
    duplicateRows: duplicates.count,
    columns,
    classBalance,
    issues,
  };
}

/**
 * Values of a column that look like a placeholder for "missing" (".", "-", "n/a", …; see
 * `likelyPlaceholder`) but were read as a category or rejected as a type mismatch, as one issue
 * naming them, so the user can reload with them in `missingValues` (issue 18, point 4).
 */
function placeholderIssue(
  column: ColumnSchema,
  data: Column | undefined,
  problems: ColumnProblems | undefined,
  built: BuiltTable,
): QualityIssue | null {
  const counts = new Map<string, number>();
  const examples: QualityExample[] = [];
  if (data?.kind === 'categorical') {
    const flagged = new Map<number, string>();
    data.dictionary.forEach((value, code) => {
      const placeholder = likelyPlaceholder(value);
      if (placeholder !== null) flagged.set(code, value);
    });
    if (flagged.size > 0) {
      for (let row = 0; row < data.codes.length; row++) {
        const value = flagged.get(data.codes[row] as number);
        if (value === undefined) continue;
        counts.set(value, (counts.get(value) ?? 0) + 1);
        if (examples.length < MAX_EXAMPLES) examples.push({ row, line: built.lines.lineOf(row), value });
      }
    }
  }
  const asCategory = [...counts.values()].reduce((a, b) => a + b, 0);
  for (const [value, count] of problems?.placeholders ?? [])
    counts.set(value, (counts.get(value) ?? 0) + count);
  if (counts.size === 0) return null;
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const values = [...counts.keys()];
  const named = [...counts].map(([value, count]) => `"${value}" (${count}×)`).join(', ');
  const how =
    asCategory === total
      ? 'read as a category'
      : asCategory === 0
        ? 'counted as not a number'
        : 'read as a category or counted as not a number';
  return {
    kind: 'likely_placeholder',
    severity: 'warning',
    column: column.name,
    count: total,
    message: `Column "${column.name}": ${named} ${values.length === 1 ? 'probably stands for a missing value but was' : 'probably stand for missing values but were'} ${how}. To treat ${values.length === 1 ? 'it' : 'them'} as missing, reload with missingValues including ${values.map((v) => JSON.stringify(v)).join(', ')}.`,
    examples: examples.length > 0 ? examples : (problems?.typeExamples ?? []).slice(0, MAX_EXAMPLES),
    values,
  };
}

function percent(rate: number): string {
  return `${(rate * 100).toFixed(rate < 0.01 ? 2 : 1)} %`;
}

function describeType(column: ColumnSchema): string {
  switch (column.type) {
    case 'integer':
      return 'whole numbers';
    case 'numeric':
      return 'numbers';
    case 'boolean':
      return 'booleans';
    case 'date':
      return 'dates';
    default:
      return `${column.type} values`;
  }
}

function policyOutcome(policy: RowPolicy, column: ColumnSchema): string {
  if (policy === 'drop' || column.role === 'target') return 'their rows were dropped';
  return 'they were made missing, for the pipeline to impute';
}

/** Missing cells of a stored column. */
export function countMissing(column: Column): number {
  const mask = column.missing;
  if (!mask) return 0;
  let count = 0;
  for (let i = 0; i < mask.length; i++) count += mask[i] as number;
  return count;
}

/** Distinct present values; numeric columns stop counting at 1000 (`capped`). */
export function countDistinct(column: Column): { distinct: number; capped: boolean } {
  if (column.kind === 'categorical') return { distinct: column.dictionary.length, capped: false };
  const mask = column.missing;
  const values = column.values;
  const seen = new Set<number>();
  for (let i = 0; i < values.length; i++) {
    if (mask !== null && mask[i] === 1) continue;
    seen.add(values[i] as number);
    if (seen.size > DISTINCT_CAP) return { distinct: DISTINCT_CAP, capped: true };
  }
  return { distinct: seen.size, capped: false };
}

/**
 * Rows equal in every stored column to an earlier row. Each row gets a 64-bit hash of its cells
 * (two multiplicative hashes over the canonical bits; missing cells hash as themselves) and goes into
 * an open-addressing table of row numbers: a row whose hash is already there repeats that row.
 * Hash collisions (about n²/2^65) could count a false repeat; the examples are confirmed cell by cell.
 */
export function findDuplicateRows(
  table: Table,
  lines?: LineMap,
): { count: number; examples: QualityExample[] } {
  const n = table.rowCount;
  if (n < 2) return { count: 0, examples: [] };
  const h1 = new Int32Array(n).fill(-2128831035);
  const h2 = new Int32Array(n).fill(0x5bd1e995);
  const mix = (words: Int32Array | Uint8Array, stride: number, mask: Uint8Array | null): void => {
    for (let w = 0; w < stride; w++) {
      for (let i = 0; i < n; i++) {
        const v = ((words[i * stride + w] as number) ^ (mask !== null ? (mask[i] as number) << 30 : 0)) | 0;
        h1[i] = Math.imul((h1[i] as number) ^ v, 16777619);
        const b = h2[i] as number;
        h2[i] = Math.imul((b << 5) | (b >>> 27), 0x27d4eb2d) ^ v;
      }
    }
  };
  for (const column of table.columns) {
    if (column.kind === 'categorical') mix(column.codes, 1, column.missing);
    else if (column.kind === 'boolean') mix(column.values, 1, column.missing);
    else if (column.values instanceof Float32Array) {
      mix(new Int32Array(column.values.buffer, column.values.byteOffset, n), 1, column.missing);
    } else {
      mix(new Int32Array(column.values.buffer, column.values.byteOffset, n * 2), 2, column.missing);
    }
  }
  // Row number + 1 per slot (0 = empty); at most 70 % full.
  let size = 1024;
  while (size * 0.7 < n) size *= 2;
  const slots = new Int32Array(size);
  const mask = size - 1;
  let count = 0;
  const examples: QualityExample[] = [];
  for (let i = 0; i < n; i++) {
    const a = h1[i] as number;
    const b = h2[i] as number;
    let slot = (a ^ Math.imul(b, 0x9e3779b1)) & mask;
    while (true) {
      const occupant = slots[slot] as number;
      if (occupant === 0) {
        slots[slot] = i + 1;
        break;
      }
      const earlier = occupant - 1;
      if (h1[earlier] === a && h2[earlier] === b) {
        count++;
        if (examples.length < MAX_EXAMPLES && rowsEqual(table, earlier, i)) {
          const line = lines?.lineOf(i) ?? null;
          const earlierLine = lines?.lineOf(earlier) ?? null;
          examples.push({
            row: i,
            line,
            value: `same as row ${earlier}${earlierLine === null ? '' : ` (line ${earlierLine})`}`,
          });
        }
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return { count, examples };
}

function rowsEqual(table: Table, a: number, b: number): boolean {
  for (const column of table.columns) {
    const ma = column.missing ? column.missing[a] : 0;
    const mb = column.missing ? column.missing[b] : 0;
    if (ma !== mb) return false;
    if (ma === 1) continue;
    if (column.kind === 'categorical') {
      if (column.codes[a] !== column.codes[b]) return false;
    } else if (!Object.is(column.values[a], column.values[b])) return false;
  }
  return true;
}
