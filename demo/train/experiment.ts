// The experiment setup of the train section (held-out shares, k-fold cross-validation) and how a
// candidate is started under it: one run, or one run per fold (issue 18, point 14).
import { signal } from '@preact/signals';
import type { Lab } from 'edgeflow';
import type { DatasetSummary } from 'edgeflow/data';
import type { LiveRun } from '../lab-state.ts';
import { type Candidate, DEFAULT_EXPERIMENT, type ExperimentSetup, experimentPlan } from './presets.ts';
import { startRun } from './start-run.ts';

/** The experiment setup as typed in the train section. */
export const experimentState = signal<ExperimentSetup>(DEFAULT_EXPERIMENT);

/** The problems of the current setup for this dataset (empty: training may start). */
export function experimentProblems(dataset: DatasetSummary): string[] {
  return experimentPlan(experimentState.value, dataset.rowCount).problems;
}

/**
 * Starts a candidate under the experiment setup: one run with the chosen shares, or k runs (one per
 * fold, tagged `cv:<group>` and `fold:<i>/<k>`, named "<candidate> · fold i/k") that the lab queues
 * beyond its worker count. Returns the live runs it started (none when the setup has problems).
 */
export function startCandidate(lab: Lab, dataset: DatasetSummary, candidate: Candidate): LiveRun[] {
  const { plan } = experimentPlan(experimentState.value, dataset.rowCount);
  if (!plan) return [];
  if (plan.kind === 'single') return [startRun(lab, dataset, candidate, { split: plan.split })];
  const group = crypto.randomUUID().slice(0, 8);
  return Array.from({ length: plan.folds }, (_, fold) =>
    startRun(lab, dataset, candidate, {
      // `test` records the share a fold holds out; the fold itself decides the rows.
      split: { validation: plan.validation, test: 1 / plan.folds, folds: plan.folds, fold },
      tags: [`cv:${group}`, `fold:${fold + 1}/${plan.folds}`],
      name: `${candidate.name} · fold ${fold + 1}/${plan.folds}`,
    }),
  );
}
