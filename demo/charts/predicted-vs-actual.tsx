import type uPlot from 'uplot';
import { UplotChart } from './uplot-chart.tsx';

/**
 * Predicted against actual values of the test split as points, with the y = x line: points on the
 * line are perfect predictions. Points are sorted by the actual value (uPlot wants ascending x).
 */
export function PredictedVsActual({
  title,
  actual,
  predicted,
}: {
  title: string;
  actual: number[];
  predicted: number[];
}) {
  const order = actual.map((_, i) => i).sort((a, b) => (actual[a] ?? 0) - (actual[b] ?? 0));
  const xs = order.map((i) => actual[i] ?? 0);
  const ys = order.map((i) => predicted[i] ?? null);
  const series: uPlot.Series[] = [
    { label: 'actual' },
    {
      label: 'predicted',
      stroke: '#2f6fed',
      width: 0,
      points: { show: true, size: 5, fill: '#2f6fed' },
      paths: () => null,
    },
    { label: 'y = x', stroke: '#9ca3af', width: 1, dash: [4, 4], points: { show: false } },
  ];
  return (
    <figure class="scatter">
      <figcaption>{title}</figcaption>
      <UplotChart
        label={`Predicted against actual values of ${title}, ${xs.length} test rows`}
        height={220}
        shapeKey={title}
        data={[xs, ys, xs]}
        options={{
          scales: { x: { time: false } },
          axes: [
            { label: 'actual', size: 30, labelSize: 14 },
            { label: 'predicted', size: 50, labelSize: 14 },
          ],
          series,
        }}
      />
    </figure>
  );
}
