import type { ColumnProfile } from 'edgeflow/data';
import uPlot from 'uplot';
import { formatNumber, formatTick } from '../format.ts';
import { UplotChart } from './uplot-chart.tsx';

const bars = uPlot.paths.bars?.({ size: [0.8, 48] });
const steps = uPlot.paths.stepped?.({ align: 1 });
/** Bars and densities start at zero. */
const fromZero: uPlot.Range.Function = (_u, _min, max) => [0, max > 0 ? max * 1.05 : 1];

/**
 * One feature's distribution from the dataset profile: a density histogram over the profile's
 * 20 quantile bins (bins are not equally wide, so the height is count per unit of x), or bars of the
 * most frequent categories plus "other" for a categorical column.
 */
export function FeatureHistogram({ column }: { column: ColumnProfile }) {
  if (column.kind === 'numeric') {
    const { edges, counts } = column.bins20;
    if (edges.length < 2) {
      return <p class="muted">{column.name}: no values to plot.</p>;
    }
    const density = counts.map((count, i) => {
      const width = (edges[i + 1] ?? 0) - (edges[i] ?? 0);
      return width > 0 ? count / width : count;
    });
    // A stepped series needs one y per x: repeat the last bin's height at the right edge.
    const ys = [...density, density[density.length - 1] ?? 0];
    return (
      <figure class="histogram">
        <figcaption>
          <strong>{column.name}</strong>{' '}
          <span class="muted">
            mean {formatNumber(column.mean)} · sd {formatNumber(column.std)} · missing{' '}
            {(column.missingRate * 100).toFixed(1)} %
          </span>
        </figcaption>
        <UplotChart
          label={`Histogram of ${column.name}: ${counts.length} quantile bins from ${formatNumber(column.min)} to ${formatNumber(column.max)}`}
          height={120}
          shapeKey={`${column.name}-numeric`}
          data={[edges, ys]}
          options={{
            legend: { show: false },
            cursor: { show: false },
            scales: { x: { time: false }, y: { range: fromZero } },
            axes: [{ size: 28, values: (_u, splits) => splits.map(formatTick) }, { show: false }],
            series: [
              {},
              {
                stroke: '#2f6fed',
                fill: 'rgba(47,111,237,0.25)',
                ...(steps ? { paths: steps } : {}),
                points: { show: false },
              },
            ],
          }}
        />
      </figure>
    );
  }
  const labels = [...column.top.map((t) => t.value), ...(column.otherCount > 0 ? ['other'] : [])];
  const values = [...column.top.map((t) => t.count), ...(column.otherCount > 0 ? [column.otherCount] : [])];
  return (
    <figure class="histogram">
      <figcaption>
        <strong>{column.name}</strong>{' '}
        <span class="muted">
          {column.values.length} categories · missing {(column.missingRate * 100).toFixed(1)} %
        </span>
      </figcaption>
      <UplotChart
        label={`Counts of ${column.name}: ${labels.map((l, i) => `${l} ${values[i]}`).join(', ')}`}
        height={120}
        shapeKey={`${column.name}-categorical-${labels.join('|')}`}
        data={[labels.map((_, i) => i), values]}
        options={{
          legend: { show: false },
          cursor: { show: false },
          scales: { x: { time: false, range: [-0.5, labels.length - 0.5] }, y: { range: fromZero } },
          axes: [
            {
              size: 28,
              splits: () => labels.map((_, i) => i),
              values: (_u, splits) => splits.map((s) => labels[s] ?? ''),
            },
            { show: false },
          ],
          series: [
            {},
            {
              stroke: '#7c3aed',
              fill: 'rgba(124,58,237,0.35)',
              ...(bars ? { paths: bars } : {}),
              points: { show: false },
            },
          ],
        }}
      />
    </figure>
  );
}
