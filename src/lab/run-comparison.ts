import type { Run } from '../schemas/registry.ts';
import type { RunComparison } from './training-types.ts';

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
 * Lines runs up side by side: every metric any run has (null where one lacks it) and only the
 * spec fields whose values differ between runs — what MLflow's compare view shows.
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
  return { runIds: runs.map((r) => r.id), metrics, differences };
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
