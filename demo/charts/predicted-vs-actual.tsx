import type uPlot from 'uplot';
import { formatNumber, formatTick } from '../format.ts';
import { UplotChart } from './uplot-chart.tsx';

const POINT_COLOUR = '#2f6fed';
const RESIDUAL_COLOUR = '#d97706';

/** A series drawn as points only (uPlot has no scatter type: no path, visible points). */
function pointSeries(label: string, colour: string): uPlot.Series {
  return {
    label,
    stroke: colour,
    width: 0,
    points: { show: true, size: 5, fill: colour },
    paths: () => null,
  };
}

/** Pairs sorted by `key` ascending (uPlot wants x ascending), with null for a missing partner. */
function sortedBy(key: number[], other: number[]): { xs: number[]; ys: Array<number | null> } {
  const order = key.map((_, i) => i).sort((a, b) => (key[a] ?? 0) - (key[b] ?? 0));
  return { xs: order.map((i) => key[i] ?? 0), ys: order.map((i) => other[i] ?? null) };
}

/**
 * A regression run's test predictions: predicted against actual values (points on the dashed
 * y = x line are perfect), and the residuals (actual − predicted) against the predicted value, where
 * a pattern or a slope shows what the model misses. Both axes are in the target's units.
 */
export function PredictedVsActual({
  title,
  actual,
  predicted,
  testRows,
}: {
  title: string;
  actual: number[];
  predicted: number[];
  /** Test rows of the run, when more than the sample shown. */
  testRows?: number;
}) {
  const n = Math.min(actual.length, predicted.length);
  if (n === 0) {
    return (
      <p class="muted" data-testid="predicted-vs-actual-empty">
        {title}: no test predictions stored.
      </p>
    );
  }
  const a = actual.slice(0, n);
  const p = predicted.slice(0, n);
  const residuals = a.map((value, i) => value - (p[i] ?? 0));
  const mae = residuals.reduce((sum, r) => sum + Math.abs(r), 0) / n;
  const bias = residuals.reduce((sum, r) => sum + r, 0) / n;
  const largest = residuals.reduce((m, r) => Math.max(m, Math.abs(r)), 0);
  const scatter = sortedBy(a, p);
  const residualPlot = sortedBy(p, residuals);
  const sample =
    testRows !== undefined && testRows > n ? `a sample of ${n} of ${testRows} test rows` : `${n} test rows`;
  const ticks = (_u: uPlot, splits: number[]) => splits.map(formatTick);
  return (
    <figure class="scatter" data-testid="predicted-vs-actual" data-rows={n}>
      <figcaption>
        <strong>{title}</strong> <span class="muted">{sample}</span>
      </figcaption>
      <UplotChart
        label={`Predicted against actual values of ${title}, ${n} test rows`}
        testId="predicted-vs-actual-chart"
        height={220}
        shapeKey={`${title}-scatter`}
        data={[scatter.xs, scatter.ys, scatter.xs]}
        options={{
          scales: { x: { time: false } },
          axes: [
            { label: 'actual', size: 30, labelSize: 14, values: ticks },
            { label: 'predicted', size: 50, labelSize: 14, values: ticks },
          ],
          series: [
            { label: 'actual', value: (_u, v) => formatNumber(v) },
            { ...pointSeries('predicted', POINT_COLOUR), value: (_u, v) => formatNumber(v) },
            { label: 'y = x', stroke: '#9ca3af', width: 1, dash: [4, 4], points: { show: false } },
          ],
        }}
      />
      <UplotChart
        label={`Residuals (actual − predicted) against predicted values of ${title}: mean ${formatNumber(bias)}, largest ${formatNumber(largest)}`}
        testId="residuals-chart"
        height={160}
        shapeKey={`${title}-residuals`}
        data={[residualPlot.xs, residualPlot.ys, residualPlot.xs.map(() => 0)]}
        options={{
          scales: { x: { time: false } },
          axes: [
            { label: 'predicted', size: 30, labelSize: 14, values: ticks },
            { label: 'residual', size: 50, labelSize: 14, values: ticks },
          ],
          series: [
            { label: 'predicted', value: (_u, v) => formatNumber(v) },
            { ...pointSeries('residual', RESIDUAL_COLOUR), value: (_u, v) => formatNumber(v) },
            { label: 'zero', stroke: '#9ca3af', width: 1, dash: [4, 4], points: { show: false } },
          ],
        }}
      />
      <p class="muted small" data-testid="residual-summary">
        Residual = actual − predicted. Mean absolute residual {formatNumber(mae)}, mean residual{' '}
        {formatNumber(bias)} (
        {bias > 0 ? 'predictions low on average' : bias < 0 ? 'predictions high on average' : 'no bias'}),
        largest {formatNumber(largest)}.
      </p>
    </figure>
  );
}
