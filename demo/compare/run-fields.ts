// Reading a stored run for display: its architecture, the task, its test metrics, its learning
// curve and its confusion matrix or predictions, tolerant of runs written by older versions.
import type { Run } from 'edgeflow/registry';

/** Metrics shown as table columns, per task, with whether greater is better. */
export const METRIC_COLUMNS: Record<
  'classification' | 'regression',
  ReadonlyArray<{ name: string; label: string }>
> = {
  classification: [
    { name: 'accuracy', label: 'accuracy' },
    { name: 'f1_macro', label: 'F1 macro' },
    { name: 'roc_auc_macro', label: 'ROC AUC' },
    { name: 'log_loss', label: 'log loss' },
  ],
  regression: [
    { name: 'mae', label: 'MAE' },
    { name: 'rmse', label: 'RMSE' },
    { name: 'r2', label: 'R²' },
    { name: 'mape', label: 'MAPE' },
  ],
};

function record(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/** The run's task from its spec (classification when unknown). */
export function runTask(run: Run): 'classification' | 'regression' {
  return record(run.spec)?.task === 'regression' ? 'regression' : 'classification';
}

/** A short description of the run's architecture, e.g. `mlp 64-32 · dropout 0.2`. */
export function runArchitecture(run: Run): string {
  const arch = record(record(run.spec)?.architecture);
  if (!arch) return '?';
  const type = String(arch.type);
  if (type === 'mlp' && Array.isArray(arch.hidden)) {
    const dropout = typeof arch.dropout === 'number' && arch.dropout > 0 ? ` · dropout ${arch.dropout}` : '';
    return `mlp ${arch.hidden.join('-')}${dropout}`;
  }
  if (type === 'cnn' && Array.isArray(arch.blocks)) {
    return `cnn ${arch.blocks.map((b) => String(record(b)?.filters ?? '?')).join('-')}`;
  }
  return type;
}

/** A numeric metric of the run, or null. */
export function runMetric(run: Run, name: string): number | null {
  const value = run.metrics[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Per-epoch training and validation loss from the run's history. */
export function runCurve(run: Run): {
  epochs: number[];
  loss: Array<number | null>;
  valLoss: Array<number | null>;
} {
  const epochs: number[] = [];
  const loss: Array<number | null> = [];
  const valLoss: Array<number | null> = [];
  for (const entry of run.history) {
    const e = entry as Record<string, unknown>;
    epochs.push(entry.epoch + 1);
    loss.push(typeof e.loss === 'number' ? e.loss : null);
    const val = e.valLoss ?? e.val_loss;
    valLoss.push(typeof val === 'number' ? val : null);
  }
  return { epochs, loss, valLoss };
}

/** The run's test confusion matrix and class names, when the run stored them. */
export function runConfusion(run: Run): { classes: string[]; matrix: number[][] } | null {
  const m = run.metrics;
  const report = record(m.test) ?? record(m.report) ?? m;
  const matrix = report.confusionMatrix ?? report.confusion_matrix;
  const classes = report.classNames ?? report.class_names;
  if (!Array.isArray(matrix) || !Array.isArray(classes)) return null;
  return {
    classes: classes.map(String),
    matrix: matrix.map((row) => (Array.isArray(row) ? row.map(Number) : [])),
  };
}

/** The run's test predictions against the actual values (regression), when the run stored them. */
export function runPredictions(run: Run): { actual: number[]; predicted: number[] } | null {
  const m = run.metrics;
  const pairs = record(m.predictions) ?? record(record(m.test)?.predictions);
  if (!pairs || !Array.isArray(pairs.actual) || !Array.isArray(pairs.predicted)) return null;
  return { actual: pairs.actual.map(Number), predicted: pairs.predicted.map(Number) };
}

/** Precision, recall and F1 of one class on the test split. */
export interface ClassRow {
  className: string;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  support: number | null;
}

/** Per-class test metrics from a stored metrics record (a run's or a version's), when stored. */
export function perClassMetrics(metrics: Record<string, unknown>): ClassRow[] | null {
  const report = record(metrics.report) ?? record(metrics.test);
  const rows = report?.perClass;
  if (!Array.isArray(rows)) return null;
  const num = (value: unknown): number | null =>
    typeof value === 'number' && Number.isFinite(value) ? value : null;
  return rows.map((row) => {
    const r = record(row) ?? {};
    return {
      className: String(r.className ?? '?'),
      precision: num(r.precision),
      recall: num(r.recall),
      f1: num(r.f1),
      support: num(r.support),
    };
  });
}

/** Tags a person gave a run: every tag but the page's own `name:`, `cv:` and `fold:` bookkeeping. */
export function userTags(run: Pick<Run, 'tags'>): string[] {
  return run.tags.filter((t) => !/^(name|cv|fold):/.test(t));
}

/** Whether a run matches the table's filter text (in its name, id, model, status, tags or notes). */
export function runMatchesText(run: Run, name: string, text: string): boolean {
  const needle = text.trim().toLowerCase();
  if (needle === '') return true;
  const haystack = [name, run.id, runArchitecture(run), run.status, ...run.tags, run.notes ?? '']
    .join(' ')
    .toLowerCase();
  return needle.split(/\s+/).every((word) => haystack.includes(word));
}
