import type { Lab, RunComparison } from 'edgeflow';
import { useEffect, useState } from 'preact/hooks';
import { LearningCurves } from '../charts/learning-curves.tsx';
import { PredictedVsActual } from '../charts/predicted-vs-actual.tsx';
import { errorText, formatNumber } from '../format.ts';
import { datasetState, runName, storedRunsState } from '../lab-state.ts';
import { ConfusionMatrix } from './confusion-matrix.tsx';
import { CrossValidationTable } from './cross-validation.tsx';
import { PerClassTable } from './per-class-table.tsx';
import { PromotePanel } from './promote-panel.tsx';
import { perClassMetrics, runConfusion, runPredictions, runTask } from './run-fields.ts';
import { RunsTable } from './runs-table.tsx';
import { VersionCompare } from './version-compare.tsx';

function showValue(value: unknown): string {
  if (typeof value === 'number') return formatNumber(value);
  if (value === undefined) return '–';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * The compare section: every stored run of the task in a sortable table, then for the runs picked
 * the parameter differences and metrics (`lab.runs.compare`), overlaid learning curves, confusion
 * matrices or predicted-vs-actual plots; and register → promote through the gate.
 */
export function ComparePanel({ lab }: { lab: Lab }) {
  const dataset = datasetState.value;
  const allRuns = storedRunsState.value;
  const [onlyThisDataset, setOnlyThisDataset] = useState(true);
  // Until the user picks runs, the newest finished ones (up to four) are compared.
  const [picks, setPicks] = useState<string[] | null>(null);
  const [comparison, setComparison] = useState<RunComparison | null>(null);
  const [error, setError] = useState<string | null>(null);

  const task = dataset?.schema.target?.task ?? (allRuns[0] ? runTask(allRuns[0]) : 'classification');
  const runs = allRuns.filter(
    (r) =>
      runTask(r) === task && (!onlyThisDataset || !dataset || r.datasetFingerprint === dataset.fingerprint),
  );
  const selected =
    picks ??
    runs
      .filter((r) => r.status === 'finished')
      .slice(0, 4)
      .map((r) => r.id);
  const picked = runs.filter((r) => selected.includes(r.id));

  useEffect(() => {
    const ids = picked.map((r) => r.id);
    if (ids.length < 2) {
      setComparison(null);
      return;
    }
    let live = true;
    lab.runs.compare(ids).then(
      (c) => live && setComparison(c),
      (e: unknown) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [lab, selected.join(','), allRuns]);

  const toggle = (runId: string): void =>
    setPicks(selected.includes(runId) ? selected.filter((id) => id !== runId) : [...selected, runId]);

  return (
    <>
      <div class="toolbar">
        <span>
          {runs.length} {task} run{runs.length === 1 ? '' : 's'} stored
        </span>
        {dataset && (
          <label class="checkbox">
            <input
              type="checkbox"
              checked={onlyThisDataset}
              onChange={(e) => setOnlyThisDataset(e.currentTarget.checked)}
            />{' '}
            only runs on {dataset.name}
          </label>
        )}
      </div>
      {runs.length === 0 ? (
        <p class="muted">No runs yet: train candidates above.</p>
      ) : (
        <RunsTable lab={lab} runs={runs} task={task} selected={selected} onToggle={toggle} />
      )}
      <CrossValidationTable runs={runs} task={task} />
      {error && (
        <p role="alert" class="bad">
          {error}
        </p>
      )}
      {picked.length > 0 && (
        <div class="compare-details" data-testid="compare-details">
          <div class="two-col">
            <div>
              <h3>Learning curves</h3>
              <LearningCurves runs={picked} />
            </div>
            <div>
              <h3>Parameter differences</h3>
              {comparison && Object.keys(comparison.differences).length > 0 ? (
                <div class="table-scroll">
                  <table aria-label="Parameter differences">
                    <thead>
                      <tr>
                        <th scope="col">spec field</th>
                        {comparison.runIds.map((id) => (
                          <th scope="col" key={id}>
                            {runName(picked.find((r) => r.id === id) ?? { id, tags: [] })}
                          </th>
                        ))}
                      </tr>
                    </thead>
                    <tbody>
                      {Object.entries(comparison.differences).map(([field, values]) => (
                        <tr key={field}>
                          <th scope="row">
                            <code>{field}</code>
                          </th>
                          {values.map((v, i) => (
                            <td key={comparison.runIds[i] ?? i}>{showValue(v)}</td>
                          ))}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              ) : (
                <p class="muted">
                  {picked.length < 2 ? 'Pick two or more runs to see what differs.' : 'Same parameters.'}
                </p>
              )}
              {comparison && comparison.pipeline.length > 0 && (
                <div class="table-scroll">
                  <table aria-label="Pipeline differences" data-testid="pipeline-differences">
                    <caption>Fitted pipeline differences (each run fits on its own training rows)</caption>
                    <thead>
                      <tr>
                        <th scope="col">column</th>
                        <th scope="col">fitted</th>
                        {comparison.runIds.map((id) => (
                          <th scope="col" key={id}>
                            {runName(picked.find((r) => r.id === id) ?? { id, tags: [] })}
                          </th>
                        ))}
                      </tr>
                    </thead>
                    <tbody>
                      {comparison.pipeline.map((d) => (
                        <tr key={`${d.column}|${d.field}`}>
                          <th scope="row">
                            <code>{d.column}</code>
                          </th>
                          <td>
                            <code>{d.field}</code>
                          </td>
                          {d.values.map((v, i) => (
                            <td key={comparison.runIds[i] ?? i}>{v === null ? '–' : showValue(v)}</td>
                          ))}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </div>
          </div>
          <h3>
            {task === 'classification'
              ? 'Confusion matrices (test split)'
              : 'Predicted vs actual (test split)'}
          </h3>
          <div class="per-run-grid roomy">
            {picked.map((run) => {
              if (task === 'classification') {
                const confusion = runConfusion(run);
                return confusion ? (
                  <ConfusionMatrix
                    key={run.id}
                    title={runName(run)}
                    classes={confusion.classes}
                    matrix={confusion.matrix}
                  />
                ) : (
                  <p key={run.id} class="muted">
                    {runName(run)}: no confusion matrix stored.
                  </p>
                );
              }
              const predictions = runPredictions(run);
              return predictions ? (
                <PredictedVsActual
                  key={run.id}
                  title={runName(run)}
                  actual={predictions.actual}
                  predicted={predictions.predicted}
                />
              ) : (
                <p key={run.id} class="muted">
                  {runName(run)}: no test predictions stored.
                </p>
              );
            })}
          </div>
          {task === 'classification' && (
            <>
              <h3>Per-class metrics (test split)</h3>
              <div class="per-run-grid roomy" data-testid="per-class-metrics">
                {picked.map((run) => {
                  const rows = perClassMetrics(run.metrics);
                  return rows ? (
                    <PerClassTable key={run.id} title={runName(run)} rows={rows} />
                  ) : (
                    <p key={run.id} class="muted">
                      {runName(run)}: no per-class metrics stored.
                    </p>
                  );
                })}
              </div>
            </>
          )}
        </div>
      )}
      <h3>Registered versions side by side</h3>
      <VersionCompare registry={lab.registry} />
      <h3>Register and promote</h3>
      <PromotePanel
        lab={lab}
        runs={runs}
        task={task}
        datasetName={dataset?.name ?? 'model'}
        preferredRunId={picked[0]?.id ?? null}
      />
    </>
  );
}
