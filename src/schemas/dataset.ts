// The data layer's records as zod schemas: a dataset's schema (the input signature of every model
// trained on it), its quality report, its profile (the drift reference), the fitted preprocessing
// pipeline that travels with a model, and the summary `lab.loadDataset` returns. All plain JSON.
import { z } from 'zod';

/**
 * How a column's values are read and stored. `integer` and `numeric` are stored as float32;
 * `date` as epoch milliseconds (float64); `text` (free text) is set aside and not stored.
 */
export const columnTypeSchema = z.enum(['numeric', 'integer', 'boolean', 'categorical', 'date', 'text']);

/** What a column is for: a model input, the value to predict, or neither (set aside). */
export const columnRoleSchema = z.enum(['feature', 'target', 'ignored']);

/** The learning task a target implies. */
export const taskSchema = z.enum(['classification', 'regression']);

/** What happens to a row with a value that cannot be used: fail, leave the row out, or mark the cell missing. */
export const rowPolicySchema = z.enum(['error', 'drop', 'impute']);

/** One column of a dataset schema. */
export const columnSchemaSchema = z.strictObject({
  name: z.string().min(1),
  type: columnTypeSchema,
  role: columnRoleSchema,
  /** Whether a missing value is acceptable (features: imputed later); a missing target never is. */
  nullable: z.boolean(),
  /** Declared lower bound (checked; values below count as out of range). */
  min: z.number().optional(),
  /** Declared upper bound (checked; values above count as out of range). */
  max: z.number().optional(),
  /** Declared allowed values of a categorical column (checked; others count as out of range). */
  categories: z.array(z.string()).optional(),
  /** Why an inferred type or role was chosen, when it is not the obvious one (e.g. an identifier set aside). */
  note: z.string().optional(),
});

/** The target of a dataset: which column, which task, and (classification) the classes in index order. */
export const targetSchema = z.strictObject({
  name: z.string().min(1),
  task: taskSchema,
  classes: z.array(z.string()).optional(),
});

/**
 * A dataset schema: the columns in file order with type and role, and the target. Stored with every
 * model version as its input signature; two schemas compare equal as JSON.
 */
export const datasetSchemaSchema = z
  .strictObject({
    version: z.literal(1),
    columns: z.array(columnSchemaSchema).min(1),
    target: targetSchema.nullable(),
  })
  .superRefine((schema, ctx) => {
    const seen = new Set<string>();
    schema.columns.forEach((column, index) => {
      if (seen.has(column.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['columns', index, 'name'],
          message: `Column "${column.name}" appears twice.`,
        });
      }
      seen.add(column.name);
    });
    const targets = schema.columns.filter((c) => c.role === 'target');
    if (schema.target === null && targets.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['target'],
        message: 'A column has role "target" but target is null.',
      });
    }
    if (schema.target !== null) {
      const name = schema.target.name;
      if (targets.length !== 1 || targets[0]?.name !== name) {
        ctx.addIssue({
          code: 'custom',
          path: ['target', 'name'],
          message: `Exactly one column, "${name}", must have role "target".`,
        });
      }
    }
  });

/** A partial column description a caller gives to override inference (only `name` is required). */
export const columnOverrideSchema = z.strictObject({
  name: z.string().min(1),
  type: columnTypeSchema.optional(),
  role: columnRoleSchema.optional(),
  nullable: z.boolean().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  categories: z.array(z.string()).optional(),
  note: z.string().optional(),
});

/**
 * A schema handed to `loadDataset`: a full `DatasetSchema` (e.g. a model's input signature) or just
 * the columns to override. With `strict`, the file must have exactly these columns.
 */
export const schemaInputSchema = z.strictObject({
  version: z.literal(1).optional(),
  columns: z.array(columnOverrideSchema),
  target: targetSchema.nullable().optional(),
  strict: z.boolean().optional(),
});

/** One example row of a quality problem: its index in the loaded table (null when dropped) and its line in the file. */
export const qualityExampleSchema = z.strictObject({
  row: z.number().int().nonnegative().nullable(),
  line: z.number().int().positive().nullable(),
  value: z.string().optional(),
});

/** The kinds of problem a quality report names. */
export const qualityIssueKindSchema = z.enum([
  'missing_values',
  'type_mismatch',
  'out_of_range',
  'missing_target',
  'constant_column',
  'set_aside',
  'duplicate_rows',
  'class_imbalance',
  'unknown_fields',
  'dropped_rows',
  'ragged_rows',
  'likely_placeholder',
]);

/** One problem found in the data, with how often and where (the first few rows and their lines). */
export const qualityIssueSchema = z.strictObject({
  kind: qualityIssueKindSchema,
  severity: z.enum(['info', 'warning', 'error']),
  column: z.string().nullable(),
  count: z.number().int().nonnegative(),
  message: z.string(),
  examples: z.array(qualityExampleSchema),
  /** `likely_placeholder`: the strings that look like a missing value (to add to `missingValues`). */
  values: z.array(z.string()).optional(),
});

/** Per-column quality figures. `missing` counts cells missing in the loaded table (after the row policy). */
export const columnQualitySchema = z.strictObject({
  name: z.string(),
  type: columnTypeSchema,
  role: columnRoleSchema,
  /** Cells with a value in the loaded table. */
  present: z.number().int().nonnegative(),
  missing: z.number().int().nonnegative(),
  missingRate: z.number().min(0).max(1),
  /** Values that could not be read as the column's type (seen in the file, whatever the policy did). */
  typeMismatches: z.number().int().nonnegative(),
  /** Values outside the declared range or categories, or beyond float32. */
  outOfRange: z.number().int().nonnegative(),
  /**
   * Feature cells the default pipeline's imputer fills: missing in the file, or made missing by the
   * `'impute'` policy (those are also counted in `typeMismatches` or `outOfRange`). 0 for the target
   * and ignored columns.
   */
  imputed: z.number().int().nonnegative(),
  /** Problem cells whose rows the `'drop'` policy left out. */
  dropped: z.number().int().nonnegative(),
  /** Distinct values present (exact up to `distinctCapped`). */
  distinct: z.number().int().nonnegative(),
  distinctCapped: z.boolean(),
  constant: z.boolean(),
});

/** The quality report of a loaded dataset. */
export const qualityReportSchema = z.strictObject({
  rowPolicy: rowPolicySchema,
  /** Data rows read from the source (not counting the header and empty lines). */
  rowsRead: z.number().int().nonnegative(),
  /** Rows in the loaded table. */
  rowCount: z.number().int().nonnegative(),
  droppedRows: z.number().int().nonnegative(),
  droppedCells: z.number().int().nonnegative(),
  /** The sum of the columns' `imputed`: feature cells the default pipeline imputes. */
  imputedCells: z.number().int().nonnegative(),
  /** Rows equal (in every stored column) to an earlier row. */
  duplicateRows: z.number().int().nonnegative(),
  columns: z.array(columnQualitySchema),
  /** Classification targets: rows per class, in class-index order. */
  classBalance: z
    .array(z.strictObject({ class: z.string(), count: z.number().int().nonnegative(), fraction: z.number() }))
    .nullable(),
  issues: z.array(qualityIssueSchema),
});

/**
 * A mergeable quantile sketch: counts per float64 bucket (sign, exponent and the top `mantissaBits`
 * of the mantissa), keys ascending by value. Bucket counts add exactly, so merging the sketches of
 * two halves gives the sketch of the whole; a quantile read from it is within a relative error of
 * 2^-(mantissaBits+1) of a value of the data.
 */
export const floatSketchSchema = z.strictObject({
  mantissaBits: z.number().int().min(1).max(20),
  keys: z.array(z.number().int()),
  counts: z.array(z.number().int().positive()),
});

/** Quantile bins: `edges` strictly increasing (first = min, last = max); `counts[i]` rows in [edges[i], edges[i+1]). */
export const quantileBinsSchema = z.strictObject({
  edges: z.array(z.number()),
  counts: z.array(z.number().int().nonnegative()),
});

/** The profile of a numeric (or date) column. */
export const numericProfileSchema = z.strictObject({
  kind: z.literal('numeric'),
  name: z.string(),
  type: columnTypeSchema,
  count: z.number().int().nonnegative(),
  missing: z.number().int().nonnegative(),
  missingRate: z.number().min(0).max(1),
  min: z.number().nullable(),
  max: z.number().nullable(),
  mean: z.number().nullable(),
  /** Population standard deviation. */
  std: z.number().nullable(),
  /** Sum of squared deviations from the mean (for exact-as-floats merging). */
  m2: z.number(),
  bins10: quantileBinsSchema,
  bins20: quantileBinsSchema,
  sketch: floatSketchSchema,
});

/** The profile of a categorical (or boolean) column: every category's count, plus the top K and the rest. */
export const categoricalProfileSchema = z.strictObject({
  kind: z.literal('categorical'),
  name: z.string(),
  type: columnTypeSchema,
  count: z.number().int().nonnegative(),
  missing: z.number().int().nonnegative(),
  missingRate: z.number().min(0).max(1),
  /** All categories, sorted; `counts[i]` belongs to `values[i]`. */
  values: z.array(z.string()),
  counts: z.array(z.number().int().nonnegative()),
  topK: z.number().int().positive(),
  /** The `topK` most frequent categories (ties by name). */
  top: z.array(z.strictObject({ value: z.string(), count: z.number().int().nonnegative() })),
  /** Rows whose category is not in `top`. */
  otherCount: z.number().int().nonnegative(),
});

/** A column's profile. */
export const columnProfileSchema = z.discriminatedUnion('kind', [
  numericProfileSchema,
  categoricalProfileSchema,
]);

/** A dataset profile: the reference later windows are compared with for drift. Mergeable (`mergeProfiles`). */
export const profileSchema = z.strictObject({
  version: z.literal(1),
  rowCount: z.number().int().nonnegative(),
  columns: z.array(columnProfileSchema),
});

/** A step fitted on one input column, applied to its numeric value in order. */
export const fittedNumericStepSchema = z.discriminatedUnion('step', [
  z.strictObject({
    step: z.literal('impute'),
    strategy: z.enum(['mean', 'median', 'most_frequent', 'constant']),
    value: z.number(),
  }),
  z.strictObject({ step: z.literal('standardize'), mean: z.number(), scale: z.number() }),
  z.strictObject({ step: z.literal('minmax'), min: z.number(), scale: z.number(), low: z.number() }),
  z.strictObject({ step: z.literal('clip'), min: z.number(), max: z.number() }),
  z.strictObject({ step: z.literal('log1p') }),
]);

/** How a fitted column becomes output features. */
export const fittedEncodingSchema = z.discriminatedUnion('encoding', [
  z.strictObject({ encoding: z.literal('number') }),
  z.strictObject({
    encoding: z.literal('onehot'),
    categories: z.array(z.string()),
    unknown: z.enum(['ignore', 'error']),
  }),
  z.strictObject({
    encoding: z.literal('ordinal'),
    categories: z.array(z.string()),
    unknown: z.enum(['error', 'use_value']),
    unknownValue: z.number(),
  }),
]);

/** One input column of a fitted pipeline: how to read it, fill it, scale it and encode it. */
export const fittedColumnSchema = z.strictObject({
  name: z.string().min(1),
  type: columnTypeSchema,
  /** Categorical columns: the category a missing value becomes (`null` = no imputer; missing is an error). */
  fillCategory: z.string().nullable(),
  /** Numeric steps, in order (impute first when present). */
  steps: z.array(fittedNumericStepSchema),
  encoding: fittedEncodingSchema,
  /** Index of this column's first output feature; it has `width` of them. */
  offset: z.number().int().nonnegative(),
  width: z.number().int().nonnegative(),
});

/** The fitted target transform. */
export const fittedTargetSchema = z.strictObject({
  name: z.string().min(1),
  task: taskSchema,
  classes: z.array(z.string()).optional(),
  /** Regression: `scaled = (y - mean) / scale`; invert with `y = scaled * scale + mean`. */
  mean: z.number().optional(),
  scale: z.number().optional(),
});

/**
 * A fitted preprocessing pipeline: plain JSON that travels with a model version, so the edge applies
 * exactly the transformation training saw. Numbers are read as float32 first, like the table.
 */
export const fittedPipelineSchema = z.strictObject({
  version: z.literal(1),
  columns: z.array(fittedColumnSchema),
  featureNames: z.array(z.string()),
  featureCount: z.number().int().nonnegative(),
  target: fittedTargetSchema.nullable(),
  /** Rows the pipeline was fitted on. */
  fittedRows: z.number().int().nonnegative(),
  /** Strings read as missing when the training data was loaded; predict reads raw rows the same way. */
  missingValues: z.array(z.string()).optional(),
});

/** Which columns a pipeline step applies to: names, or every feature of some types (default: the step's natural types). */
const stepColumnsShape = {
  columns: z.array(z.string().min(1)).optional(),
  types: z.array(columnTypeSchema).optional(),
};

/** A pipeline step as a caller writes it (`fitPipeline(table, schema, steps)`). */
export const pipelineStepSchema = z.discriminatedUnion('step', [
  z.strictObject({
    step: z.literal('impute'),
    strategy: z.enum(['mean', 'median', 'most_frequent', 'constant']),
    value: z.union([z.number(), z.string()]).optional(),
    ...stepColumnsShape,
  }),
  z.strictObject({ step: z.literal('standardize'), ...stepColumnsShape }),
  z.strictObject({
    step: z.literal('minmax'),
    range: z.tuple([z.number(), z.number()]).optional(),
    ...stepColumnsShape,
  }),
  z.strictObject({
    step: z.literal('clip'),
    min: z.number().optional(),
    max: z.number().optional(),
    /** Fitted bounds: these quantiles of the training values (e.g. [0.01, 0.99]). */
    quantiles: z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]).optional(),
    ...stepColumnsShape,
  }),
  z.strictObject({ step: z.literal('log1p'), ...stepColumnsShape }),
  z.strictObject({
    step: z.literal('onehot'),
    /** Keep the most frequent categories (training split); the rest encode like unknown ones. */
    maxCategories: z.number().int().positive().optional(),
    /** An unseen category: all-zero features (`'ignore'`, default) or an error. */
    unknown: z.enum(['ignore', 'error']).optional(),
    ...stepColumnsShape,
  }),
  z.strictObject({
    step: z.literal('ordinal'),
    /** Category order per column (default: sorted training categories). */
    categories: z.record(z.string(), z.array(z.string())).optional(),
    unknown: z.enum(['error', 'use_value']).optional(),
    unknownValue: z.number().optional(),
    ...stepColumnsShape,
  }),
]);

/** What `lab.loadDataset` returns: the dataset's identity and reports; the data stays in the worker. */
export const datasetSummarySchema = z.strictObject({
  id: z.string().min(1),
  name: z.string(),
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  rowCount: z.number().int().nonnegative(),
  schema: datasetSchemaSchema,
  quality: qualityReportSchema,
  profile: profileSchema,
  /** Where the data came from. */
  source: z.strictObject({
    kind: z.enum(['file', 'blob', 'url', 'text', 'bytes', 'stream', 'rows']),
    name: z.string().nullable(),
    format: z.enum(['csv', 'tsv', 'json', 'ndjson', 'rows']),
    bytes: z.number().int().nonnegative(),
    /** CSV/TSV: the decimal separator numbers were read with. */
    decimalSeparator: z.enum(['.', ',']).optional(),
  }),
  /** Which lab worker holds the data. */
  worker: z.number().int().nonnegative(),
  loadedAt: z.number().int().nonnegative(),
  loadMs: z.number().nonnegative(),
});

/** A column's type. */
export type ColumnType = z.infer<typeof columnTypeSchema>;
/** A column's role. */
export type ColumnRole = z.infer<typeof columnRoleSchema>;
/** A learning task. */
export type Task = z.infer<typeof taskSchema>;
/** A row policy. */
export type RowPolicy = z.infer<typeof rowPolicySchema>;
/** One column of a dataset schema. */
export type ColumnSchema = z.infer<typeof columnSchemaSchema>;
/** A dataset's target. */
export type TargetSchema = z.infer<typeof targetSchema>;
/** A dataset schema. */
export type DatasetSchema = z.infer<typeof datasetSchemaSchema>;
/** A column override. */
export type ColumnOverride = z.infer<typeof columnOverrideSchema>;
/** A schema given to `loadDataset`. */
export type SchemaInput = z.infer<typeof schemaInputSchema>;
/** An example row of a quality problem. */
export type QualityExample = z.infer<typeof qualityExampleSchema>;
/** A kind of quality problem. */
export type QualityIssueKind = z.infer<typeof qualityIssueKindSchema>;
/** A quality problem. */
export type QualityIssue = z.infer<typeof qualityIssueSchema>;
/** Per-column quality figures. */
export type ColumnQuality = z.infer<typeof columnQualitySchema>;
/** A quality report. */
export type QualityReport = z.infer<typeof qualityReportSchema>;
/** A mergeable quantile sketch. */
export type FloatSketch = z.infer<typeof floatSketchSchema>;
/** Quantile bins. */
export type QuantileBins = z.infer<typeof quantileBinsSchema>;
/** A numeric column's profile. */
export type NumericProfile = z.infer<typeof numericProfileSchema>;
/** A categorical column's profile. */
export type CategoricalProfile = z.infer<typeof categoricalProfileSchema>;
/** A column's profile. */
export type ColumnProfile = z.infer<typeof columnProfileSchema>;
/** A dataset profile. */
export type Profile = z.infer<typeof profileSchema>;
/** A fitted numeric step. */
export type FittedNumericStep = z.infer<typeof fittedNumericStepSchema>;
/** A fitted encoding. */
export type FittedEncoding = z.infer<typeof fittedEncodingSchema>;
/** A fitted input column. */
export type FittedColumn = z.infer<typeof fittedColumnSchema>;
/** A fitted target transform. */
export type FittedTarget = z.infer<typeof fittedTargetSchema>;
/** A fitted pipeline. */
export type FittedPipeline = z.infer<typeof fittedPipelineSchema>;
/** A pipeline step as written by a caller. */
export type PipelineStep = z.infer<typeof pipelineStepSchema>;
/** The summary of a loaded dataset. */
export type DatasetSummary = z.infer<typeof datasetSummarySchema>;
