// Turns the collector's bucketed answers into uPlot's aligned columns: one shared time axis (uPlot
// reads seconds), one column per line, null where a line has no point in a bucket (uPlot leaves a
// gap there rather than inventing a value).
import type { DriftResponse, LatencyResponse } from './collector-api.ts';

/** One line of a chart. */
export interface ChartLine {
  label: string;
  /** Which y scale: `y` (left) or `share` (right, 0–1). */
  scale: 'y' | 'share';
  /** Index into the palette; lines of one version share a hue. */
  color: number;
  dash: boolean;
}

/** Columns for uPlot: `x` (seconds) then one column per line. */
export interface ChartColumns {
  lines: ChartLine[];
  data: [number[], ...(number | null)[][]];
  /** Changes when the set of lines changes (the chart is rebuilt then, otherwise only redrawn). */
  shapeKey: string;
}

function align(times: Iterable<number>): { xs: number[]; index: Map<number, number> } {
  const xs = [...new Set(times)].sort((a, b) => a - b);
  return { xs, index: new Map(xs.map((t, i) => [t, i])) };
}

const versionLabel = (version: number | null): string => (version === null ? 'unversioned' : `v${version}`);

/**
 * p50/p95/p99 latency per version over time, in milliseconds.
 *
 * @example
 * const { data, lines } = latencyColumns(await api.latency('iris', { window: '15m' }));
 */
export function latencyColumns(latency: LatencyResponse): ChartColumns {
  const { xs, index } = align(latency.versions.flatMap((v) => v.buckets.map((b) => b.t)));
  const lines: ChartLine[] = [];
  const columns: (number | null)[][] = [];
  latency.versions.forEach((version, v) => {
    for (const q of ['p50', 'p95', 'p99'] as const) {
      const column: (number | null)[] = xs.map(() => null);
      for (const bucket of version.buckets) {
        const value = bucket[q];
        const i = index.get(bucket.t);
        if (i !== undefined && value !== null) column[i] = value * 1000;
      }
      lines.push({ label: `${versionLabel(version.version)} ${q}`, scale: 'y', color: v, dash: q !== 'p50' });
      columns.push(column);
    }
  });
  return {
    lines,
    data: [xs.map((t) => t / 1000), ...columns],
    shapeKey: lines.map((l) => l.label).join('|'),
  };
}

/**
 * Per version, each feature's primary drift statistic (PSI left out: it has its own scale and
 * does not decide), the prediction drift (dashed), and the dataset-drift share on the right axis.
 */
export function driftColumns(drift: DriftResponse): ChartColumns {
  const { xs, index } = align(
    drift.versions.flatMap((v) => [
      ...v.datasetDrift.map((b) => b.t),
      ...v.features.flatMap((f) => f.buckets.map((b) => b.t)),
      ...v.prediction.flatMap((f) => f.buckets.map((b) => b.t)),
    ]),
  );
  const lines: ChartLine[] = [];
  const columns: (number | null)[][] = [];
  let color = 0;
  for (const version of drift.versions) {
    for (const series of version.features) {
      if (series.test === 'psi') continue;
      const column: (number | null)[] = xs.map(() => null);
      for (const bucket of series.buckets) {
        const i = index.get(bucket.t);
        if (i !== undefined) column[i] = bucket.mean;
      }
      lines.push({
        label: `${versionLabel(version.version)} ${series.feature} (${series.test})`,
        scale: 'y',
        color: color++,
        dash: false,
      });
      columns.push(column);
    }
    for (const series of version.prediction) {
      const column: (number | null)[] = xs.map(() => null);
      for (const bucket of series.buckets) {
        const i = index.get(bucket.t);
        if (i !== undefined) column[i] = bucket.mean;
      }
      lines.push({
        label: `${versionLabel(version.version)} prediction (${series.test})`,
        scale: 'y',
        color: color++,
        dash: true,
      });
      columns.push(column);
    }
    if (version.datasetDrift.length > 0) {
      const column: (number | null)[] = xs.map(() => null);
      for (const bucket of version.datasetDrift) {
        const i = index.get(bucket.t);
        if (i !== undefined) column[i] = bucket.mean;
      }
      lines.push({
        label: `${versionLabel(version.version)} dataset drift share`,
        scale: 'share',
        color: color++,
        dash: true,
      });
      columns.push(column);
    }
  }
  return {
    lines,
    data: [xs.map((t) => t / 1000), ...columns],
    shapeKey: lines.map((l) => l.label).join('|'),
  };
}
