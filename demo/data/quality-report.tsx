import type { QualityReport } from 'edgeflow/data';

/** The placeholder values the report flagged, each with the columns and counts where it was seen. */
function flaggedPlaceholders(quality: QualityReport): Array<{ value: string; where: string[] }> {
  const byValue = new Map<string, string[]>();
  for (const issue of quality.issues) {
    if (issue.kind !== 'likely_placeholder' || !issue.values) continue;
    for (const value of issue.values) {
      const where = byValue.get(value) ?? [];
      where.push(issue.column ?? 'dataset');
      byValue.set(value, where);
    }
  }
  return [...byValue].map(([value, where]) => ({ value, where }));
}

/**
 * The quality report: totals, each problem with its row examples (row index and file line), the
 * class balance, and per-column figures. Values that look like placeholders for "missing" (".",
 * "-", …) come with an offer to reload treating them as missing (`onTreatAsMissing`).
 */
export function QualityReportView({
  quality,
  onTreatAsMissing,
  busy = false,
}: {
  quality: QualityReport;
  /** Reload the dataset with these strings added to the missing values; no offer when absent. */
  onTreatAsMissing?: (values: string[]) => void;
  busy?: boolean;
}) {
  const placeholders = flaggedPlaceholders(quality);
  return (
    <div class="quality" data-testid="quality-report">
      <p data-testid="quality-totals">
        {quality.rowsRead} rows read, <strong>{quality.rowCount}</strong> loaded (policy{' '}
        <code>{quality.rowPolicy}</code>): {quality.droppedRows} dropped, {quality.imputedCells} missing
        feature {quality.imputedCells === 1 ? 'cell' : 'cells'} the pipeline imputes, {quality.duplicateRows}{' '}
        duplicate rows.
      </p>
      {placeholders.length > 0 && (
        <div class="placeholder-offer warn" data-testid="placeholder-offer" role="note">
          <p>
            Likely placeholders for missing values, read as data:{' '}
            {placeholders.map((p, i) => (
              <span key={p.value}>
                <code>{JSON.stringify(p.value)}</code> in {p.where.join(', ')}
                {i < placeholders.length - 1 ? '; ' : ''}
              </span>
            ))}
            .
          </p>
          {onTreatAsMissing && (
            <button
              type="button"
              disabled={busy}
              data-testid="treat-placeholders-missing"
              onClick={() => onTreatAsMissing(placeholders.map((p) => p.value))}
            >
              Treat {placeholders.map((p) => JSON.stringify(p.value)).join(', ')} as missing and reload
            </button>
          )}
        </div>
      )}
      {quality.issues.length === 0 ? (
        <p class="ok">No problems found.</p>
      ) : (
        <ul class="issues" aria-label="Quality issues">
          {quality.issues.map((issue) => (
            <li key={`${issue.kind}-${issue.column ?? ''}`} class={`issue issue-${issue.severity}`}>
              <span class="severity">{issue.severity}</span> <strong>{issue.column ?? 'dataset'}</strong>:{' '}
              {issue.message}
              {issue.examples.length > 0 && (
                <span class="examples">
                  {' '}
                  e.g.{' '}
                  {issue.examples.slice(0, 5).map((example, i) => (
                    <span key={`${example.row}-${example.line}-${i}`} class="example">
                      {example.line !== null ? `line ${example.line}` : `row ${example.row}`}
                      {example.value !== undefined && (
                        <>
                          {' '}
                          <code>{JSON.stringify(example.value)}</code>
                        </>
                      )}
                      {i < Math.min(issue.examples.length, 5) - 1 ? ', ' : ''}
                    </span>
                  ))}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {quality.classBalance && (
        <p>
          Class balance:{' '}
          {quality.classBalance
            .map((c) => `${c.class} ${c.count} (${(c.fraction * 100).toFixed(0)} %)`)
            .join(' · ')}
        </p>
      )}
      <div class="table-scroll">
        <table class="compact quality-columns" aria-label="Column quality">
          <thead>
            <tr>
              <th scope="col">column</th>
              <th scope="col">type</th>
              <th scope="col">role</th>
              <th scope="col">missing</th>
              <th scope="col">bad type</th>
              <th scope="col">out of range</th>
              <th scope="col">distinct</th>
            </tr>
          </thead>
          <tbody>
            {quality.columns.map((c) => (
              <tr key={c.name}>
                <th scope="row">{c.name}</th>
                <td>{c.type}</td>
                <td>{c.role}</td>
                <td class={c.missing > 0 ? 'warn nowrap' : 'nowrap'}>
                  {c.missing} ({(c.missingRate * 100).toFixed(1)} %)
                </td>
                <td class={c.typeMismatches > 0 ? 'bad' : undefined}>{c.typeMismatches}</td>
                <td class={c.outOfRange > 0 ? 'warn' : undefined}>{c.outOfRange}</td>
                <td data-testid={`distinct-${c.name}`}>
                  {c.distinct}
                  {c.distinctCapped ? '+' : ''}
                  {c.constant ? ' (constant)' : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
