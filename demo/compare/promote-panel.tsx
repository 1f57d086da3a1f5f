import type { GateThresholds, Lab, PromotionResult } from 'edgeflow';
import type { ModelVersion, Run } from 'edgeflow/registry';
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../format.ts';
import { liveRunIdsState, runName } from '../lab-state.ts';
import { GateReportView } from './gate-report.tsx';
import { METRIC_COLUMNS, runMetric } from './run-fields.ts';

interface ThresholdRow {
  key: number;
  metric: string;
  threshold: string;
  minAbsoluteChange: string;
  minRelativeChange: string;
  greaterIsBetter: boolean;
}

const LOWER_IS_BETTER = new Set(['log_loss', 'expected_calibration_error', 'mae', 'rmse', 'mape']);
let nextRowKey = 1;

function defaultRow(task: 'classification' | 'regression'): ThresholdRow {
  const metric = task === 'classification' ? 'accuracy' : 'r2';
  return {
    key: nextRowKey++,
    metric,
    threshold: task === 'classification' ? '0.6' : '0.3',
    minAbsoluteChange: '',
    minRelativeChange: '',
    greaterIsBetter: true,
  };
}

/** Form rows as gate thresholds; empty fields are left out. */
function thresholdsOf(rows: readonly ThresholdRow[]): GateThresholds {
  const out: Record<string, GateThresholds[string]> = {};
  for (const row of rows) {
    const entry: {
      threshold?: number;
      minAbsoluteChange?: number;
      minRelativeChange?: number;
      greaterIsBetter: boolean;
    } = { greaterIsBetter: row.greaterIsBetter };
    if (row.threshold.trim() !== '') entry.threshold = Number(row.threshold);
    if (row.minAbsoluteChange.trim() !== '') entry.minAbsoluteChange = Number(row.minAbsoluteChange);
    if (row.minRelativeChange.trim() !== '') entry.minRelativeChange = Number(row.minRelativeChange);
    out[row.metric] = entry;
  }
  return out;
}

/** A model name from a dataset name: letters, digits, `.`, `_`, `-`. */
function modelNameFrom(name: string): string {
  const cleaned = name
    .replace(/\.[a-z]+$/i, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '');
  return cleaned || 'model';
}

interface PromotePanelProps {
  lab: Lab;
  runs: readonly Run[];
  task: 'classification' | 'regression';
  datasetName: string;
  /** The run picked in the table, if one is. */
  preferredRunId: string | null;
}

/**
 * Pick a finished run, register it as a new version, then promote that version to an alias through
 * the gate with the thresholds given here; the gate report shows why it passed or failed.
 */
export function PromotePanel({ lab, runs, task, datasetName, preferredRunId }: PromotePanelProps) {
  // A finished run registers from the model its worker keeps (this page session) or from its draft
  // in IndexedDB (kept when it finished, until registered or pruned: issue 16, point 5). Older runs
  // without either are listed, disabled, with the reason.
  const sessionRuns = new Set(liveRunIdsState.value.split(' '));
  const [draftRuns, setDraftRuns] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => {
    let live = true;
    void lab.registry.listDrafts().then(
      (drafts) => live && setDraftRuns(new Set(drafts.map((d) => d.runId))),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [lab, runs]);
  const canRegister = (id: string): boolean => sessionRuns.has(id) || draftRuns.has(id);
  const finished = runs.filter((r) => r.status === 'finished');
  const registerable = finished.filter((r) => canRegister(r.id));
  const best = [...registerable].sort(
    (a, b) =>
      (runMetric(b, METRIC_COLUMNS[task][0]?.name ?? '') ?? -Infinity) -
      (runMetric(a, METRIC_COLUMNS[task][0]?.name ?? '') ?? -Infinity),
  )[0];
  const [runId, setRunId] = useState<string>('');
  const [model, setModel] = useState(modelNameFrom(datasetName));
  const [registered, setRegistered] = useState<ModelVersion | null>(null);
  const [alias, setAlias] = useState('champion');
  const [reason, setReason] = useState('');
  const [rows, setRows] = useState<ThresholdRow[]>(() => [defaultRow(task)]);
  const [busy, setBusy] = useState<'register' | 'promote' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<{ result: PromotionResult; alias: string } | null>(null);

  useEffect(() => setModel(modelNameFrom(datasetName)), [datasetName]);
  useEffect(() => setRows([defaultRow(task)]), [task]);
  useEffect(() => {
    if (preferredRunId && registerable.some((r) => r.id === preferredRunId)) setRunId(preferredRunId);
  }, [preferredRunId]);
  const chosen = registerable.find((r) => r.id === runId) ?? best;

  const register = async (): Promise<void> => {
    if (!chosen) return;
    setBusy('register');
    setError(null);
    setResult(null);
    try {
      setRegistered(
        await lab.register(chosen.id, { model, description: `${runName(chosen)} from the lab page` }),
      );
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(null);
    }
  };
  const promote = async (): Promise<void> => {
    if (!registered) return;
    setBusy('promote');
    setError(null);
    try {
      const outcome = await lab.promote(registered.model, registered.version, {
        alias,
        thresholds: thresholdsOf(rows),
        reason:
          reason.trim() ||
          `promoted from the lab page (run ${runName(chosen ?? { id: registered.runId ?? '?', tags: [] })})`,
      });
      setResult({ result: outcome, alias });
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(null);
    }
  };
  const setRow = (key: number, patch: Partial<ThresholdRow>): void =>
    setRows((current) => current.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const metricNames = METRIC_COLUMNS[task].map((m) => m.name);

  return (
    <div class="promote" data-testid="promote-panel">
      <div class="toolbar">
        <label for="promote-run">Run</label>
        <select
          id="promote-run"
          value={chosen?.id ?? ''}
          onChange={(e) => {
            setRunId(e.currentTarget.value);
            setRegistered(null);
            setResult(null);
          }}
          disabled={registerable.length === 0 || busy !== null}
        >
          {registerable.length === 0 && <option value="">no run of this session has finished yet</option>}
          {finished.map((r) => (
            <option key={r.id} value={r.id} disabled={!canRegister(r.id)}>
              {runName(r)} ({METRIC_COLUMNS[task][0]?.label}{' '}
              {runMetric(r, METRIC_COLUMNS[task][0]?.name ?? '')?.toFixed(3) ?? '–'})
              {sessionRuns.has(r.id)
                ? ''
                : draftRuns.has(r.id)
                  ? ' — earlier session, model kept as a draft'
                  : ' — earlier session, no kept model: train again to register'}
            </option>
          ))}
        </select>
        <label for="promote-model">Model name</label>
        <input
          id="promote-model"
          value={model}
          onInput={(e) => setModel(e.currentTarget.value)}
          disabled={busy !== null}
        />
        <button
          type="button"
          class="primary"
          onClick={() => void register()}
          disabled={!chosen || busy !== null || model.trim() === ''}
          data-testid="register"
        >
          {busy === 'register' ? 'Registering…' : 'Register as a new version'}
        </button>
      </div>
      {registered && (
        <p class="ok" role="status" data-testid="registered">
          Registered <strong>{registered.model}</strong> version <strong>v{registered.version}</strong>{' '}
          (weights {registered.weights.bytes.toLocaleString('en-US')} bytes, sha256{' '}
          {registered.weights.sha256.slice(0, 10)}…).
        </p>
      )}
      <fieldset class="thresholds" disabled={!registered || busy !== null}>
        <legend>Promote v{registered?.version ?? '?'} through the gate</legend>
        <div class="toolbar">
          <label for="promote-alias">Alias</label>
          <input id="promote-alias" value={alias} onInput={(e) => setAlias(e.currentTarget.value)} />
          <label for="promote-reason">Reason</label>
          <input
            id="promote-reason"
            class="wide"
            value={reason}
            placeholder="why (kept in the alias log)"
            onInput={(e) => setReason(e.currentTarget.value)}
          />
        </div>
        <table aria-label="Thresholds">
          <thead>
            <tr>
              <th scope="col">metric</th>
              <th scope="col">threshold</th>
              <th scope="col">min abs. change</th>
              <th scope="col">min rel. change</th>
              <th scope="col">higher is better</th>
              <th scope="col">
                <span class="visually-hidden">remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.key}>
                <td>
                  <select
                    aria-label="Metric"
                    value={row.metric}
                    onChange={(e) => {
                      const metric = e.currentTarget.value;
                      setRow(row.key, { metric, greaterIsBetter: !LOWER_IS_BETTER.has(metric) });
                    }}
                  >
                    {metricNames.map((m) => (
                      <option key={m} value={m}>
                        {m}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <input
                    aria-label={`Threshold of ${row.metric}`}
                    inputMode="decimal"
                    size={6}
                    value={row.threshold}
                    onInput={(e) => setRow(row.key, { threshold: e.currentTarget.value })}
                  />
                </td>
                <td>
                  <input
                    aria-label={`Minimum absolute change of ${row.metric}`}
                    inputMode="decimal"
                    size={6}
                    value={row.minAbsoluteChange}
                    onInput={(e) => setRow(row.key, { minAbsoluteChange: e.currentTarget.value })}
                  />
                </td>
                <td>
                  <input
                    aria-label={`Minimum relative change of ${row.metric}`}
                    inputMode="decimal"
                    size={6}
                    value={row.minRelativeChange}
                    onInput={(e) => setRow(row.key, { minRelativeChange: e.currentTarget.value })}
                  />
                </td>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Higher ${row.metric} is better`}
                    checked={row.greaterIsBetter}
                    onChange={(e) => setRow(row.key, { greaterIsBetter: e.currentTarget.checked })}
                  />
                </td>
                <td>
                  <button
                    type="button"
                    class="link"
                    disabled={rows.length === 1}
                    onClick={() => setRows((current) => current.filter((r) => r.key !== row.key))}
                  >
                    Remove {row.metric}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div class="toolbar">
          <button type="button" onClick={() => setRows((current) => [...current, defaultRow(task)])}>
            Add a metric
          </button>
          <button type="button" class="primary" onClick={() => void promote()} data-testid="promote">
            {busy === 'promote' ? 'Re-evaluating in the worker…' : `Promote to ${alias}`}
          </button>
        </div>
      </fieldset>
      {error && (
        <p class="bad" role="alert" data-testid="promote-error">
          {error}
        </p>
      )}
      {result && <GateReportView result={result.result} alias={result.alias} />}
    </div>
  );
}
