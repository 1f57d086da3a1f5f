// Cell problems while a table is built: the per-column counts with their first examples, and the
// error that names the line, column, value and fix when rowPolicy is 'error'.
import { EdgeflowError } from '../errors.ts';
import type { ColumnSchema, QualityExample } from '../schemas/dataset.ts';
import { type CellProblem, describeValue } from './cell-values.ts';
import { likelyPlaceholder } from './placeholders.ts';
import type { ColumnProblems } from './table-builder-types.ts';

/** Examples kept per kind of problem. */
export const MAX_EXAMPLES = 5;

/** What can be wrong with one cell: a reading problem, or a value missing where none may be. */
export type CellIssue = CellProblem | 'missing' | 'missing_target';

/** Empty counts for one column. */
export function emptyColumnProblems(): ColumnProblems {
  return {
    typeMismatches: 0,
    outOfRange: 0,
    imputed: 0,
    dropped: 0,
    typeExamples: [],
    rangeExamples: [],
    missingExamples: [],
  };
}

/**
 * Counts a type mismatch (noting a likely placeholder such as "." or "-") or an out-of-range value
 * in the column's counts, keeping the first examples; other issues are counted by the caller.
 */
export function countCellProblem(
  counts: ColumnProblems,
  problem: CellIssue,
  raw: unknown,
  example: QualityExample,
): void {
  if (problem === 'type_mismatch') {
    counts.typeMismatches++;
    const placeholder = typeof raw === 'string' ? likelyPlaceholder(raw) : null;
    if (placeholder !== null) {
      counts.placeholders ??= new Map();
      counts.placeholders.set(placeholder, (counts.placeholders.get(placeholder) ?? 0) + 1);
    }
    if (counts.typeExamples.length < MAX_EXAMPLES) counts.typeExamples.push(example);
  } else if (problem === 'out_of_range') {
    counts.outOfRange++;
    if (counts.rangeExamples.length < MAX_EXAMPLES) counts.rangeExamples.push(example);
  }
}

/**
 * The error for a cell under rowPolicy 'error': where (the line, else the record number), the value,
 * what was expected and how to fix it.
 */
export function cellValueError(
  column: ColumnSchema,
  raw: unknown,
  line: number | null,
  record: number,
  problem: CellIssue,
): EdgeflowError {
  const where = `${line === null ? `Row ${record}` : `Line ${line}`}, column "${column.name}"`;
  const value = describeValue(raw);
  const fix = `Fix the value, give the column another type in \`schema\`, or load with rowPolicy 'drop' or 'impute'.`;
  let message: string;
  if (problem === 'missing_target') {
    message = `${where}: the target is missing. Fill it in, or load with rowPolicy 'drop' (a row without a target cannot be used).`;
  } else if (problem === 'missing') {
    message = `${where}: a value is missing and the schema says the column is not nullable. ${fix}`;
  } else if (problem === 'out_of_range') {
    const bounds = [
      column.min !== undefined ? `min ${column.min}` : '',
      column.max !== undefined ? `max ${column.max}` : '',
      column.categories ? `one of ${column.categories.slice(0, 10).join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    message = `${where}: "${value}" is out of range${bounds ? ` (${bounds})` : ' (beyond float32)'}. ${fix}`;
  } else {
    const expected =
      column.type === 'integer'
        ? 'a whole number'
        : column.type === 'numeric'
          ? 'a number'
          : `a ${column.type} value`;
    message = `${where}: "${value}" is not ${expected} (column type ${column.type}). ${fix}`;
  }
  return new EdgeflowError('DATA_QUALITY', message, {
    details: { line, record, column: column.name, value, problem, type: column.type },
  });
}
