import type { PromotionResult } from 'edgeflow';
import { formatNumber } from '../format.ts';

/**
 * What the promotion gate decided: passed or refused, each metric with candidate and baseline
 * values, every criterion with its bound and observation, and the failure reasons.
 */
export function GateReportView({ result, alias }: { result: PromotionResult; alias: string }) {
  const { gate } = result;
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
      {gate.failures.length > 0 && (
        <ul class="gate-failures" aria-label="Why the gate refused">
          {gate.failures.map((f) => (
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
              <th scope="col">criterion</th>
              <th scope="col">needed</th>
              <th scope="col">observed</th>
              <th scope="col">result</th>
            </tr>
          </thead>
          <tbody>
            {gate.metrics.flatMap((m) =>
              m.criteria.map((c, i) => (
                <tr key={`${m.metric}-${c.criterion}`}>
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
                    </>
                  ) : null}
                  <td>{c.criterion}</td>
                  <td class="num">
                    {c.bound === null
                      ? formatNumber(c.required)
                      : `${m.greaterIsBetter ? '≥' : '≤'} ${formatNumber(c.bound)}`}
                  </td>
                  <td class="num">{formatNumber(c.observed)}</td>
                  <td
                    class={c.status === 'fail' ? 'bad' : c.status === 'pass' ? 'ok' : 'muted'}
                    title={c.detail}
                  >
                    {c.status === 'no_baseline' ? 'no baseline' : c.status}
                  </td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
