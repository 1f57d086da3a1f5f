import type { Run } from 'edgeflow/registry';
import { useState } from 'preact/hooks';
import { formatDuration, formatNumber, formatTime } from '../format.ts';
import { runName } from '../lab-state.ts';
import { METRIC_COLUMNS, runArchitecture, runMetric } from './run-fields.ts';

type SortKey = 'name' | 'architecture' | 'status' | 'backend' | 'created' | 'duration' | `metric:${string}`;

interface RunsTableProps {
  runs: readonly Run[];
  task: 'classification' | 'regression';
  selected: readonly string[];
  onToggle: (runId: string) => void;
}

function sortValue(run: Run, key: SortKey): string | number | null {
  switch (key) {
    case 'name':
      return runName(run).toLowerCase();
    case 'architecture':
      return runArchitecture(run);
    case 'status':
      return run.status;
    case 'backend':
      return run.backend ?? '';
    case 'created':
      return run.createdAt;
    case 'duration':
      return run.timings.totalMs ?? null;
    default:
      return runMetric(run, key.slice('metric:'.length));
  }
}

/**
 * The runs of the current task side by side: test metrics and run facts, sortable by any column
 * (header buttons, `aria-sort` set), with a checkbox per run to pick runs to compare.
 */
export function RunsTable({ runs, task, selected, onToggle }: RunsTableProps) {
  const [sort, setSort] = useState<{ key: SortKey; direction: 1 | -1 }>({ key: 'created', direction: -1 });
  const metrics = METRIC_COLUMNS[task];
  const sorted = [...runs].sort((a, b) => {
    const x = sortValue(a, sort.key);
    const y = sortValue(b, sort.key);
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    return (x < y ? -1 : x > y ? 1 : 0) * sort.direction;
  });
  const header = (key: SortKey, label: string) => {
    const active = sort.key === key;
    return (
      <th scope="col" aria-sort={active ? (sort.direction === 1 ? 'ascending' : 'descending') : 'none'}>
        <button
          type="button"
          class="sort"
          onClick={() =>
            setSort({ key, direction: active ? (-sort.direction as 1 | -1) : key === 'name' ? 1 : -1 })
          }
        >
          {label}
          <span aria-hidden="true">{active ? (sort.direction === 1 ? ' ▲' : ' ▼') : ''}</span>
        </button>
      </th>
    );
  };
  return (
    <div class="table-scroll">
      <table aria-label="Runs" class="runs-table" data-testid="runs-table">
        <thead>
          <tr>
            <th scope="col">
              <span class="visually-hidden">compare</span>
            </th>
            {header('name', 'run')}
            {header('architecture', 'model')}
            {header('status', 'status')}
            {metrics.map((m) => header(`metric:${m.name}`, m.label))}
            {header('backend', 'backend')}
            {header('duration', 'time')}
            {header('created', 'started')}
          </tr>
        </thead>
        <tbody>
          {sorted.map((run) => (
            <tr key={run.id} class={selected.includes(run.id) ? 'selected' : undefined}>
              <td>
                <input
                  type="checkbox"
                  aria-label={`Compare ${runName(run)}`}
                  checked={selected.includes(run.id)}
                  onChange={() => onToggle(run.id)}
                />
              </td>
              <th scope="row" title={run.id}>
                {runName(run)}
              </th>
              <td>{runArchitecture(run)}</td>
              <td class={`status-${run.status}`}>{run.status}</td>
              {metrics.map((m) => (
                <td key={m.name} class="num">
                  {formatNumber(runMetric(run, m.name))}
                </td>
              ))}
              <td>{run.backend ?? '–'}</td>
              <td class="num">{formatDuration(run.timings.totalMs)}</td>
              <td>{formatTime(run.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
