import type { Lab } from 'edgeflow';
import type { DatasetSummary } from 'edgeflow/data';
import { useEffect, useRef, useState } from 'preact/hooks';
import { candidatesState, liveRunsState } from '../lab-state.ts';
import { backendPending, chooseBackend, runtimeStatus } from '../runtime-state.ts';
import { CandidateEditor, candidateProblems } from './candidate-editor.tsx';
import { experimentProblems, startCandidate } from './experiment.ts';
import { ExperimentSetupForm } from './experiment-setup.tsx';
import { type Candidate, PRESET_LABELS, type PresetId, presetForm, presetsFor } from './presets.ts';
import { RunCard } from './run-card.tsx';
import { RunNameEditor } from './run-name.tsx';

// Issue 18.14: more candidates than workers; the lab queues the runs beyond its worker count.
const MAX_CANDIDATES = 8;

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
  // Issue 18.9: one click starts one run per candidate. The guard is synchronous (a double click's
  // second event can arrive before the re-render that disables the button); the button stays
  // disabled until every run of the click has left the queue and its preparation.
  const starting = useRef(false);
  const [startedIds, setStartedIds] = useState<readonly string[]>([]);
  const startingRuns = liveRuns.filter(
    (r) => startedIds.includes(r.runId) && (r.phase === 'queued' || r.phase === 'preparing'),
  );
  useEffect(() => {
    if (startingRuns.length === 0) starting.current = false;
  }, [startingRuns.length, startedIds]);
  // Issue 18.16: a click while the backend is still being chosen waits here, visibly.
  const status = runtimeStatus.value;
  const [queued, setQueued] = useState<readonly Candidate[] | null>(null);
  const start = (list: readonly Candidate[]): void => {
    starting.current = true;
    setStartedIds(list.flatMap((candidate) => startCandidate(lab, dataset, candidate).map((r) => r.runId)));
  };
  useEffect(() => {
    if (queued && !backendPending(status)) {
      setQueued(null);
      start(queued);
    }
  }, [queued, status]);
  const trainAll = (): void => {
    if (starting.current || queued) return;
    if (backendPending(runtimeStatus.value)) {
      starting.current = true;
      setQueued([...candidates]);
      if (runtimeStatus.value.phase === 'idle') void chooseBackend(lab);
      return;
    }
    start(candidates);
  };
  const busyStarting = queued !== null || startingRuns.length > 0;
  return (
    <>
      <p class="muted">
        Training on <strong>{dataset.name}</strong> ({dataset.rowCount} rows, target{' '}
        <strong>{dataset.schema.target?.name ?? 'none'}</strong>, {dataset.schema.target?.task ?? 'no task'}).
        The lab runs {lab.workerCount} worker{lab.workerCount === 1 ? '' : 's'}: candidates beyond that wait
        their turn.
      </p>
      <ExperimentSetupForm dataset={dataset} />
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
          disabled={
            invalid.length > 0 ||
            candidates.length === 0 ||
            busyStarting ||
            experimentProblems(dataset).length > 0
          }
          aria-describedby={busyStarting ? 'train-start-status' : undefined}
          data-testid="train-all"
        >
          {queued
            ? 'Queued…'
            : startingRuns.length > 0
              ? 'Starting…'
              : `Train ${candidates.length} candidate${candidates.length === 1 ? '' : 's'} in parallel`}
        </button>
        {queued && (
          <span role="status" id="train-start-status" data-testid="train-queued">
            Queued: {queued.length} candidate{queued.length === 1 ? '' : 's'} start when the lab has chosen
            its backend (see Runtime below).{' '}
            <button
              type="button"
              class="link"
              onClick={() => {
                setQueued(null);
                starting.current = false;
              }}
            >
              Cancel
            </button>
          </span>
        )}
        {!queued && startingRuns.length > 0 && (
          <span role="status" id="train-start-status" class="muted" data-testid="train-starting">
            Starting {startingRuns.length} run{startingRuns.length === 1 ? '' : 's'}…
          </span>
        )}
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
            <div key={run.runId} class="run-slot">
              <RunNameEditor lab={lab} runId={run.runId} name={run.name} tracked={run.phase !== 'queued'} />
              <RunCard run={run} />
            </div>
          ))}
        </section>
      )}
    </>
  );
}
