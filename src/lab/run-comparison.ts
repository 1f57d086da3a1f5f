import {
  type FittedColumn,
  type FittedPipeline,
  type FittedTarget,
  fittedPipelineSchema,
} from '../schemas/dataset.ts';
import type { Run } from '../schemas/registry.ts';
import type { FoldMetric, PipelineDifference, RunComparison } from './training-types.ts';

/** Flattens nested JSON into `path → value` pairs (`optimizer.name`, `hidden.0`, …). */
export function flattenJson(
  value: unknown,
  prefix = '',
  out: Record<string, unknown> = {},
): Record<string, unknown> {
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value)
      ? value.map((v, i) => [String(i), v] as const)
      : Object.entries(value);
    if (entries.length === 0) out[prefix] = Array.isArray(value) ? '[]' : '{}';
    for (const [key, child] of entries) flattenJson(child, prefix ? `${prefix}.${key}` : key, out);
  } else if (prefix) {
    out[prefix] = value;
  }
  return out;
}

/** The numeric metrics of a run (the flat ones; nested reports are left out). */
export function numericMetrics(run: Run): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(run.metrics)) if (typeof value === 'number') out[name] = value;
  return out;
}

/**
 * Lines runs up side by side: every metric any run has (null where one lacks it), only the spec
 * fields whose values differ between runs (what MLflow's compare view shows), and how their fitted
 * pipelines differ (`pipelineDifferences`).
 */
export function compareRuns(runs: readonly Run[]): RunComparison {
  const metricNames = [...new Set(runs.flatMap((r) => Object.keys(numericMetrics(r))))].sort();
  const metrics: RunComparison['metrics'] = {};
  for (const name of metricNames) metrics[name] = runs.map((r) => numericMetrics(r)[name] ?? null);
  const flatSpecs = runs.map((r) => flattenJson({ ...asObject(r.spec), backend: r.backend, seed: r.seed }));
  const paths = [...new Set(flatSpecs.flatMap((f) => Object.keys(f)))].sort();
  const differences: RunComparison['differences'] = {};
  for (const path of paths) {
    const values = flatSpecs.map((f) => f[path] ?? null);
    if (new Set(values.map((v) => JSON.stringify(v))).size > 1) differences[path] = values;
  }
  return { runIds: runs.map((r) => r.id), metrics, differences, pipeline: pipelineDifferences(runs) };
}

/** The column name under which pipeline-wide fields (missing-value strings, fitted rows) are listed. */
export const PIPELINE_WIDE = '(pipeline)';

/** A column's transform in one line: its steps in order, then its encoding (`impute(median) → standardize → number`). */
export function describeTransform(column: FittedColumn): string {
  const steps = column.steps.map((step) => (step.step === 'impute' ? `impute(${step.strategy})` : step.step));
  const fill = column.fillCategory === null ? [] : ['fill'];
  return [...fill, ...steps, column.encoding.encoding].join(' → ');
}

/** `field → value` of one fitted column: its transform, then every fitted parameter by step. */
function columnFields(column: FittedColumn): Map<string, unknown> {
  const fields = new Map<string, unknown>([
    ['transform', describeTransform(column)],
    ['type', column.type],
  ]);
  if (column.fillCategory !== null) fields.set('fill.category', column.fillCategory);
  const seen = new Map<string, number>();
  for (const step of column.steps) {
    // A step used twice on one column (two clips) is named `clip`, then `clip#2`.
    const count = (seen.get(step.step) ?? 0) + 1;
    seen.set(step.step, count);
    const name = count === 1 ? step.step : `${step.step}#${count}`;
    for (const [key, value] of Object.entries(step)) {
      if (key !== 'step' && key !== 'strategy') fields.set(`${name}.${key}`, value);
    }
  }
  const { encoding, ...parameters } = column.encoding;
  for (const [key, value] of Object.entries(parameters)) fields.set(`${encoding}.${key}`, value);
  return fields;
}

function targetFields(target: FittedTarget): Map<string, unknown> {
  const fields = new Map<string, unknown>([['task', target.task]]);
  if (target.classes) fields.set('classes', target.classes);
  if (target.mean !== undefined) fields.set('mean', target.mean);
  if (target.scale !== undefined) fields.set('scale', target.scale);
  return fields;
}

/** `column → field → value` of one pipeline, columns in pipeline order, then the target, then pipeline-wide fields. */
function pipelineFields(pipeline: FittedPipeline): Map<string, Map<string, unknown>> {
  const out = new Map<string, Map<string, unknown>>();
  for (const column of pipeline.columns) out.set(column.name, columnFields(column));
  if (pipeline.target) out.set(pipeline.target.name, targetFields(pipeline.target));
  out.set(
    PIPELINE_WIDE,
    new Map<string, unknown>([
      ['fittedRows', pipeline.fittedRows],
      ['featureCount', pipeline.featureCount],
      ['missingValues', pipeline.missingValues ?? null],
    ]),
  );
  return out;
}

/**
 * How the fitted pipelines of runs differ, parameter by parameter (issue 16, point 11): a column
 * scaled with another mean or standard deviation (another split, another seed), encoded with other
 * categories, imputed with another value or strategy, transformed by other steps, or present in one
 * run only; a target scaled differently; other missing-value strings. Fields equal in every run are
 * left out; `null` stands for a run without that pipeline, column or parameter. Values compare as
 * JSON, so numbers must be equal to the bit to count as the same.
 */
export function pipelineDifferences(runs: readonly Run[]): PipelineDifference[] {
  const perRun = runs.map((run) => {
    const parsed = fittedPipelineSchema.safeParse(run.pipeline);
    return parsed.success ? pipelineFields(parsed.data) : new Map<string, Map<string, unknown>>();
  });
  // Columns and fields in the order first met, so the list reads like the pipelines.
  const keys = new Map<string, Set<string>>();
  for (const fields of perRun) {
    for (const [column, columnFieldMap] of fields) {
      const known = keys.get(column) ?? new Set<string>();
      for (const field of columnFieldMap.keys()) known.add(field);
      keys.set(column, known);
    }
  }
  // Pipeline-wide fields last, whichever run listed them first.
  const wide = keys.get(PIPELINE_WIDE);
  keys.delete(PIPELINE_WIDE);
  if (wide) keys.set(PIPELINE_WIDE, wide);
  const out: PipelineDifference[] = [];
  for (const [column, fields] of keys) {
    for (const field of fields) {
      const values = perRun.map((f) => f.get(column)?.get(field) ?? null);
      if (new Set(values.map((v) => JSON.stringify(v))).size > 1) out.push({ column, field, values });
    }
  }
  return out;
}

function asObject(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : { spec: value };
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text =
    typeof value === 'string'
      ? value
      : typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Runs as RFC 4180 CSV: id, status, backend, dates, every spec field and every numeric metric. */
export function runsToCsv(runs: readonly Run[]): string {
  const fixed = ['id', 'status', 'backend', 'seed', 'datasetFingerprint', 'createdAt', 'updatedAt'] as const;
  const specs = runs.map((r) => flattenJson(asObject(r.spec)));
  const specPaths = [...new Set(specs.flatMap((s) => Object.keys(s)))].sort();
  const metricNames = [...new Set(runs.flatMap((r) => Object.keys(numericMetrics(r))))].sort();
  const header = [...fixed, ...specPaths.map((p) => `spec.${p}`), ...metricNames.map((m) => `metric.${m}`)];
  const lines = [header.map(csvCell).join(',')];
  runs.forEach((run, i) => {
    const metrics = numericMetrics(run);
    const row = [
      ...fixed.map((key) => run[key]),
      ...specPaths.map((p) => specs[i]?.[p]),
      ...metricNames.map((m) => metrics[m]),
    ];
    lines.push(row.map(csvCell).join(','));
  });
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * Mean and sample standard deviation over the fold runs of a cross-validation, for every numeric
 * metric that every run has (a metric missing from one fold would bias the mean).
 */
export function summariseFolds(runs: readonly Run[]): Record<string, FoldMetric> {
  const out: Record<string, FoldMetric> = {};
  if (runs.length === 0) return out;
  const perRun = runs.map(numericMetrics);
  const names = Object.keys(perRun[0] ?? {}).filter((name) => perRun.every((m) => name in m));
  for (const name of names.sort()) {
    const values = perRun.map((m) => m[name] as number);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance =
      values.length < 2 ? 0 : values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1);
    out[name] = { mean, sd: Math.sqrt(variance), values };
  }
  return out;
}
