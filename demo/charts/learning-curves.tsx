import type { Run } from 'edgeflow/registry';
import type uPlot from 'uplot';
import { runCurve } from '../compare/run-fields.ts';
import { runName } from '../lab-state.ts';
import { UplotChart } from './uplot-chart.tsx';

const PALETTE = ['#2f6fed', '#d97706', '#059669', '#7c3aed', '#dc2626', '#0891b2'];

/**
 * Validation (solid) and training (dashed) loss per epoch of several runs on one chart; epochs are
 * aligned from 1, so runs of different lengths overlay.
 */
export function LearningCurves({ runs }: { runs: readonly Run[] }) {
  const curves = runs.map((run) => ({ run, ...runCurve(run) }));
  const longest = Math.max(1, ...curves.map((c) => c.epochs.length));
  const xs = Array.from({ length: longest }, (_, i) => i + 1);
  const ys: Array<Array<number | null>> = [];
  const series: uPlot.Series[] = [{ label: 'epoch' }];
  curves.forEach((c, i) => {
    const color = PALETTE[i % PALETTE.length] ?? '#2f6fed';
    ys.push(xs.map((_, e) => c.valLoss[e] ?? null));
    series.push({ label: `${runName(c.run)} val`, stroke: color, width: 2, spanGaps: true });
    ys.push(xs.map((_, e) => c.loss[e] ?? null));
    series.push({ label: `${runName(c.run)} train`, stroke: color, width: 1, dash: [4, 4], spanGaps: true });
  });
  return (
    <UplotChart
      label={`Learning curves of ${runs.map((r) => runName(r)).join(', ')}`}
      testId="learning-curves"
      height={220}
      shapeKey={runs.map((r) => r.id).join(',')}
      data={[xs, ...ys]}
      options={{
        legend: { live: false },
        scales: { x: { time: false } },
        axes: [
          { label: 'epoch', size: 30, labelSize: 14, incrs: [1, 2, 5, 10, 20, 50, 100] },
          { label: 'loss', size: 50, labelSize: 14 },
        ],
        series,
      }}
    />
  );
}
