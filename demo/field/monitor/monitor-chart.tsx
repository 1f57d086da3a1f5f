import type uPlot from 'uplot';
import { UplotChart } from '../../charts/uplot-chart.tsx';
import { formatTick } from '../../format.ts';
import type { ChartColumns } from './chart-data.ts';

const PALETTE = ['#2f6fed', '#d97706', '#059669', '#7c3aed', '#dc2626', '#0891b2', '#db2777', '#65a30d'];

/** A time chart of the monitor: lines from `chart-data.ts`, a left axis and, when used, a 0–1 share axis. */
export function MonitorChart({
  columns,
  label,
  yLabel,
  testId,
  height = 200,
}: {
  columns: ChartColumns;
  label: string;
  yLabel: string;
  testId: string;
  height?: number;
}) {
  const series: uPlot.Series[] = [
    {},
    ...columns.lines.map((line) => ({
      label: line.label,
      scale: line.scale,
      stroke: PALETTE[line.color % PALETTE.length] ?? '#2f6fed',
      width: line.dash ? 1.5 : 2,
      ...(line.dash ? { dash: [5, 4] } : {}),
      spanGaps: true,
      value: (_: uPlot, v: number | null) => (v === null ? '–' : formatTick(v)),
    })),
  ];
  const usesShare = columns.lines.some((l) => l.scale === 'share');
  const axes: uPlot.Axis[] = [
    {},
    { label: yLabel, size: 56, labelSize: 14, values: (_u, ticks) => ticks.map(formatTick) },
    ...(usesShare
      ? [{ scale: 'share', side: 1, label: 'drifted share', size: 50, labelSize: 14, grid: { show: false } }]
      : []),
  ];
  return (
    <UplotChart
      label={label}
      testId={testId}
      height={height}
      shapeKey={`${columns.shapeKey}#${usesShare}`}
      data={columns.data as uPlot.AlignedData}
      options={{
        legend: { live: false },
        scales: { x: { time: true }, ...(usesShare ? { share: { range: [0, 1] } } : {}) },
        axes,
        series,
      }}
    />
  );
}
