// A run's short visible id and its editable name (issue 18.9): the name lives in the run's tags as
// `name:<name>` (lab-state.ts), so renaming replaces that tag through `lab.runs.annotate`.
import type { Lab } from 'edgeflow';
import { useState } from 'preact/hooks';
import { ErrorMessage } from '../error-message.tsx';
import { RUN_NAME_TAG, refreshStoredRuns, updateLiveRun } from '../lab-state.ts';

/** The most characters a run name may have. */
export const MAX_RUN_NAME = 80;

/** A run's short id, the first eight characters of its UUID (as `runName` falls back to). */
export function shortRunId(runId: string): string {
  return runId.slice(0, 8);
}

/** `tags` with the run-name tag replaced by one for `name` (other tags kept, in order). */
export function tagsWithName(tags: readonly string[], name: string): string[] {
  return [...tags.filter((t) => !t.startsWith(RUN_NAME_TAG)), `${RUN_NAME_TAG}${name}`];
}

/**
 * Renames a run: replaces its `name:` tag in the registry and the live card's name.
 *
 * @throws Error for an empty or too long name; the lab's `RUN_NOT_FOUND` before the run is tracked.
 */
export async function renameRun(lab: Lab, runId: string, name: string): Promise<void> {
  const trimmed = name.trim();
  if (trimmed.length === 0) throw new Error('Give the run a name (it cannot be empty).');
  if (trimmed.length > MAX_RUN_NAME)
    throw new Error(`Keep the name to ${MAX_RUN_NAME} characters (it has ${trimmed.length}).`);
  const run = await lab.runs.get(runId);
  await lab.runs.annotate(runId, { tags: tagsWithName(run.tags, trimmed) });
  updateLiveRun(runId, (live) => ({ ...live, name: trimmed }));
  await refreshStoredRuns(lab).catch(() => undefined);
}

interface RunNameEditorProps {
  lab: Lab;
  runId: string;
  name: string;
  /** False while the run is not tracked yet (queued): it cannot be renamed then. */
  tracked: boolean;
}

/** The short id and name of a run, with a Rename form. */
export function RunNameEditor({ lab, runId, name, tracked }: RunNameEditorProps) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(name);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const id = shortRunId(runId);
  const save = async (name: string): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await renameRun(lab, runId, name);
      setEditing(false);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="run-name" data-testid="run-name">
      <code class="muted" data-testid="run-short-id" title={runId}>
        #{id}
      </code>{' '}
      {editing ? (
        <form
          class="toolbar"
          onSubmit={(e) => {
            e.preventDefault();
            // The field's value as submitted (state may lag one render behind a fast submit).
            const field = e.currentTarget.elements.namedItem('run-name');
            void save(field instanceof HTMLInputElement ? field.value : draft);
          }}
        >
          <label for={`run-name-${runId}`}>Name of run #{id}</label>
          <input
            id={`run-name-${runId}`}
            name="run-name"
            value={draft}
            maxLength={MAX_RUN_NAME}
            disabled={busy}
            data-testid="run-name-input"
            onInput={(e) => setDraft(e.currentTarget.value)}
          />
          <button type="submit" class="primary" disabled={busy}>
            Save
          </button>
          <button
            type="button"
            disabled={busy}
            onClick={() => {
              setEditing(false);
              setError(null);
            }}
          >
            Cancel
          </button>
        </form>
      ) : (
        <>
          <strong data-testid="run-display-name">{name}</strong>{' '}
          <button
            type="button"
            class="link"
            disabled={!tracked}
            title={tracked ? undefined : 'A queued run can be renamed once it starts.'}
            aria-label={`Rename run #${id} (${name})`}
            onClick={() => {
              setDraft(name);
              setEditing(true);
            }}
          >
            Rename
          </button>
        </>
      )}
      {error !== null && <ErrorMessage error={error} lead="Could not rename the run:" />}
    </div>
  );
}
