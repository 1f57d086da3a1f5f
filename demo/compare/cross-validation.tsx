import { summariseFolds } from 'edgeflow';
import type { Run } from 'edgeflow/registry';
import { formatNumber } from '../format.ts';
import { runName } from '../lab-state.ts';
import { METRIC_COLUMNS } from './run-fields.ts';

/** Runs grouped by their cross-validation tag `cv:<group>`, in the order groups first appear. */
export function crossValidationGroups(
  runs: readonly Run[],
): Array<{ group: string; runs: Run[]; folds: number }> {
  const groups = new Map<string, Run[]>();
  for (const run of runs) {
    const tag = run.tags.find((t) => t.startsWith('cv:'));
    if (tag) groups.set(tag, [...(groups.get(tag) ?? []), run]);
  }
  return [...groups].map(([tag, members]) => {
    const foldTag = members[0]?.tags.find((t) => t.startsWith('fold:'));
    const folds = Number(foldTag?.split('/')[1] ?? members.length);
    return { group: tag.slice('cv:'.length), runs: members, folds };
  });
}

/**
 * Each cross-validated candidate in one row: how many folds finished and each test metric's mean
 * ± standard deviation over them (summarised once every fold finished).
 */
export function CrossValidationTable({
  runs,
  task,
}: {
  runs: readonly Run[];
  task: 'classification' | 'regression';
}) {
  const groups = crossValidationGroups(runs);
  if (groups.length === 0) return null;
  const metrics = METRIC_COLUMNS[task];
  return (
    <>
      <h3>Cross-validation (mean ± sd over folds)</h3>
      <div class="table-scroll">
        <table aria-label="Cross-validation" data-testid="cv-table">
          <thead>
            <tr>
              <th scope="col">candidate</th>
              <th scope="col">folds done</th>
              {metrics.map((m) => (
                <th scope="col" class="num" key={m.name}>
                  {m.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {groups.map(({ group, runs: members, folds }) => {
              const finished = members.filter((r) => r.status === 'finished');
              const summary = finished.length === folds ? summariseFolds(finished) : null;
              const name = runName(members[0] as Run).replace(/ · fold \d+\/\d+$/, '');
              return (
                <tr key={group} data-testid="cv-row">
                  <th scope="row" title={`cv:${group}`}>
                    {name}
                  </th>
                  <td>
                    {finished.length} / {folds}
                  </td>
                  {metrics.map((m) => {
                    const s = summary?.[m.name];
                    return (
                      <td class="num" key={m.name} data-testid={`cv-${m.name}`}>
                        {s ? `${formatNumber(s.mean, 3)} ± ${formatNumber(s.sd, 2)}` : '–'}
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
