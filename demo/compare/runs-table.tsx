import type { Lab } from 'edgeflow';
import type { Run, RunStatus } from 'edgeflow/registry';
import { useState } from 'preact/hooks';
import { ConfirmDialog } from '../confirm-dialog.tsx';
import { errorText, formatDuration, formatNumber, formatTime } from '../format.ts';
import { refreshStoredRuns, runName } from '../lab-state.ts';
import { METRIC_COLUMNS, runArchitecture, runMatchesText, runMetric, userTags } from './run-fields.ts';

type SortKey = 'name' | 'architecture' | 'status' | 'backend' | 'created' | 'duration' | `metric:${string}`;

const STATUSES: readonly RunStatus[] = ['finished', 'running', 'failed', 'cancelled', 'interrupted'];

interface RunsTableProps {
  lab: Lab;
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

/** Saves `text` as a file through a temporary link (the page's data never leaves the device). */
function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked after the click has been handled: revoking at once can cancel the download in Chromium.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Tags typed as "a, b c" → ['a', 'b c'] (commas separate; empty parts dropped; duplicates once). */
function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
}

/** The notes and tags editor of one run. */
function RunEditor({ lab, run, onClose }: { lab: Lab; run: Run; onClose: () => void }) {
  const [notes, setNotes] = useState(run.notes ?? '');
  const [tags, setTags] = useState(userTags(run).join(', '));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const name = runName(run);
  const save = async (event: Event): Promise<void> => {
    event.preventDefault();
    const bad = parseTags(tags).find((t) => /^(name|cv|fold):/.test(t));
    if (bad) {
      setError(
        `Tag "${bad}" starts with a prefix the page keeps for itself (name:, cv:, fold:); pick another.`,
      );
      return;
    }
    setBusy(true);
    setError(null);
    try {
      // The page's own bookkeeping tags (display name, cross-validation group) are kept as they were.
      const kept = run.tags.filter((t) => !userTags(run).includes(t));
      await lab.runs.annotate(run.id, { notes, tags: [...kept, ...parseTags(tags)] });
      await refreshStoredRuns(lab);
      onClose();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      class="run-editor"
      onSubmit={save}
      aria-label={`Notes and tags of ${name}`}
      data-testid="run-editor"
    >
      <h4>Notes and tags of {name}</h4>
      <label for="run-notes">Notes</label>
      <textarea
        id="run-notes"
        rows={3}
        maxLength={10_000}
        value={notes}
        onInput={(e) => setNotes(e.currentTarget.value)}
        data-testid="run-notes"
      />
      <label for="run-tags">Tags (comma-separated)</label>
      <input
        id="run-tags"
        type="text"
        value={tags}
        onInput={(e) => setTags(e.currentTarget.value)}
        data-testid="run-tags"
      />
      {error && (
        <p role="alert" class="bad">
          {error}
        </p>
      )}
      <div class="toolbar">
        <button type="submit" class="primary" disabled={busy} data-testid="run-save">
          {busy ? 'Saving…' : 'Save'}
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/**
 * The runs of the current task side by side: test metrics and run facts, sortable by any column
 * (header buttons, `aria-sort` set), filtered by text and status, with a checkbox per run to pick
 * runs to compare, notes and tags per run, delete (confirmed) and a CSV export of what is shown.
 */
export function RunsTable({ lab, runs, task, selected, onToggle }: RunsTableProps) {
  const [sort, setSort] = useState<{ key: SortKey; direction: 1 | -1 }>({ key: 'created', direction: -1 });
  const [text, setText] = useState('');
  const [status, setStatus] = useState<RunStatus | ''>('');
  const [editing, setEditing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Run | null>(null);
  const [error, setError] = useState<string | null>(null);
  const metrics = METRIC_COLUMNS[task];
  const shown = runs.filter(
    (r) => (status === '' || r.status === status) && runMatchesText(r, runName(r), text),
  );
  const sorted = [...shown].sort((a, b) => {
    const x = sortValue(a, sort.key);
    const y = sortValue(b, sort.key);
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    return (x < y ? -1 : x > y ? 1 : 0) * sort.direction;
  });
  const editedRun = editing === null ? undefined : runs.find((r) => r.id === editing);

  const exportCsv = async (): Promise<void> => {
    setError(null);
    try {
      download('edgeflow-runs.csv', await lab.runs.exportCsv(sorted.map((r) => r.id)), 'text/csv');
    } catch (e) {
      setError(errorText(e));
    }
  };
  const confirmDelete = async (): Promise<void> => {
    const run = deleting;
    setDeleting(null);
    if (!run) return;
    setError(null);
    try {
      await lab.runs.delete(run.id);
      if (editing === run.id) setEditing(null);
      await refreshStoredRuns(lab);
    } catch (e) {
      setError(errorText(e));
    }
  };

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
    <>
      <div class="toolbar runs-toolbar">
        <label for="runs-filter">Filter</label>
        <input
          id="runs-filter"
          type="search"
          placeholder="name, tag, note, model…"
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          data-testid="runs-filter"
        />
        <label for="runs-status">Status</label>
        <select
          id="runs-status"
          value={status}
          onChange={(e) => setStatus(e.currentTarget.value as RunStatus | '')}
          data-testid="runs-status-filter"
        >
          <option value="">any</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <span class="muted" data-testid="runs-shown">
          {shown.length} of {runs.length} shown
        </span>
        <button
          type="button"
          onClick={exportCsv}
          disabled={sorted.length === 0}
          data-testid="runs-export-csv"
        >
          Export {sorted.length} as CSV
        </button>
      </div>
      {error && (
        <p role="alert" class="bad">
          {error}
        </p>
      )}
      {sorted.length === 0 ? (
        <p class="muted" data-testid="runs-none-match">
          No run matches this filter. Clear the filter to see all {runs.length}.
        </p>
      ) : (
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
                <th scope="col">tags · notes</th>
                {header('backend', 'backend')}
                {header('duration', 'time')}
                {header('created', 'started')}
                <th scope="col">
                  <span class="visually-hidden">actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((run) => {
                const name = runName(run);
                const tags = userTags(run);
                return (
                  <tr
                    key={run.id}
                    class={selected.includes(run.id) ? 'selected' : undefined}
                    data-testid="runs-row"
                    data-run-id={run.id}
                  >
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Compare ${name}`}
                        checked={selected.includes(run.id)}
                        onChange={() => onToggle(run.id)}
                      />
                    </td>
                    <th scope="row" title={run.id}>
                      {name}
                    </th>
                    <td>{runArchitecture(run)}</td>
                    <td class={`status-${run.status}`}>{run.status}</td>
                    {metrics.map((m) => (
                      <td key={m.name} class="num">
                        {formatNumber(runMetric(run, m.name))}
                      </td>
                    ))}
                    <td class="run-notes-cell">
                      {tags.map((t) => (
                        <span key={t} class="tag" data-testid="run-tag">
                          {t}
                        </span>
                      ))}
                      {run.notes && (
                        <span class="muted run-note" title={run.notes} data-testid="run-note">
                          {run.notes}
                        </span>
                      )}
                    </td>
                    <td>{run.backend ?? '–'}</td>
                    <td class="num">{formatDuration(run.timings.totalMs)}</td>
                    <td>{formatTime(run.createdAt)}</td>
                    <td class="row-actions">
                      <button
                        type="button"
                        onClick={() => setEditing(run.id)}
                        aria-label={`Notes and tags of ${name}`}
                        data-testid="run-edit"
                      >
                        Notes
                      </button>
                      <button
                        type="button"
                        class="danger"
                        onClick={() => setDeleting(run)}
                        disabled={run.status === 'running'}
                        title={run.status === 'running' ? 'Cancel the run first' : undefined}
                        aria-label={`Delete ${name}`}
                        data-testid="run-delete"
                      >
                        Delete
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {editedRun && (
        <RunEditor key={editedRun.id} lab={lab} run={editedRun} onClose={() => setEditing(null)} />
      )}
      {/* Mounted only while asked, so the page has one open confirmation dialog at a time. */}
      {deleting && (
        <ConfirmDialog
          open
          title="Delete this run?"
          confirmLabel="Delete"
          onConfirm={() => void confirmDelete()}
          onCancel={() => setDeleting(null)}
        >
          <p>
            Run <strong>{runName(deleting)}</strong> and its curves and metrics are removed. Versions
            registered from it stay.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
