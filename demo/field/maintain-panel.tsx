import type { Lab } from 'edgeflow';
import { useEffect, useState } from 'preact/hooks';
import { formatNumber } from '../format.ts';
import { datasetState } from '../lab-state.ts';
import { clientsState, fleetState } from './edge-sim/clients.ts';
import {
  type MaintainStep,
  maintainState,
  promoteChallenger,
  publishFull,
  publishPartial,
  retrainOnNewData,
} from './maintain/maintain-flow.ts';
import { driftAlerts, monitorState } from './monitor/monitor-state.ts';
import { publishedState } from './publish/publish.ts';

const METRICS = {
  classification: [
    { id: 'accuracy', label: 'accuracy' },
    { id: 'f1_macro', label: 'F1 (macro)' },
  ],
  regression: [
    { id: 'mae', label: 'MAE' },
    { id: 'rmse', label: 'RMSE' },
  ],
} as const;

const STEPS: ReadonlyArray<{ id: MaintainStep; label: string }> = [
  { id: 'retrain', label: 'New data, challenger trained and gated against the champion' },
  { id: 'promote', label: 'Challenger promoted to champion' },
  { id: 'publish-10', label: 'Published to 10 % of the channel' },
  { id: 'publish-100', label: 'Rolled out to 100 %' },
];

function stepDone(step: MaintainStep): boolean {
  const s = maintainState.value;
  if (step === 'retrain') return s.retrain !== null;
  if (step === 'promote') return s.promotion?.passed === true;
  if (step === 'publish-10') return s.partial !== null;
  return s.full !== null;
}

/** Where the fleet stands against the new release: clients on the new version, and the drift alert. */
function Watch({ version }: { version: number }) {
  const clients = clientsState.value.filter((c) => c.running);
  const onNew = clients.filter((c) => c.activeVersion === version).length;
  const alerts = driftAlerts.value;
  const newVersionAlerts = alerts.filter((a) => a.version === version);
  const monitorReady = monitorState.value.status === 'ready';
  return (
    <p
      class="small"
      data-testid="maintain-watch"
      data-on-new={onNew}
      data-clients={clients.length}
      data-drift={alerts.length > 0 ? 'alert' : 'clear'}
    >
      Clients on v{version}: <strong>{onNew}</strong> of {clients.length}
      {clients.length === 0 && ' (start clients in section 6 to watch them move)'}.{' '}
      {!monitorReady
        ? 'Drift: waiting for the collector.'
        : alerts.length === 0
          ? 'Drift: no alert — the fleet’s inputs match the training data again.'
          : newVersionAlerts.length > 0
            ? `Drift: v${version} still drifts on ${newVersionAlerts.flatMap((a) => a.features).join(', ')}.`
            : `Drift: the alert is still on ${alerts.map((a) => `v${a.version ?? '–'}`).join(', ')} (clears as devices leave it).`}
    </p>
  );
}

/**
 * The maintain section: from a drift alert, retrain a challenger on new data, gate it against the
 * champion on that data, promote it, publish it to 10 % then 100 % of the channel, and watch the
 * clients move and the drift clear. One button per step; each shows its progress and result.
 */
export function MaintainPanel({ lab }: { lab: Lab }) {
  const state = maintainState.value;
  const alerts = driftAlerts.value;
  const task = datasetState.value?.schema.target?.task ?? 'classification';
  const metrics = METRICS[task];
  const [models, setModels] = useState<string[]>([]);
  const [model, setModel] = useState<string>('');
  const [channel, setChannel] = useState<string>('');
  const [metric, setMetric] = useState<string>(metrics[0].id);
  const [floor, setFloor] = useState<string>('');
  const [source, setSource] = useState<'drift' | 'file'>('drift');
  const [file, setFile] = useState<File | null>(null);

  useEffect(() => {
    let live = true;
    const load = (): void => {
      void lab.registry.listModels().then(
        (list) => live && setModels(list.map((m) => m.name)),
        () => undefined,
      );
    };
    load();
    const unsubscribe = lab.registry.subscribe((change) => {
      if (change.type === 'version-registered' || change.type === 'model-updated') load();
    });
    return () => {
      live = false;
      unsubscribe();
    };
  }, [lab]);
  useEffect(() => {
    if (!metrics.some((m) => m.id === metric)) setMetric(metrics[0].id);
  }, [task]);

  // Defaults follow the fleet: the model the monitor shows (or the clients run), their channel.
  const published = publishedState.value.at(-1);
  const chosenModel =
    model || monitorState.value.model || fleetState.value?.model || published?.model || models[0] || '';
  const chosenChannel = channel || fleetState.value?.channel || published?.channel || 'stable';
  const floorValue = floor.trim() === '' ? null : Number(floor);
  const floorInvalid = floorValue !== null && !Number.isFinite(floorValue);
  const busy = state.busy !== null;
  const challenger = state.retrain?.version.version ?? null;

  return (
    <div class="maintain" data-testid="maintain-panel">
      {alerts.length > 0 ? (
        <p class="bad">
          <strong>From the drift alert:</strong>{' '}
          {alerts
            .map((a) => `v${a.version ?? '–'} drifted on ${a.features.join(', ') || 'the dataset share'}`)
            .join('; ')}
          . Retrain on data that looks like what the fleet sees now.
        </p>
      ) : (
        <p class="muted">
          No drift alert now (section 7). You can still retrain a challenger on new data and ship it through
          the gate.
        </p>
      )}

      <fieldset class="maintain-form" disabled={busy}>
        <legend>Challenger</legend>
        <div class="field-grid">
          <div class="field">
            <label for="maintain-model">Model</label>
            <select
              id="maintain-model"
              data-testid="maintain-model"
              value={chosenModel}
              onChange={(e) => setModel(e.currentTarget.value)}
            >
              {chosenModel === '' && <option value="">no registered model</option>}
              {[...new Set([chosenModel, ...models].filter(Boolean))].map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="maintain-channel">Channel</label>
            <input
              id="maintain-channel"
              data-testid="maintain-channel"
              value={chosenChannel}
              onInput={(e) => setChannel(e.currentTarget.value.trim())}
            />
          </div>
          <div class="field">
            <label for="maintain-metric">Gate metric</label>
            <select
              id="maintain-metric"
              data-testid="maintain-metric"
              value={metric}
              onChange={(e) => setMetric(e.currentTarget.value)}
            >
              {metrics.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.label}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="maintain-floor">Also at least (optional)</label>
            <input
              id="maintain-floor"
              data-testid="maintain-floor"
              inputMode="decimal"
              value={floor}
              aria-invalid={floorInvalid}
              aria-describedby="maintain-gate-hint"
              onInput={(e) => setFloor(e.currentTarget.value)}
            />
          </div>
        </div>
        <p class="hint" id="maintain-gate-hint">
          The gate: the challenger's {metric} must be at least as good as the champion's on the new data's
          test rows
          {floorValue !== null && !floorInvalid
            ? `, and ${task === 'regression' ? 'at most' : 'at least'} ${floor}`
            : ''}
          .
        </p>
        <div class="toolbar" role="radiogroup" aria-label="New data">
          <label>
            <input
              type="radio"
              name="maintain-source"
              value="drift"
              checked={source === 'drift'}
              onChange={() => setSource('drift')}
            />{' '}
            The loaded dataset with the clients' drift applied
          </label>
          <label>
            <input
              type="radio"
              name="maintain-source"
              value="file"
              checked={source === 'file'}
              onChange={() => setSource('file')}
            />{' '}
            A file of new, labelled data
          </label>
          {source === 'file' && (
            <input
              type="file"
              accept=".csv,.tsv,.json,.ndjson,text/csv,application/json"
              aria-label="New data file"
              data-testid="maintain-file"
              onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
            />
          )}
        </div>
      </fieldset>

      <div class="toolbar">
        <button
          type="button"
          class="primary"
          data-testid="maintain-retrain"
          disabled={busy || chosenModel === '' || floorInvalid || (source === 'file' && file === null)}
          onClick={() =>
            void retrainOnNewData(lab, {
              model: chosenModel,
              channel: chosenChannel,
              metric,
              floor: floorValue,
              file: source === 'file' ? file : null,
            })
          }
        >
          {state.busy === 'retrain' ? 'Retraining…' : 'Retrain on new data'}
        </button>
        <button
          type="button"
          data-testid="maintain-promote"
          disabled={busy || state.retrain === null || state.promotion?.passed === true}
          onClick={() => void promoteChallenger(lab)}
        >
          {state.busy === 'promote' ? 'Promoting…' : `Promote${challenger === null ? '' : ` v${challenger}`}`}
        </button>
        <button
          type="button"
          data-testid="maintain-publish-10"
          disabled={busy || state.promotion?.passed !== true || state.partial !== null}
          onClick={() => void publishPartial(lab)}
        >
          {state.busy === 'publish-10' ? 'Publishing…' : 'Publish to 10 %'}
        </button>
        <button
          type="button"
          data-testid="maintain-publish-100"
          disabled={busy || state.partial === null || state.full !== null}
          onClick={() => void publishFull(lab)}
        >
          {state.busy === 'publish-100' ? 'Rolling out…' : 'Roll out to 100 %'}
        </button>
      </div>

      <ol class="maintain-steps" aria-label="Maintain steps">
        {STEPS.map((step) => {
          const done = stepDone(step.id);
          const running = state.busy === step.id;
          return (
            <li
              key={step.id}
              data-step={step.id}
              data-state={running ? 'running' : done ? 'done' : 'pending'}
            >
              <span class={done ? 'ok' : running ? 'warn' : 'muted'}>{done ? '✓' : running ? '…' : '○'}</span>{' '}
              {step.label}
            </li>
          );
        })}
      </ol>

      <div role="status" aria-live="polite" data-testid="maintain-status" data-busy={state.busy ?? ''}>
        {state.message ?? 'Nothing started yet.'}
        {state.progress !== null && (
          <progress value={state.progress} max={1} aria-label="Challenger training progress" />
        )}
      </div>
      {state.error && (
        <p role="alert" class="bad" data-testid="maintain-error">
          {state.error}
        </p>
      )}

      {state.newData && <p class="small muted">New data: {state.newData.description}.</p>}
      {state.retrain && (
        <div class="table-scroll">
          <table class="compact" data-testid="maintain-gate">
            <caption class="muted small">
              Gate on the new data's {state.retrain.rows} test rows:{' '}
              {state.retrain.gate.passed ? 'passed' : 'refused'}
            </caption>
            <thead>
              <tr>
                <th scope="col">metric</th>
                <th scope="col" class="num">
                  challenger v{state.retrain.version.version}
                </th>
                <th scope="col" class="num">
                  champion {state.retrain.champion === null ? '' : `v${state.retrain.champion}`}
                </th>
                <th scope="col">verdict</th>
              </tr>
            </thead>
            <tbody>
              {state.retrain.gate.metrics.map((m) => (
                <tr key={m.metric}>
                  <th scope="row">{m.metric}</th>
                  <td class="num">{formatNumber(m.candidate)}</td>
                  <td class="num">{formatNumber(m.baseline)}</td>
                  <td class={m.passed ? 'ok' : 'bad'}>{m.passed ? 'pass' : 'fail'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {state.retrain.gate.failures.length > 0 && (
            <ul class="gate-failures" aria-label="Why the gate refused the challenger">
              {state.retrain.gate.failures.map((f) => (
                <li key={f} class="bad">
                  {f}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {challenger !== null && (state.partial !== null || state.full !== null) && (
        <Watch version={challenger} />
      )}
    </div>
  );
}
