import type { Lab } from 'edgeflow';
import type { DatasetSummary } from 'edgeflow/data';
import { useEffect, useState } from 'preact/hooks';
import { candidatesState, liveRunsState } from '../lab-state.ts';
import { CandidateEditor, candidateProblems } from './candidate-editor.tsx';
import { type Candidate, PRESET_LABELS, type PresetId, presetForm, presetsFor } from './presets.ts';
import { RunCard } from './run-card.tsx';
import { startRuns } from './start-run.ts';

const MAX_CANDIDATES = 4;

let nextKey = 1;
function newCandidate(preset: PresetId): Candidate {
  const key = `c${nextKey++}`;
  return { key, name: `${PRESET_LABELS[preset]}`, preset, form: presetForm(preset) };
}

function uniqueName(name: string, taken: readonly string[]): string {
  if (!taken.includes(name)) return name;
  let n = 2;
  while (taken.includes(`${name} ${n}`)) n++;
  return `${name} ${n}`;
}

/**
 * The train section: two to four candidates from presets, each edited in a validated form, trained
 * side by side (one `lab.train` per candidate, each in its own worker) with live curves per run.
 */
export function TrainPanel({ lab, dataset }: { lab: Lab; dataset: DatasetSummary }) {
  const candidates = candidatesState.value;
  const liveRuns = liveRunsState.value;
  const presets = presetsFor(dataset);
  const [addPreset, setAddPreset] = useState<PresetId>('mlp-small');

  // A new dataset gets fresh candidates (its task decides the metric and loss).
  useEffect(() => {
    candidatesState.value = [newCandidate('linear'), newCandidate('mlp-small')];
  }, [dataset.id]);

  const running = liveRuns.filter(
    (r) => r.phase === 'preparing' || r.phase === 'training' || r.phase === 'evaluating',
  );
  const invalid = candidates.filter((c) => candidateProblems(c, dataset).length > 0);
  const add = (): void => {
    if (candidates.length >= MAX_CANDIDATES) return;
    const candidate = newCandidate(addPreset);
    candidate.name = uniqueName(
      candidate.name,
      candidates.map((c) => c.name),
    );
    candidatesState.value = [...candidates, candidate];
  };
  const trainAll = (): void => {
    startRuns(lab, dataset, candidates);
  };
  return (
    <>
      <p class="muted">
        Training on <strong>{dataset.name}</strong> ({dataset.rowCount} rows, target{' '}
        <strong>{dataset.schema.target?.name ?? 'none'}</strong>, {dataset.schema.target?.task ?? 'no task'}).
        The lab runs {lab.workerCount} worker{lab.workerCount === 1 ? '' : 's'}: candidates beyond that wait
        their turn.
      </p>
      <div class="candidates">
        {candidates.map((candidate, index) => (
          <CandidateEditor
            key={candidate.key}
            candidate={candidate}
            dataset={dataset}
            disabled={false}
            onChange={(next) => {
              candidatesState.value = candidates.map((c, i) => (i === index ? next : c));
            }}
            onRemove={
              candidates.length > 2
                ? () => {
                    candidatesState.value = candidates.filter((_, i) => i !== index);
                  }
                : null
            }
          />
        ))}
      </div>
      <div class="toolbar">
        <label for="add-preset">Add a candidate from</label>
        <select
          id="add-preset"
          value={addPreset}
          onChange={(e) => setAddPreset(e.currentTarget.value as PresetId)}
        >
          {presets.map((p) => (
            <option key={p} value={p}>
              {PRESET_LABELS[p]}
            </option>
          ))}
        </select>
        <button type="button" onClick={add} disabled={candidates.length >= MAX_CANDIDATES}>
          Add
        </button>
        <button
          type="button"
          class="primary"
          onClick={trainAll}
          disabled={invalid.length > 0 || candidates.length === 0}
          data-testid="train-all"
        >
          Train {candidates.length} candidate{candidates.length === 1 ? '' : 's'} in parallel
        </button>
        {invalid.length > 0 && <span class="bad">Fix {invalid.map((c) => c.name).join(', ')} first.</span>}
        {running.length > 0 && (
          <span role="status" class="muted">
            {running.length} run{running.length === 1 ? '' : 's'} training…
          </span>
        )}
      </div>
      {liveRuns.length > 0 && (
        <section class="run-grid" aria-label="Runs of this session">
          {[...liveRuns].reverse().map((run) => (
            <RunCard key={run.runId} run={run} />
          ))}
        </section>
      )}
    </>
  );
}
