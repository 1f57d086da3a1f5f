import type { Lab } from 'edgeflow';
import { useEffect, useState } from 'preact/hooks';
import { datasetState } from '../lab-state.ts';
import {
  type ClientStatus,
  checkForUpdates,
  clearDrift,
  clientsState,
  DEMO_POLL_INTERVAL_MS,
  DEMO_TELEMETRY_INTERVAL_MS,
  type DriftSetting,
  driftState,
  type FeatureDrift,
  fleetState,
  MAX_CLIENTS,
  setDrift,
  setRowsPerSecond,
  startClients,
  stopClients,
} from './edge-sim/clients.ts';
import type { PoolFeature } from './edge-sim/row-drift.ts';
import { FieldError } from './publish/field-error.tsx';
import { publishedState } from './publish/publish.ts';
import { useRegisteredModels } from './publish/use-registered.ts';

function ClientRow({ client }: { client: ClientStatus }) {
  return (
    <tr data-testid="client-row" data-slot={client.slot} data-running={client.running}>
      <td class="num">{client.slot + 1}</td>
      <td>
        <code title={client.installId}>{client.installId ? `${client.installId.slice(0, 8)}…` : '–'}</code>
      </td>
      <td
        data-field="version"
        data-version={client.activeVersion ?? ''}
        data-release={client.activeRelease ?? ''}
      >
        {client.activeVersion === null ? '–' : `v${client.activeVersion} · release ${client.activeRelease}`}
      </td>
      <td data-field="update-state">{client.updateState}</td>
      <td class="num" data-field="predictions">
        {client.predictions}
        {client.rowErrors > 0 && <span class="warn small"> ({client.rowErrors} refused)</span>}
      </td>
      <td class="num" data-field="outbox" data-value={client.outboxSize ?? ''}>
        {client.outboxSize ?? '–'}
      </td>
      <td data-field="drift" data-drifted={client.drifted}>
        {client.drifted ? <span class="warn">drifted rows</span> : <span class="muted">as trained</span>}
        {client.lastDrift && (
          <span class="small">
            {' '}
            · last window {client.lastDrift.rows} rows,{' '}
            {client.lastDrift.driftedFeatures.length > 0 ? (
              <span class="bad">drift in {client.lastDrift.driftedFeatures.join(', ')}</span>
            ) : (
              'no drift'
            )}
          </span>
        )}
      </td>
      <td data-field="error" data-code={client.lastError?.code ?? ''}>
        {client.lastError ? (
          <span class="bad" title={client.lastError.message}>
            {client.lastError.code}
          </span>
        ) : (
          <span class="muted">–</span>
        )}
      </td>
    </tr>
  );
}

function describeDrift(name: string, d: FeatureDrift): string {
  const parts: string[] = [];
  if (d.meanShift) parts.push(`mean ${d.meanShift > 0 ? '+' : ''}${d.meanShift} sd`);
  if (d.scale !== undefined && d.scale !== 1) parts.push(`scale ×${d.scale}`);
  if (d.categoryMix)
    parts.push(
      Object.entries(d.categoryMix)
        .map(([c, p]) => `${Math.round(p * 100)} % ${c}`)
        .join(', '),
    );
  if (d.missingRate) parts.push(`${Math.round(d.missingRate * 100)} % missing`);
  return `${name}: ${parts.join(', ') || 'unchanged'}`;
}

function DriftControls({ features, count }: { features: readonly PoolFeature[]; count: number }) {
  const drift = driftState.value;
  const [featureName, setFeatureName] = useState(features[0]?.name ?? '');
  const [meanShift, setMeanShift] = useState('2');
  const [scale, setScale] = useState('1');
  const [missingRate, setMissingRate] = useState('0');
  const [category, setCategory] = useState('');
  const [categoryShare, setCategoryShare] = useState('80');
  const [share, setShare] = useState('100');
  const [error, setError] = useState<unknown>(null);
  const feature = features.find((f) => f.name === featureName) ?? features[0] ?? null;
  useEffect(() => {
    if (feature && feature.kind === 'categorical' && !feature.categories.includes(category))
      setCategory(feature.categories[0] ?? '');
  }, [feature, category]);
  if (feature === null) return <p class="muted">The rows have no feature to drift.</p>;

  const apply = () => {
    setError(null);
    try {
      const d: {
        meanShift?: number;
        scale?: number;
        missingRate?: number;
        categoryMix?: Record<string, number>;
      } = {};
      if (feature.kind === 'numeric') {
        d.meanShift = Number(meanShift);
        d.scale = Number(scale);
      } else if (category !== '' && Number(categoryShare) > 0) {
        d.categoryMix = { [category]: Number(categoryShare) / 100 };
      }
      if (Number(missingRate) > 0) d.missingRate = Number(missingRate) / 100;
      const setting: DriftSetting = {
        share: Number(share) / 100,
        features: { ...(drift?.features ?? {}), [feature.name]: d },
      };
      setDrift(setting);
    } catch (e) {
      setError(e);
    }
  };
  const sharePercent = Number(share);
  return (
    <fieldset class="drift-controls">
      <legend>Inject drift</legend>
      <div class="toolbar">
        <label class="field">
          Drift feature
          <select
            data-testid="drift-feature"
            value={feature.name}
            onChange={(e) => setFeatureName(e.currentTarget.value)}
          >
            {features.map((f) => (
              <option key={f.name} value={f.name}>
                {f.name} ({f.kind})
              </option>
            ))}
          </select>
        </label>
        {feature.kind === 'numeric' ? (
          <>
            <label class="field">
              Mean shift (sd)
              <input
                type="number"
                step={0.5}
                data-testid="drift-mean-shift"
                value={meanShift}
                onInput={(e) => setMeanShift(e.currentTarget.value)}
              />
            </label>
            <label class="field">
              Scale (×)
              <input
                type="number"
                min={0}
                step={0.1}
                data-testid="drift-scale"
                value={scale}
                onInput={(e) => setScale(e.currentTarget.value)}
              />
            </label>
          </>
        ) : (
          <>
            <label class="field">
              Category
              <select
                data-testid="drift-category"
                value={category}
                onChange={(e) => setCategory(e.currentTarget.value)}
              >
                {feature.categories.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            </label>
            <label class="field">
              Rows forced to it %
              <input
                type="number"
                min={0}
                max={100}
                data-testid="drift-category-share"
                value={categoryShare}
                onInput={(e) => setCategoryShare(e.currentTarget.value)}
              />
            </label>
          </>
        )}
        <label class="field">
          Missing rate %
          <input
            type="number"
            min={0}
            max={100}
            data-testid="drift-missing-rate"
            value={missingRate}
            onInput={(e) => setMissingRate(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          Share of clients %
          <input
            type="number"
            min={0}
            max={100}
            data-testid="drift-share"
            value={share}
            onInput={(e) => setShare(e.currentTarget.value)}
          />
          <span class="hint">
            {Number.isFinite(sharePercent)
              ? `${Math.min(count, Math.ceil((sharePercent / 100) * count - 1e-9))} of ${count}`
              : ''}{' '}
            clients
          </span>
        </label>
        <button type="button" data-testid="apply-drift" onClick={apply}>
          Apply drift
        </button>
        <button
          type="button"
          data-testid="clear-drift"
          disabled={drift === null}
          onClick={() => {
            setError(null);
            clearDrift();
          }}
        >
          Clear drift
        </button>
      </div>
      {error !== null && <FieldError error={error} testId="drift-error" />}
      <p class="small" data-testid="drift-summary" aria-live="polite">
        {drift === null
          ? 'No drift: every client predicts on rows as the dataset has them.'
          : `Drifting ${Math.round(drift.share * 100)} % of the clients — ${Object.entries(drift.features)
              .map(([n, d]) => describeDrift(n, d))
              .join('; ')}.`}
      </p>
    </fieldset>
  );
}

/**
 * The edge clients section: N simulated devices, each a dedicated worker running `createEdgeClient`
 * with its own stores, updating from the collector, predicting on rows drawn from the dataset and
 * reporting telemetry; with rate and drift controls and a per-client status table.
 */
export function ClientsPanel({ lab }: { lab: Lab }) {
  const models = useRegisteredModels(lab.registry);
  const clients = clientsState.value;
  const fleet = fleetState.value;
  const dataset = datasetState.value;
  const latest = publishedState.value.at(-1) ?? null;
  const [modelName, setModelName] = useState<string | null>(null);
  const [channel, setChannel] = useState<string | null>(null);
  const [count, setCount] = useState('3');
  const [rate, setRate] = useState('5');
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [online, setOnline] = useState(typeof navigator === 'undefined' ? true : navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    addEventListener('online', update);
    addEventListener('offline', update);
    return () => {
      removeEventListener('online', update);
      removeEventListener('offline', update);
    };
  }, []);

  const model = modelName ?? latest?.model ?? models?.[0]?.name ?? '';
  const channelValue = channel ?? latest?.channel ?? 'stable';
  const countNumber = Number(count);
  const countValid = Number.isInteger(countNumber) && countNumber >= 1 && countNumber <= MAX_CLIENTS;
  const rateNumber = Number(rate);
  const rateValid =
    rate.trim() !== '' && Number.isFinite(rateNumber) && rateNumber >= 0 && rateNumber <= 1000;

  const act = async (label: string, action: () => Promise<unknown>): Promise<void> => {
    setBusy(label);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  return (
    <div class="clients-panel">
      <p class="small muted">
        Each client is a dedicated worker running <code>createEdgeClient</code> as an app would, with its own
        IndexedDB store and install id, trusting only this page’s public key. For the demo it polls its
        channel every {DEMO_POLL_INTERVAL_MS / 1000} s and sends telemetry to the collector every{' '}
        {DEMO_TELEMETRY_INTERVAL_MS / 1000} s (apps: 5 min and 60 s), predicting on the CPU backend on rows
        drawn from the loaded dataset (labels removed).
      </p>
      {!online && (
        <p role="alert" class="warn">
          This browser is offline: clients keep predicting on their stored release and keep telemetry in their
          outboxes until it is back.
        </p>
      )}
      {dataset === null && (
        <p class="muted" data-testid="clients-no-dataset">
          Load a dataset in section 1 first: the clients predict on rows drawn from it.
        </p>
      )}
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          if (countValid && rateValid && model !== '' && busy === null)
            void act('Starting clients…', () =>
              startClients(lab, {
                count: countNumber,
                rowsPerSecond: rateNumber,
                model,
                channel: channelValue,
              }),
            );
        }}
      >
        <div class="field">
          <label for="clients-model">Model</label>
          {models !== null && models.length > 0 ? (
            <select
              id="clients-model"
              data-testid="clients-model"
              value={model}
              onChange={(e) => setModelName(e.currentTarget.value)}
            >
              {models.map((m) => (
                <option key={m.name} value={m.name}>
                  {m.name}
                </option>
              ))}
            </select>
          ) : (
            <input
              id="clients-model"
              type="text"
              data-testid="clients-model"
              value={model}
              onInput={(e) => setModelName(e.currentTarget.value.trim())}
            />
          )}
        </div>
        <label class="field">
          Channel
          <input
            type="text"
            data-testid="clients-channel"
            value={channelValue}
            onInput={(e) => setChannel(e.currentTarget.value.trim())}
          />
        </label>
        <label class="field">
          Clients
          <input
            type="number"
            min={1}
            max={MAX_CLIENTS}
            data-testid="clients-count"
            value={count}
            aria-invalid={!countValid}
            onInput={(e) => setCount(e.currentTarget.value)}
          />
          {!countValid && <span class="field-error">a whole number from 1 to {MAX_CLIENTS}</span>}
        </label>
        <label class="field">
          Rows per second
          <input
            type="number"
            min={0}
            max={1000}
            data-testid="clients-rate"
            value={rate}
            aria-invalid={!rateValid}
            onInput={(e) => {
              setRate(e.currentTarget.value);
              const n = Number(e.currentTarget.value);
              if (fleet !== null && e.currentTarget.value.trim() !== '' && n >= 0 && n <= 1000)
                setRowsPerSecond(n);
            }}
          />
          <span class={rateValid ? 'hint' : 'field-error'}>
            {rateValid ? 'per client' : 'from 0 to 1000'}
          </span>
        </label>
        <button
          type="submit"
          class="primary"
          data-testid="start-clients"
          disabled={busy !== null || !countValid || !rateValid || model === '' || dataset === null}
        >
          {fleet ? 'Restart clients' : 'Start clients'}
        </button>
        <button
          type="button"
          data-testid="stop-clients"
          disabled={busy !== null || fleet === null}
          onClick={() => void act('Stopping clients (flushing telemetry)…', stopClients)}
        >
          Stop clients
        </button>
        <button
          type="button"
          data-testid="update-clients"
          disabled={busy !== null || fleet === null}
          onClick={() =>
            void act('Asking every client to check for an update…', async () => {
              const errors = await checkForUpdates();
              if (errors[0]) throw Object.assign(new Error(errors[0].message), { code: errors[0].code });
            })
          }
        >
          Check for updates now
        </button>
      </form>
      {busy !== null && (
        <p role="status" data-testid="clients-progress">
          <progress aria-label={busy} /> {busy}
        </p>
      )}
      {error !== null && <FieldError error={error} testId="clients-error" />}
      {fleet !== null && (
        <p class="small" data-testid="clients-pool" data-source={fleet.poolSource}>
          {fleet.count} clients on <code>{fleet.model}</code> / <code>{fleet.channel}</code>,{' '}
          {fleet.rowsPerSecond} rows/s each, drawn from {fleet.poolRows} dataset rows
          {fleet.poolSource === 'preview'
            ? ' (the preview only: train on the dataset once so the lab stores it, and the clients draw from all of it)'
            : ''}
          .
        </p>
      )}

      {clients.length === 0 ? (
        <p class="muted" data-testid="clients-empty">
          No clients running. Publish a release (section 5), then start a few clients.
        </p>
      ) : (
        <div class="table-scroll">
          <table class="compact clients-table" data-testid="clients-table">
            <caption class="visually-hidden">Simulated edge clients</caption>
            <thead>
              <tr>
                <th scope="col" class="num">
                  #
                </th>
                <th scope="col">Install id</th>
                <th scope="col">Active version</th>
                <th scope="col">Update state</th>
                <th scope="col" class="num">
                  Predictions
                </th>
                <th scope="col" class="num">
                  Outbox
                </th>
                <th scope="col">Drift</th>
                <th scope="col">Last error</th>
              </tr>
            </thead>
            <tbody>
              {clients.map((c) => (
                <ClientRow key={c.slot} client={c} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {fleet !== null ? (
        <DriftControls features={fleet.features} count={fleet.count} />
      ) : (
        <p class="muted small">Start clients to inject drift into the rows some of them predict on.</p>
      )}
    </div>
  );
}
