import type { PromotionResult } from 'edgeflow';
import type { GateCriterion, GateMetricResult } from 'edgeflow/schemas';
import { formatNumber, formatPercent, formatSigned } from '../format.ts';

const CRITERION_TEXT: Record<GateCriterion['criterion'], string> = {
  threshold: 'threshold',
  minAbsoluteChange: 'min. absolute improvement',
  minRelativeChange: 'min. relative improvement',
};

/**
 * What one criterion needed and what was observed, in the same form: a metric value for a
 * threshold, an improvement in the metric's units for an absolute change, a percentage for a
 * relative one. Improvements count in the better direction (a lower RMSE is a positive one).
 */
export function criterionFigures(
  metric: GateMetricResult,
  criterion: GateCriterion,
): { needed: string; observed: string } {
  const towards = metric.greaterIsBetter ? '≥' : '≤';
  const bound =
    criterion.bound === null ? '' : ` (${metric.metric} ${towards} ${formatNumber(criterion.bound)})`;
  switch (criterion.criterion) {
    case 'threshold':
      return {
        needed: `${towards} ${formatNumber(criterion.required)}`,
        observed: formatNumber(criterion.observed),
      };
    case 'minAbsoluteChange':
      return {
        needed: `improvement ≥ ${formatNumber(criterion.required)}${bound}`,
        observed: formatSigned(criterion.observed),
      };
    case 'minRelativeChange':
      return {
        needed: `improvement ≥ ${formatPercent(criterion.required)}${bound}`,
        observed: formatPercent(criterion.observed, true),
      };
  }
}

/** Candidate minus baseline, with the relative change; "–" without both values. */
export function changeText(metric: GateMetricResult): string {
  const { candidate, baseline } = metric;
  if (candidate === null || baseline === null) return '–';
  const delta = candidate - baseline;
  const relative = baseline === 0 ? '' : ` (${formatPercent(delta / Math.abs(baseline), true)})`;
  return `${formatSigned(delta)}${relative}`;
}

/** One sentence per failed criterion, with every number rounded the way the table shows it. */
export function failureLines(metrics: readonly GateMetricResult[]): string[] {
  const lines: string[] = [];
  for (const metric of metrics) {
    for (const criterion of metric.criteria) {
      if (criterion.status !== 'fail') continue;
      const name = `${metric.metric} ${CRITERION_TEXT[criterion.criterion]}`;
      if (criterion.observed === null) {
        lines.push(`${name}: ${criterion.detail}.`);
        continue;
      }
      const { needed, observed } = criterionFigures(metric, criterion);
      const baseline =
        metric.baseline === null
          ? ''
          : `, baseline ${formatNumber(metric.baseline)}, change ${changeText(metric)}`;
      const seen = criterion.criterion === 'threshold' ? '' : `; improvement ${observed}`;
      lines.push(`${name}: candidate ${formatNumber(metric.candidate)}${baseline}${seen}; needed ${needed}.`);
    }
  }
  return lines;
}

/**
 * What the promotion gate decided: passed or refused, and per metric the candidate, the baseline,
 * the change, and for each criterion what was needed against what was observed — all in one form,
 * rounded to four significant digits (the raw numbers stay in the stored report).
 */
export function GateReportView({ result, alias }: { result: PromotionResult; alias: string }) {
  const { gate } = result;
  const failures = failureLines(gate.metrics);
  return (
    <div class={`gate-report ${result.passed ? 'passed' : 'failed'}`} data-testid="gate-report" role="status">
      <p class="gate-verdict">
        {result.passed ? (
          <strong class="ok">
            Gate passed: {alias} moved {result.previous === null ? 'to' : `from v${result.previous} to`} v
            {result.move?.to ?? '?'}.
          </strong>
        ) : (
          <strong class="bad">
            Gate refused: {alias} stays {result.previous === null ? 'unset' : `on v${result.previous}`}.
          </strong>
        )}{' '}
        <span class="muted">
          {gate.hasBaseline
            ? 'Compared with the current holder on the same test rows.'
            : 'No current holder: only absolute thresholds apply.'}
        </span>
      </p>
      {failures.length > 0 && (
        <ul class="gate-failures" aria-label="Why the gate refused">
          {failures.map((f) => (
            <li key={f} class="bad">
              {f}
            </li>
          ))}
        </ul>
      )}
      <div class="table-scroll">
        <table aria-label="Gate report">
          <thead>
            <tr>
              <th scope="col">metric</th>
              <th scope="col">candidate</th>
              <th scope="col">baseline</th>
              <th scope="col">change</th>
              <th scope="col">criterion</th>
              <th scope="col">needed</th>
              <th scope="col">observed</th>
              <th scope="col">result</th>
            </tr>
          </thead>
          <tbody>
            {gate.metrics.flatMap((m) =>
              m.criteria.map((c, i) => {
                const { needed, observed } = criterionFigures(m, c);
                return (
                  <tr key={`${m.metric}-${c.criterion}`} data-testid={`gate-row-${m.metric}-${c.criterion}`}>
                    {i === 0 ? (
                      <>
                        <th scope="row" rowSpan={m.criteria.length}>
                          {m.metric}{' '}
                          <span class="muted">({m.greaterIsBetter ? 'higher' : 'lower'} is better)</span>
                        </th>
                        <td rowSpan={m.criteria.length} class="num">
                          {formatNumber(m.candidate)}
                        </td>
                        <td rowSpan={m.criteria.length} class="num">
                          {formatNumber(m.baseline)}
                        </td>
                        <td rowSpan={m.criteria.length} class="num">
                          {changeText(m)}
                        </td>
                      </>
                    ) : null}
                    <td>{CRITERION_TEXT[c.criterion]}</td>
                    <td class="num">{needed}</td>
                    <td class="num">{c.status === 'no_baseline' ? '–' : observed}</td>
                    <td
                      class={c.status === 'fail' ? 'bad' : c.status === 'pass' ? 'ok' : 'muted'}
                      title={c.observed === null ? c.detail : undefined}
                    >
                      {c.status === 'no_baseline' ? 'no baseline' : c.status}
                    </td>
                  </tr>
                );
              }),
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
