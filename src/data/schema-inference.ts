import { closestNames, EdgeflowError } from '../errors.ts';
import {
  type ColumnSchema,
  type ColumnType,
  type DatasetSchema,
  type SchemaInput,
  schemaInputSchema,
  type Task,
} from '../schemas/dataset.ts';
import { isBooleanWord, isIsoDate, parseDecimal } from './cell-values.ts';

/** Share of a sample's values that must read as numbers for the column to be numeric (the rest are type mismatches). */
const NUMERIC_SHARE = 0.95;
/** An integer target with at most this many distinct values in the sample is a classification target. */
const MAX_INFERRED_CLASSES = 20;
/** Fewer distinct strings than this always make a categorical column, however few rows there are. */
const SMALL_CARDINALITY = 50;

/** What inference concluded about one column from the sample. */
export interface InferredColumn {
  readonly type: ColumnType;
  readonly note?: string;
  /** Distinct non-missing values in the sample. */
  readonly distinct: number;
  readonly identifier: boolean;
}

/**
 * Infers a column's type from sample values (strings from CSV, JSON values from JSON or code):
 * numbers (integer when all are whole), booleans (true/false, yes/no…), ISO dates, and strings,
 * which are categorical unless nearly every value is different (free text, set aside).
 */
export function inferColumnType(values: readonly unknown[], missing: ReadonlySet<string>): InferredColumn {
  // One pass: numbers are recognised first (cheap, and never a missing-value word), then the rest.
  let n = 0;
  let numeric = 0;
  let integral = 0;
  let booleans = 0;
  let dates = 0;
  let consecutive = true;
  let previous = Number.NaN;
  const numbers = new Set<number>();
  const strings = new Set<string>();
  for (const value of values) {
    if (value === null || value === undefined) continue;
    let number = Number.NaN;
    if (typeof value === 'number') {
      if (Number.isNaN(value)) continue;
      number = value;
    } else if (typeof value === 'string') {
      if (value.length === 0) continue;
      number = parseDecimal(value);
      if (Number.isNaN(number) && (missing.has(value) || missing.has(value.trim()))) continue;
    } else if (typeof value === 'boolean') {
      n++;
      booleans++;
      strings.add(String(value));
      continue;
    }
    n++;
    if (Number.isFinite(number)) {
      numeric++;
      if (Number.isInteger(number)) integral++;
      numbers.add(number);
      if (!Number.isNaN(previous) && number !== previous + 1) consecutive = false;
      previous = number;
      continue;
    }
    consecutive = false;
    if (typeof value !== 'string') continue;
    const text = value.trim();
    strings.add(text);
    // Cheap shape checks first: booleans are short words, ISO dates start with "dddd-".
    if (text.length <= 5 && isBooleanWord(text)) booleans++;
    else if (text.length >= 10 && text.charCodeAt(4) === 45 && isIsoDate(text)) dates++;
  }
  if (n === 0) {
    return {
      type: 'categorical',
      note: 'no values in the sample; read as categories',
      distinct: 0,
      identifier: false,
    };
  }
  const distinct = numbers.size + strings.size;
  if (booleans === n) return { type: 'boolean', distinct: strings.size, identifier: false };
  if (dates === n) return { type: 'date', distinct, identifier: false };
  if (numeric >= NUMERIC_SHARE * n) {
    const note =
      numeric < n
        ? `${n - numeric} of ${n} sampled values are not numbers; they count as type mismatches`
        : undefined;
    if (integral === numeric) {
      // Consecutive whole numbers in order (1, 2, 3, …) are a row number or identifier, not a measurement.
      const identifier = n >= 20 && numeric === n && consecutive;
      return {
        type: 'integer',
        distinct,
        identifier,
        ...(identifier
          ? { note: 'identifier (consecutive whole numbers); set aside' }
          : note
            ? { note }
            : {}),
      };
    }
    return { type: 'numeric', distinct, identifier: false, ...(note ? { note } : {}) };
  }
  let length = 0;
  for (const text of strings) length += text.length;
  const longText = strings.size > 0 && length / strings.size >= 40;
  if ((distinct > SMALL_CARDINALITY || longText) && distinct > n * 0.5) {
    return {
      type: 'text',
      distinct,
      identifier: false,
      note: `free text (${distinct} distinct values in ${n} sampled rows); set aside`,
    };
  }
  return { type: 'categorical', distinct, identifier: false };
}

/** Everything `buildSchema` needs. */
export interface SchemaRequest {
  readonly names: readonly string[];
  readonly inferred: readonly InferredColumn[];
  readonly target: string | null;
  readonly task?: Task;
  readonly input?: SchemaInput | DatasetSchema;
}

/**
 * Builds the dataset schema from the inferred columns, the caller's overrides and the target:
 * roles (target, feature, or ignored for free text, identifiers and dates), the task (categorical,
 * boolean, or integer with few values → classification; otherwise regression, unless `task` says).
 *
 * @throws EdgeflowError `TARGET_NOT_FOUND`, `SCHEMA_MISMATCH` (overrides naming absent columns, or a
 * strict schema whose columns differ), `INVALID_ARGUMENT` (a target that cannot serve the task).
 */
export function buildSchema(request: SchemaRequest): DatasetSchema {
  const input = request.input === undefined ? undefined : parseSchemaInput(request.input);
  const names = request.names;
  const byName = new Map(names.map((name, index) => [name, index]));
  const targetName = request.target ?? input?.target?.name ?? null;
  if (targetName !== null) checkTargetExists(targetName, names);

  const overrides = new Map<string, SchemaInput['columns'][number]>();
  for (const column of input?.columns ?? []) {
    if (!byName.has(column.name)) {
      const near = closestNames(column.name, [...names]);
      throw new EdgeflowError(
        'SCHEMA_MISMATCH',
        `The schema names column "${column.name}", which the data does not have.${near.length ? ` Did you mean ${near.map((n) => `"${n}"`).join(', ')}?` : ''} Columns: ${names.join(', ')}.`,
        { details: { column: column.name, columns: [...names] } },
      );
    }
    overrides.set(column.name, column);
  }
  if (input?.strict) {
    const extra = names.filter((name) => !overrides.has(name));
    const absent = (input.columns ?? []).filter((c) => !byName.has(c.name)).map((c) => c.name);
    if (extra.length || absent.length) {
      throw new EdgeflowError(
        'SCHEMA_MISMATCH',
        `The data's columns differ from the strict schema: ${extra.length ? `not in the schema: ${extra.join(', ')}` : ''}${extra.length && absent.length ? '; ' : ''}${absent.length ? `missing from the data: ${absent.join(', ')}` : ''}.`,
        { details: { extra, absent } },
      );
    }
  }

  const columns: ColumnSchema[] = names.map((name, index) => {
    const inferred = request.inferred[index] as InferredColumn;
    const override = overrides.get(name);
    const type = override?.type ?? inferred.type;
    let role = override?.role;
    if (role === undefined) {
      if (name === targetName) role = 'target';
      else if (type === 'text' || type === 'date' || (inferred.identifier && override?.type === undefined))
        role = 'ignored';
      else role = 'feature';
    }
    const column: ColumnSchema = {
      name,
      type,
      role: name === targetName ? 'target' : role === 'target' ? 'feature' : role,
      nullable: name === targetName ? false : (override?.nullable ?? true),
    };
    if (override?.min !== undefined) column.min = override.min;
    if (override?.max !== undefined) column.max = override.max;
    if (override?.categories !== undefined) column.categories = override.categories;
    const note =
      override?.note ??
      (override?.type === undefined ? inferred.note : undefined) ??
      (type === 'date' && column.role === 'ignored'
        ? 'dates are not features by default; give the column role "feature" to use epoch milliseconds'
        : undefined);
    if (note !== undefined) column.note = note;
    return column;
  });

  if (targetName === null) return { version: 1, columns, target: null };
  const targetIndex = byName.get(targetName) as number;
  const targetColumn = columns[targetIndex] as ColumnSchema;
  const inferredTarget = request.inferred[targetIndex] as InferredColumn;
  const task = request.task ?? input?.target?.task ?? inferTask(targetColumn.type, inferredTarget.distinct);
  if (targetColumn.type === 'date') {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `The target "${targetName}" holds dates; a target must be categorical or numeric. Pick another target or give the column a type in \`schema\`.`,
      { details: { column: targetName, type: 'date' } },
    );
  }
  if (task === 'regression' && !isNumericType(targetColumn.type)) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `Task "regression" needs a numeric target, but "${targetName}" is ${targetColumn.type}. Use task "classification", or another target.`,
      { details: { column: targetName, type: targetColumn.type, task } },
    );
  }
  if (task === 'classification' && targetColumn.type !== 'categorical') {
    // Classes are read as category names, whatever they look like ("0", "1", "yes").
    columns[targetIndex] = {
      ...targetColumn,
      type: 'categorical',
      note: `read as categories (classification target; inferred ${targetColumn.type})`,
    };
  }
  return { version: 1, columns, target: { name: targetName, task } };
}

function inferTask(type: ColumnType, distinct: number): Task {
  if (type === 'categorical' || type === 'boolean' || type === 'text') return 'classification';
  if (type === 'integer' && distinct <= MAX_INFERRED_CLASSES) return 'classification';
  return 'regression';
}

function isNumericType(type: ColumnType): boolean {
  return type === 'numeric' || type === 'integer';
}

/**
 * @throws EdgeflowError `TARGET_NOT_FOUND` naming the closest column names.
 */
export function checkTargetExists(target: string, names: readonly string[]): void {
  if (names.includes(target)) return;
  const near = closestNames(target, [...names]);
  throw new EdgeflowError(
    'TARGET_NOT_FOUND',
    `The target column "${target}" is not in the data.${near.length ? ` Did you mean ${near.map((n) => `"${n}"`).join(', ')}?` : ''} Columns: ${names.slice(0, 50).join(', ')}${names.length > 50 ? ', …' : ''}.`,
    { details: { target, columns: names.slice(0, 200) } },
  );
}

function parseSchemaInput(input: SchemaInput | DatasetSchema): SchemaInput {
  const parsed = schemaInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `The schema is not valid: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : parsed.error.message}.`,
      { cause: parsed.error, details: { path: issue?.path.map(String) ?? [] } },
    );
  }
  return parsed.data;
}
