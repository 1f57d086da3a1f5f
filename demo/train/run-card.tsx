import { UplotChart } from '../charts/uplot-chart.tsx';
import { formatDuration, formatNumber } from '../format.ts';
import type { LiveRun } from '../lab-state.ts';

const PHASE_TEXT: Record<LiveRun['phase'], string> = {
  queued: 'queued: waits for a free worker',
  preparing: 'preparing data',
  training: 'training',
  evaluating: 'evaluating on the test split',
  done: 'finished',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** Metric labels as the runs table writes them. */
const METRIC_LABEL: Record<string, string> = { mae: 'MAE', accuracy: 'accuracy' };

/**
 * One training run as it happens: live loss and metric curves (uPlot, two y scales), epoch,
 * samples/s, ETA, the backend and adapter, and a cancel button while it runs. The loss is named
 * (MSE in squared target units for a regression) and the metric is in the target's units, as in
 * the runs table.
 */
export function RunCard({ run }: { run: LiveRun }) {
  const active =
    run.phase === 'queued' ||
    run.phase === 'preparing' ||
    run.phase === 'training' ||
    run.phase === 'evaluating';
  const metricLabel = METRIC_LABEL[run.metricName] ?? run.metricName;
  const lossLabel = run.loss ? `loss (${run.loss.label})` : 'loss';
  const lossUnits = run.loss?.units ? `${run.loss.label} in ${run.loss.units}` : undefined;
  const metricUnits = run.metricName === 'mae' ? 'in the target’s units, like the runs table' : undefined;
  const stoppedEarly = run.phase === 'done' && run.epochs > 0 && run.epoch + 1 < run.epochs;
  const xs = run.points.map((p) => p.x);
  const loss = run.points.map((p) => p.loss);
  const metric = run.points.map((p) => p.metric);
  const last = run.points[run.points.length - 1];
  return (
    <article
      class="run-card"
      data-testid="run-card"
      data-phase={run.phase}
      data-points={run.points.length}
      aria-labelledby={`run-${run.runId}`}
    >
      <header>
        <h3 id={`run-${run.runId}`}>{run.name}</h3>
        <span class={`phase phase-${run.phase}`} role="status" data-testid="run-phase">
          {PHASE_TEXT[run.phase]}
        </span>
      </header>
      <dl class="run-figures">
        <div>
          <dt>epoch</dt>
          <dd data-testid="run-epoch">
            {run.epochs > 0 ? `${Math.min(run.epoch + 1, run.epochs)} / ${run.epochs}` : '–'}
            {stoppedEarly && <span class="muted"> (stopped early)</span>}
          </dd>
        </div>
        <div>
          <dt title={lossUnits} data-testid="run-loss-label">
            {lossLabel}
          </dt>
          <dd data-testid="run-loss">{formatNumber(last?.loss)}</dd>
        </div>
        <div>
          <dt title={metricUnits} data-testid="run-metric-label">
            {metricLabel}
          </dt>
          <dd data-testid="run-metric">{formatNumber(last?.metric)}</dd>
        </div>
        <div>
          <dt>samples/s</dt>
          <dd>
            {run.samplesPerSecond === null ? '–' : Math.round(run.samplesPerSecond).toLocaleString('en-US')}
          </dd>
        </div>
        <div>
          <dt>ETA</dt>
          <dd>{active && run.etaMs !== null ? formatDuration(run.etaMs) : '–'}</dd>
        </div>
        <div>
          <dt>backend</dt>
          <dd data-testid="run-backend" title={run.adapter ?? undefined}>
            {run.backend ?? '–'}
            {run.adapter && <span class="muted"> · {run.adapter}</span>}
          </dd>
        </div>
      </dl>
      <UplotChart
        label={`Training curves of ${run.name}: ${run.points.length} points, last loss ${formatNumber(last?.loss)}`}
        testId="run-chart"
        height={150}
        shapeKey={`${run.runId}|${lossLabel}|${metricLabel}`}
        data={[xs, loss, metric]}
        options={{
          legend: { live: false },
          scales: { x: { time: false }, loss: { auto: true }, metric: { auto: true } },
          axes: [
            { label: 'epoch', size: 30, labelSize: 14 },
            { scale: 'loss', size: 44 },
            { scale: 'metric', side: 1, size: 44, grid: { show: false } },
          ],
          series: [
            { label: 'epoch', value: (_u, v) => formatNumber(v) },
            { label: lossLabel, scale: 'loss', stroke: '#2f6fed', width: 2, points: { show: false } },
            {
              label: metricLabel,
              scale: 'metric',
              stroke: '#d97706',
              width: 2,
              points: { show: false },
            },
          ],
        }}
      />
      {run.error && (
        <p class="bad" role="alert">
          {run.error}
        </p>
      )}
      {active && (
        <button type="button" onClick={() => run.handle.cancel()} data-testid="run-cancel">
          Cancel {run.name}
        </button>
      )}
    </article>
  );
}
