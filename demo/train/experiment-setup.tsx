import type { DatasetSummary } from 'edgeflow/data';
import { experimentState } from './experiment.ts';
import { experimentPlan } from './presets.ts';

/**
 * The experiment setup: validation and test shares of the rows, or k-fold cross-validation (each
 * candidate trains k times, tested once on every fold; Compare shows the mean and spread).
 */
export function ExperimentSetupForm({ dataset }: { dataset: DatasetSummary }) {
  const setup = experimentState.value;
  const { problems } = experimentPlan(setup, dataset.rowCount);
  const set = (patch: Partial<typeof setup>): void => {
    experimentState.value = { ...setup, ...patch };
  };
  return (
    <fieldset class="experiment-setup" data-testid="experiment-setup" aria-describedby="experiment-problems">
      <legend>Experiment setup</legend>
      <div class="toolbar">
        <label for="split-validation">Validation share</label>
        <input
          id="split-validation"
          class="short"
          type="number"
          min={0}
          max={0.9}
          step={0.05}
          value={setup.validation}
          onInput={(e) => set({ validation: e.currentTarget.value })}
          data-testid="split-validation"
        />
        <label for="split-test">Test share</label>
        <input
          id="split-test"
          class="short"
          type="number"
          min={0.05}
          max={0.9}
          step={0.05}
          value={setup.test}
          disabled={setup.crossValidate}
          onInput={(e) => set({ test: e.currentTarget.value })}
          data-testid="split-test"
        />
        <label class="checkbox">
          <input
            type="checkbox"
            checked={setup.crossValidate}
            onChange={(e) => set({ crossValidate: e.currentTarget.checked })}
            data-testid="kfold-enabled"
          />{' '}
          k-fold cross-validation
        </label>
        <label for="kfold-k">folds</label>
        <input
          id="kfold-k"
          class="short"
          type="number"
          min={2}
          max={20}
          step={1}
          value={setup.folds}
          disabled={!setup.crossValidate}
          onInput={(e) => set({ folds: e.currentTarget.value })}
          data-testid="kfold-k"
        />
      </div>
      <p class="muted small">
        {setup.crossValidate
          ? `Each candidate trains ${setup.folds} times, tested once on every fold (the test share does not apply); the validation share is taken from the other folds. Runs beyond the worker count wait as queued.`
          : 'Rows are split seeded (stratified by class): train on the rest, stop early on validation, score on test.'}
      </p>
      <div id="experiment-problems" aria-live="polite">
        {problems.map((p) => (
          <p key={p} class="bad" role="alert">
            {p}
          </p>
        ))}
      </div>
    </fieldset>
  );
}
