import type { ColumnProfile, NumericProfile } from 'edgeflow/data';
import { bucketValue } from 'edgeflow/data';
import uPlot from 'uplot';
import { formatNumber, formatTick } from '../format.ts';
import { UplotChart } from './uplot-chart.tsx';

const bars = uPlot.paths.bars?.({ size: [0.9, 48] });
/** Bars start at zero. */
const fromZero: uPlot.Range.Function = (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1];
/** An integer column with at most this many distinct values gets one bar per value. */
const MAX_VALUE_BARS = 30;
/** Equal-width bins of a numeric column with more distinct values. */
const BINS = 20;
/**
 * Integers below this magnitude each have a sketch bucket of their own (buckets are 1/128 of their
 * power of two wide), so the bucket's midpoint truncates to the integer it holds.
 */
const EXACT_INTEGER_LIMIT = 256;

/** One bar: its label on the axis and in the hover legend, and its row count. */
interface Bar {
  label: string;
  count: number;
}

/** What a histogram draws: bars per value, per equal-width bin, or per category. */
export interface HistogramBars {
  kind: 'values' | 'bins' | 'categories';
  bars: Bar[];
  /** Bins: the left edge of each bin and the common width (for a numeric x axis). */
  starts?: number[];
  width?: number;
}

/**
 * The bars of a numeric column from its profile's sketch: one per value for an integer column with
 * few distinct values (a 5-value column shows 5 bars, not one block), else 20 equal-width bins (at
 * most one per integer for an integer column). Counts come from the sketch's buckets, whose
 * midpoints are within 0.4 % of their values.
 */
export function numericBars(column: NumericProfile): HistogramBars | null {
  const { min, max } = column;
  const { keys, counts } = column.sketch;
  if (min === null || max === null || keys.length === 0) return null;
  if (
    column.type === 'integer' &&
    keys.length <= MAX_VALUE_BARS &&
    Math.abs(min) < EXACT_INTEGER_LIMIT &&
    Math.abs(max) < EXACT_INTEGER_LIMIT
  ) {
    return {
      kind: 'values',
      bars: keys.map((key, i) => ({ label: String(Math.trunc(bucketValue(key))), count: counts[i] ?? 0 })),
    };
  }
  const binCount = max === min ? 1 : column.type === 'integer' ? Math.min(BINS, max - min + 1) : BINS;
  const width = max === min ? 1 : (max - min) / binCount;
  const binned = new Array<number>(binCount).fill(0);
  keys.forEach((key, i) => {
    const value = Math.min(max, Math.max(min, bucketValue(key)));
    const bin = Math.min(binCount - 1, Math.floor((value - min) / width));
    binned[bin] = (binned[bin] ?? 0) + (counts[i] ?? 0);
  });
  const starts = binned.map((_, i) => min + i * width);
  return {
    kind: 'bins',
    starts,
    width,
    bars: binned.map((count, i) => {
      const low = starts[i] ?? min;
      const high = i === binCount - 1 ? max : low + width;
      return {
        label: `${formatNumber(low)} to ${i === binCount - 1 ? '' : 'under '}${formatNumber(high)}`,
        count,
      };
    }),
  };
}

/** The bars of a categorical column: the most frequent categories, then "other". */
function categoryBars(column: Extract<ColumnProfile, { kind: 'categorical' }>): HistogramBars {
  return {
    kind: 'categories',
    bars: [
      ...column.top.map((t) => ({ label: t.value, count: t.count })),
      ...(column.otherCount > 0 ? [{ label: 'other', count: column.otherCount }] : []),
    ],
  };
}

/**
 * One feature's distribution from the dataset profile, as bars with a y axis of rows: per value
 * for a low-cardinality integer column, per equal-width bin for other numeric columns, per
 * category (most frequent first, then "other") for a categorical one. Hovering a bar shows its
 * value or range and its count in the legend.
 */
export function FeatureHistogram({ column }: { column: ColumnProfile }) {
  const shown = column.kind === 'numeric' ? numericBars(column) : categoryBars(column);
  const missing = `missing ${(column.missingRate * 100).toFixed(1)} %`;
  const details =
    column.kind === 'numeric'
      ? `mean ${formatNumber(column.mean)} · sd ${formatNumber(column.std)} · ${missing}`
      : `${column.values.length} categories · ${missing}`;
  if (!shown || shown.bars.length === 0) {
    return <p class="muted">{column.name}: no values to plot.</p>;
  }
  const { kind, bars: items } = shown;
  const labels = items.map((b) => b.label);
  const counts = items.map((b) => b.count);
  const binned = kind === 'bins' && shown.starts && shown.width !== undefined;
  // Bins sit at their centres on a numeric axis; values and categories at 0, 1, 2, … with labels.
  const xs = binned
    ? (shown.starts as number[]).map((s) => s + (shown.width as number) / 2)
    : labels.map((_, i) => i);
  const labelAt = (x: number | null): string => {
    if (x === null) return '–';
    const i = binned ? xs.indexOf(x) : Math.round(x);
    return labels[i] ?? '–';
  };
  const colour = column.kind === 'numeric' ? '#2f6fed' : '#7c3aed';
  const fill = column.kind === 'numeric' ? 'rgba(47,111,237,0.35)' : 'rgba(124,58,237,0.35)';
  const summary = items
    .slice(0, 12)
    .map((b) => `${b.label}: ${b.count}`)
    .join(', ');
  const xAxis: uPlot.Axis = binned
    ? { size: 28, values: (_u, splits) => splits.map(formatTick) }
    : {
        size: 28,
        splits: () => labels.map((_, i) => i),
        values: (_u, splits) => splits.map((s) => labels[s] ?? ''),
      };
  const halfStep = binned ? (shown.width as number) / 2 : 0.5;
  return (
    <figure class="histogram" data-testid="histogram" data-kind={kind} data-bars={items.length}>
      <figcaption>
        <strong>{column.name}</strong> <span class="muted">{details}</span>
      </figcaption>
      <UplotChart
        label={`${kind === 'categories' ? 'Counts' : 'Histogram'} of ${column.name}, rows per ${kind === 'bins' ? 'bin' : kind === 'values' ? 'value' : 'category'}: ${summary}${items.length > 12 ? ', …' : ''}`}
        height={140}
        shapeKey={`${column.name}-${kind}-${labels.join('|')}`}
        data={[xs, counts]}
        options={{
          legend: { show: true, live: true },
          cursor: { points: { show: false }, drag: { x: false, y: false } },
          scales: {
            x: {
              time: false,
              range: [(xs[0] ?? 0) - halfStep, (xs[xs.length - 1] ?? 0) + halfStep],
            },
            y: { range: fromZero },
          },
          axes: [
            xAxis,
            {
              label: 'rows',
              labelSize: 14,
              size: 40,
              values: (_u, splits) => splits.map((s) => (Number.isInteger(s) ? String(s) : '')),
            },
          ],
          series: [
            {
              label: kind === 'bins' ? 'range' : kind === 'values' ? 'value' : 'category',
              value: (_u, x) => labelAt(x),
            },
            {
              label: 'rows',
              stroke: colour,
              fill,
              ...(bars ? { paths: bars } : {}),
              points: { show: false },
              value: (_u, v) => (v === null ? '–' : String(v)),
            },
          ],
        }}
      />
    </figure>
  );
}
