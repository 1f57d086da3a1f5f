// One simulated edge device, in its own dedicated worker: an app built the way docs/edge.md says —
// `createEdgeClient` with its own IndexedDB store (so its own install id and releases), updating from
// the collector's /releases with the page's public key, predicting on a stream of rows drawn from the
// dataset (drifted when the page says so), and reporting through `startTelemetry` with its own outbox.
import { createRng } from 'edgeflow/data';
import { createEdgeClient, type EdgeClient, type EdgeClientEventType } from 'edgeflow/edge';
import { createPredictor, type Predictor } from 'edgeflow/monitor';
import { IndexedDbModelStore } from 'edgeflow/registry';
import { startTelemetry, type Telemetry } from 'edgeflow/telemetry';
import { drawRows, type NumericStats, poolStats } from './row-drift.ts';
import type {
  ClientCommand,
  ClientConfig,
  ClientError,
  ClientMessage,
  ClientStatus,
  FeatureDrifts,
} from './types.ts';

/** How often the predict loop runs, ms (rows per tick follow the rate). */
const TICK_MS = 250;
/** How often the status (outbox size included) goes to the page when nothing else changed, ms. */
const STATUS_MS = 1000;
/** Longest wait between polls after failures, ms. */
const MAX_BACKOFF_MS = 60_000;
/** The backend every simulated client predicts on: small models, many workers, no GPU contention. */
const BACKEND = 'cpu';

const post = (message: ClientMessage): void => self.postMessage(message);

function toClientError(error: unknown): ClientError {
  const code = (error as { code?: unknown } | null)?.code;
  return {
    code: typeof code === 'string' ? code : 'INTERNAL',
    message: error instanceof Error ? error.message : String(error),
  };
}

let config: ClientConfig | null = null;
let client: EdgeClient<Predictor> | null = null;
let telemetry: Telemetry | null = null;
let telemetryRelease: number | null = null;
let telemetryChange: Promise<void> = Promise.resolve();
let instrumented: { predictor: Predictor; unsubscribe: () => void } | null = null;
let drift: FeatureDrifts | null = null;
let rowsPerSecond = 0;
let stats: Map<string, NumericStats> = new Map();
let random: () => number = Math.random;
let stopped = false;
let checking: Promise<void> = Promise.resolve();
let pollTimer: ReturnType<typeof setTimeout> | undefined;
let tickTimer: ReturnType<typeof setInterval> | undefined;
let statusTimer: ReturnType<typeof setInterval> | undefined;
let failures = 0;
let budget = 0;
let lastTick = 0;
let predicting = false;

let status: ClientStatus = {
  slot: -1,
  installId: '',
  activeVersion: null,
  activeRelease: null,
  updateState: 'starting',
  outboxSize: null,
  lastError: null,
  predictions: 0,
  rowErrors: 0,
  drifted: false,
  backend: null,
  lastDrift: null,
  running: true,
};

function update(patch: Partial<ClientStatus>): void {
  status = { ...status, ...patch };
  post({ type: 'status', status });
}

function syncActive(): void {
  const active = client?.active() ?? null;
  update({ activeRelease: active?.release ?? null, activeVersion: active?.manifest.version ?? null });
}

/**
 * (Re)starts telemetry for the active release: the release and model version are resource
 * attributes, fixed for a MeterProvider's life, so a new release means a new provider. What the old
 * one held goes to the outbox first (`shutdown`), and the new one sends it from there.
 */
function restartTelemetry(): Promise<void> {
  telemetryChange = telemetryChange.then(async () => {
    const active = client?.active() ?? null;
    if (config === null || config.telemetryEndpoint === null || active === null || stopped) return;
    if (telemetry !== null && telemetryRelease === active.release) return;
    instrumented?.unsubscribe();
    instrumented = null;
    const old = telemetry;
    telemetry = null;
    await old?.shutdown();
    telemetry = await startTelemetry({
      endpoint: config.telemetryEndpoint,
      interval: config.telemetryIntervalMs,
      enabled: true,
      flushOnHide: false,
      outbox: { name: config.outboxName },
      resource: {
        serviceName: 'edgeflow-demo-edge-client',
        model: config.model,
        modelVersion: active.manifest.version,
        release: String(active.release),
        backend: BACKEND,
      },
      onError: (error) => update({ lastError: { code: error.code, message: `Telemetry: ${error.message}` } }),
    });
    telemetryRelease = active.release;
  });
  return telemetryChange.catch((error: unknown) => update({ lastError: toClientError(error) }));
}

/** Forwards the client's release events to whichever telemetry runs now (it changes per release). */
const releaseEvents = {
  recordReleaseEvent(event: EdgeClientEventType, attributes?: { model?: string; version?: number }) {
    return telemetry?.recordReleaseEvent(event, attributes);
  },
};

async function checkOnce(): Promise<void> {
  if (client === null || stopped) return;
  update({ updateState: 'checking' });
  try {
    const outcome = await client.checkForUpdate();
    failures = 0;
    syncActive();
    switch (outcome.status) {
      case 'activated':
        update({ updateState: `activated release ${outcome.release}`, lastError: null });
        break;
      case 'up-to-date':
      case 'not-modified':
        update({ updateState: client.active() === null ? 'waiting for a release' : 'up to date' });
        break;
      case 'not-in-rollout':
        update({
          updateState: `not in rollout of release ${outcome.release} (bucket ${outcome.bucket.toFixed(1)} ≥ ${outcome.rolloutPercent} %)`,
        });
        break;
    }
  } catch (error) {
    failures++;
    const e = toClientError(error);
    // No channel yet is the normal state before the first publish, not a failure worth shouting.
    update({
      updateState: e.code === 'NOT_FOUND' ? 'waiting for a release' : `update failed (${e.code})`,
      lastError: e.code === 'NOT_FOUND' ? status.lastError : e,
    });
  }
  await restartTelemetry();
}

/** Serialises checks: a manual check waits for a background one instead of racing it. */
function check(): Promise<void> {
  checking = checking.then(checkOnce);
  return checking;
}

function schedulePoll(): void {
  if (stopped || config === null) return;
  const base = config.pollIntervalMs;
  const delay = failures === 0 ? base : Math.min(MAX_BACKOFF_MS, base * 2 ** failures);
  pollTimer = setTimeout(() => {
    void check().then(schedulePoll);
  }, delay);
}

async function ensureInstrumented(predictor: Predictor): Promise<void> {
  if (instrumented?.predictor === predictor) return;
  await telemetryChange;
  if (telemetry === null) return;
  instrumented?.unsubscribe();
  const offTelemetry = telemetry.instrument(predictor);
  const offDrift = predictor.onDrift((report) => {
    update({
      lastDrift: {
        rows: report.window.rows,
        share: report.datasetDrift.share,
        driftedFeatures: report.features.filter((f) => f.drifted).map((f) => f.name),
      },
    });
  });
  instrumented = {
    predictor,
    unsubscribe: () => {
      offTelemetry();
      offDrift();
    },
  };
}

async function tick(): Promise<void> {
  const now = performance.now();
  budget = Math.min(budget + ((now - lastTick) / 1000) * rowsPerSecond, Math.max(1, rowsPerSecond * 2));
  lastTick = now;
  if (predicting || client === null || client.active() === null || config === null || stopped) return;
  const count = Math.floor(budget);
  if (count < 1) return;
  budget -= count;
  predicting = true;
  try {
    const predictor = await client.predictor();
    await ensureInstrumented(predictor);
    const rows = drawRows(config.rows, count, drift, stats, random);
    const results = await predictor.predict(rows);
    const refused = results.filter((r) => !r.ok).length;
    update({
      predictions: status.predictions + results.length - refused,
      rowErrors: status.rowErrors + refused,
      backend: predictor.backend,
    });
    await client.reportHealth(true);
  } catch (error) {
    update({ lastError: toClientError(error) });
    // A predict that throws is a crash of the app's model run: the client rolls back past its threshold.
    await client.reportHealth(false).catch(() => undefined);
  } finally {
    predicting = false;
  }
}

async function refreshOutbox(): Promise<void> {
  if (telemetry === null) return;
  try {
    const s = await telemetry.status();
    if (s.batches !== status.outboxSize) update({ outboxSize: s.batches });
    else post({ type: 'status', status });
  } catch {
    // Telemetry closing between two polls: the next status says it.
  }
}

async function start(next: ClientConfig): Promise<void> {
  config = next;
  rowsPerSecond = next.rowsPerSecond;
  drift = next.drift;
  stats = poolStats(next.rows);
  const rng = createRng(next.seed);
  random = () => rng.next();
  update({ slot: next.slot, drifted: drift !== null });
  try {
    client = await createEdgeClient<Predictor>({
      baseUrl: next.baseUrl,
      model: next.model,
      channel: next.channel,
      publicKeys: next.publicKeys,
      store: new IndexedDbModelStore({ name: next.storeName }),
      backend: BACKEND,
      persistStorage: false,
      telemetry: releaseEvents,
      // The monitor's Predictor, with a drift window short enough for a demo to see drift in seconds.
      createPredictor: ({ registry, model, version, backend }) =>
        createPredictor({
          registry,
          model,
          version,
          ...(backend === undefined ? {} : { backend }),
          drift: { window: { rows: next.driftWindowRows, ms: next.driftWindowMs } },
        }),
    });
  } catch (error) {
    update({ updateState: 'failed to start', lastError: toClientError(error) });
    return;
  }
  client.on('update-available', (e) => update({ updateState: `downloading release ${e.release}` }));
  client.on('activated', () => {
    syncActive();
    void restartTelemetry();
  });
  client.on('rejected', (e) =>
    update({
      updateState: `refused release ${e.release ?? '?'} (${e.code})`,
      lastError: { code: e.code, message: e.message },
    }),
  );
  client.on('rolled-back', (e) => {
    syncActive();
    update({ updateState: `rolled back to release ${e.to ?? '–'} (${e.code})` });
    void restartTelemetry();
  });
  update({ installId: client.installId });
  syncActive();
  await restartTelemetry();
  lastTick = performance.now();
  tickTimer = setInterval(() => void tick(), TICK_MS);
  statusTimer = setInterval(() => void refreshOutbox(), STATUS_MS);
  await check();
  schedulePoll();
}

/** Stops polling and predicting, flushes telemetry (waiting briefly for the outbox to drain), closes. */
async function stop(): Promise<void> {
  stopped = true;
  clearTimeout(pollTimer);
  clearInterval(tickTimer);
  clearInterval(statusTimer);
  await checking.catch(() => undefined);
  await telemetryChange.catch(() => undefined);
  instrumented?.unsubscribe();
  instrumented = null;
  if (telemetry !== null) {
    try {
      await telemetry.flush();
      // The elected sender posts the flushed batch right away; give it up to 3 s before closing.
      for (let i = 0; i < 30 && (await telemetry.status()).batches > 0; i++)
        await new Promise((resolve) => setTimeout(resolve, 100));
      update({ outboxSize: (await telemetry.status()).batches });
    } catch {
      // Whatever did not go stays in the outbox for the next start.
    }
    await telemetry.shutdown().catch(() => undefined);
    telemetry = null;
  }
  await client?.close().catch(() => undefined);
  client = null;
  update({ running: false, updateState: 'stopped' });
}

self.onmessage = (event: MessageEvent<ClientCommand>) => {
  const command = event.data;
  switch (command.type) {
    case 'start':
      void start(command.config);
      break;
    case 'rate':
      rowsPerSecond = command.rowsPerSecond;
      break;
    case 'drift':
      drift = command.drift;
      update({ drifted: drift !== null });
      break;
    case 'check':
      void check().then(() =>
        post({
          type: 'checked',
          id: command.id,
          error: status.updateState.startsWith('update failed') ? status.lastError : null,
        }),
      );
      break;
    case 'stop':
      void stop().then(() => post({ type: 'stopped', id: command.id }));
      break;
  }
};
