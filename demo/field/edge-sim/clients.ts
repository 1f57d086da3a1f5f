// The page's side of the simulated fleet: starts N edge clients, each in its own dedicated worker
// (sim-client.worker.ts) with its own stores, hands them rows drawn from the loaded dataset, relays
// the rate and drift controls, and keeps every client's status in signals for the clients view.
import { signal } from '@preact/signals';
import type { Lab } from 'edgeflow';
import type { PublicKeySet } from 'edgeflow/edge';
import { EdgeflowError } from 'edgeflow/errors';
import { datasetState } from '../../lab-state.ts';
import { collectorTarget } from '../field-state.ts';
import { pagePublicKeys, releaseBaseUrl } from '../publish/publish.ts';
import { datasetPool } from './dataset-rows.ts';
import { checkDriftSetting, driftedClientCount, type PoolFeature, poolFeatures } from './row-drift.ts';
import type {
  ClientCommand,
  ClientConfig,
  ClientError,
  ClientMessage,
  ClientStatus,
  DriftSetting,
} from './types.ts';

export type { ClientStatus, DriftSetting, FeatureDrift } from './types.ts';

/** How often each simulated client sends telemetry, ms: short for a demo (apps use 60 s). */
export const DEMO_TELEMETRY_INTERVAL_MS = 4000;
/** How often each simulated client polls its channel, ms: short for a demo (apps use 5 min). */
export const DEMO_POLL_INTERVAL_MS = 5000;
/** Rows per drift window of a client's Predictor (a window also closes after DEMO_DRIFT_WINDOW_MS). */
export const DEMO_DRIFT_WINDOW_ROWS = 100;
export const DEMO_DRIFT_WINDOW_MS = 10_000;
/** The most clients the page starts (each is a worker with its own tfjs). */
export const MAX_CLIENTS = 16;

/** Where the rows came from: the stored dataset, the lab's 100-row preview, or the caller. */
export type PoolSource = 'stored' | 'preview' | 'given';

/** Status of every client, by slot. */
export const clientsState = signal<ClientStatus[]>([]);
/** What the running fleet was started with (null when stopped). */
export const fleetState = signal<{
  model: string;
  channel: string;
  count: number;
  rowsPerSecond: number;
  /** The row pool's features (numeric or categorical with its categories), for the drift control. */
  features: PoolFeature[];
  /** Rows in the pool, and where they came from. */
  poolRows: number;
  poolSource: PoolSource;
} | null>(null);
/** The drift applied now (null: none). */
export const driftState = signal<DriftSetting | null>(null);

/** Options of `startClients`; the optional ones default to the page's collector, key and dataset. */
export interface StartClientsOptions {
  readonly count: number;
  readonly rowsPerSecond: number;
  readonly model: string;
  readonly channel: string;
  /** Rows to stream (default: the first 100 rows of the loaded dataset, target column dropped). */
  readonly rows?: readonly Readonly<Record<string, unknown>>[];
  /** Where releases are served (default `{page origin}/releases`). */
  readonly baseUrl?: string;
  /** Where telemetry goes (default the page's collector; null: none). */
  readonly telemetryEndpoint?: string | null;
  /** Trusted keys (default the page's public key). */
  readonly publicKeys?: PublicKeySet;
  readonly pollIntervalMs?: number;
  readonly telemetryIntervalMs?: number;
  readonly driftWindowRows?: number;
  readonly driftWindowMs?: number;
  /** Prefix of each client's IndexedDB names (default `edgeflow-sim`); slot i uses `{prefix}-edge-{i}`. */
  readonly storePrefix?: string;
}

interface RunningClient {
  readonly worker: Worker;
  readonly waiting: Map<number, (error: ClientError | null) => void>;
}

let running: RunningClient[] = [];
let nextId = 1;

function setStatus(slot: number, next: ClientStatus): void {
  const list = [...clientsState.value];
  list[slot] = next;
  clientsState.value = list;
}

function send(client: RunningClient, command: ClientCommand): void {
  client.worker.postMessage(command);
}

function request(client: RunningClient, make: (id: number) => ClientCommand, timeoutMs: number) {
  const id = nextId++;
  return new Promise<ClientError | null>((resolve) => {
    const timer = setTimeout(() => {
      client.waiting.delete(id);
      resolve({ code: 'NETWORK_ERROR', message: `The client did not answer within ${timeoutMs / 1000} s.` });
    }, timeoutMs);
    client.waiting.set(id, (error) => {
      clearTimeout(timer);
      resolve(error);
    });
    send(client, make(id));
  });
}

function checkCount(name: string, value: number, min: number, max: number): void {
  if (!(Number.isFinite(value) && value >= min && value <= max)) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `${name} must be a number from ${min} to ${max}; got ${value}.`,
      {
        details: { field: name, value },
      },
    );
  }
}

async function datasetRows(lab: Lab): Promise<{ rows: Record<string, unknown>[]; source: PoolSource }> {
  const dataset = datasetState.value;
  if (dataset === null) {
    throw new EdgeflowError(
      'DATASET_NOT_FOUND',
      'Load a dataset in section 1 first: the clients predict on rows drawn from it.',
    );
  }
  return datasetPool(lab, dataset);
}

/** True while simulated clients run. */
export function clientsRunning(): boolean {
  return running.length > 0;
}

/**
 * Starts `count` simulated edge clients, each in its own dedicated worker with its own edge store and
 * telemetry outbox (IndexedDB `{prefix}-edge-{i}` / `{prefix}-telemetry-{i}`): they update from the
 * collector's `/releases` trusting the page's key, predict `rowsPerSecond` rows a second each drawn
 * from the loaded dataset, and report to `/v1/metrics` every few seconds. Stops a running fleet first.
 *
 * @throws {EdgeflowError} `INVALID_ARGUMENT` for a count or rate out of range; `DATASET_NOT_FOUND`
 *   when no dataset is loaded and no rows are given.
 */
export async function startClients(lab: Lab | null, options: StartClientsOptions): Promise<void> {
  checkCount('Clients', options.count, 1, MAX_CLIENTS);
  checkCount('Rows per second', options.rowsPerSecond, 0, 1000);
  if (running.length > 0) await stopClients();
  if (options.rows === undefined && lab === null)
    throw new EdgeflowError('INVALID_ARGUMENT', 'Pass rows, or a lab to draw them from.');
  const pool =
    options.rows !== undefined || lab === null
      ? { rows: [...(options.rows ?? [])], source: 'given' as const }
      : await datasetRows(lab);
  const rows = pool.rows;
  if (rows.length === 0) {
    throw new EdgeflowError('EMPTY_DATASET', 'The dataset has no rows to stream to the clients.');
  }
  const publicKeys = options.publicKeys ?? (await pagePublicKeys());
  const prefix = options.storePrefix ?? 'edgeflow-sim';
  const drift = driftState.value;
  const drifted = drift === null ? 0 : driftedClientCount(drift.share, options.count);
  fleetState.value = {
    model: options.model,
    channel: options.channel,
    count: options.count,
    rowsPerSecond: options.rowsPerSecond,
    features: poolFeatures(rows),
    poolRows: rows.length,
    poolSource: pool.source,
  };
  clientsState.value = [];
  running = Array.from({ length: options.count }, (_, slot) => {
    const worker = new Worker(new URL('./sim-client.worker.ts', import.meta.url), {
      type: 'module',
      name: `edge-client-${slot}`,
    });
    const client: RunningClient = { worker, waiting: new Map() };
    worker.onmessage = (event: MessageEvent<ClientMessage>) => {
      const message = event.data;
      if (message.type === 'status') setStatus(slot, message.status);
      else {
        const resolve = client.waiting.get(message.id);
        client.waiting.delete(message.id);
        resolve?.(message.type === 'checked' ? message.error : null);
      }
    };
    worker.onerror = (event) => {
      const previous = clientsState.value[slot];
      if (previous)
        setStatus(slot, {
          ...previous,
          running: false,
          updateState: 'crashed',
          lastError: { code: 'WORKER_CRASHED', message: event.message || 'The client worker crashed.' },
        });
    };
    const config: ClientConfig = {
      slot,
      storeName: `${prefix}-edge-${slot}`,
      outboxName: `${prefix}-telemetry-${slot}`,
      baseUrl: options.baseUrl ?? releaseBaseUrl(),
      model: options.model,
      channel: options.channel,
      publicKeys,
      rows,
      rowsPerSecond: options.rowsPerSecond,
      telemetryEndpoint:
        options.telemetryEndpoint === undefined ? collectorTarget().url : options.telemetryEndpoint,
      telemetryIntervalMs: options.telemetryIntervalMs ?? DEMO_TELEMETRY_INTERVAL_MS,
      pollIntervalMs: options.pollIntervalMs ?? DEMO_POLL_INTERVAL_MS,
      driftWindowRows: options.driftWindowRows ?? DEMO_DRIFT_WINDOW_ROWS,
      driftWindowMs: options.driftWindowMs ?? DEMO_DRIFT_WINDOW_MS,
      drift: drift !== null && slot < drifted ? drift.features : null,
      seed: Date.now() + slot * 7919,
    };
    setStatus(slot, {
      slot,
      installId: '',
      activeVersion: null,
      activeRelease: null,
      updateState: 'starting',
      outboxSize: null,
      lastError: null,
      predictions: 0,
      rowErrors: 0,
      drifted: config.drift !== null,
      backend: null,
      lastDrift: null,
      running: true,
    });
    send(client, { type: 'start', config });
    return client;
  });
}

/** Stops every client: each stops polling and predicting, flushes its telemetry and closes; then its worker ends. */
export async function stopClients(): Promise<void> {
  const stopping = running;
  running = [];
  fleetState.value = null;
  await Promise.all(
    stopping.map(async (client) => {
      await request(client, (id) => ({ type: 'stop', id }), 10_000);
      client.worker.terminate();
    }),
  );
  clientsState.value = clientsState.value.map((s) => ({ ...s, running: false }));
}

/** Changes every client's rows per second. */
export function setRowsPerSecond(rowsPerSecond: number): void {
  checkCount('Rows per second', rowsPerSecond, 0, 1000);
  const fleet = fleetState.value;
  if (fleet) fleetState.value = { ...fleet, rowsPerSecond };
  for (const client of running) send(client, { type: 'rate', rowsPerSecond });
}

function applyDrift(setting: DriftSetting | null): void {
  const drifted = setting === null ? 0 : driftedClientCount(setting.share, running.length);
  for (const [slot, client] of running.entries())
    send(client, { type: 'drift', drift: setting !== null && slot < drifted ? setting.features : null });
}

/**
 * Drifts the rows of a share of the clients (the first ⌈share × count⌉): per feature a mean shift in
 * standard deviations, a scale, a category mix, a missing rate. Also applies to clients started later.
 *
 * @throws {EdgeflowError} `INVALID_ARGUMENT` naming the field out of range.
 */
export function setDrift(setting: DriftSetting): void {
  checkDriftSetting(setting);
  driftState.value = setting;
  applyDrift(setting);
}

/** Removes the drift from every client. */
export function clearDrift(): void {
  driftState.value = null;
  applyDrift(null);
}

/**
 * Asks every client to check its channel now (instead of at its next poll); resolves when all have
 * answered, with the errors of those that failed.
 */
export async function checkForUpdates(): Promise<ClientError[]> {
  const errors = await Promise.all(
    running.map((client) => request(client, (id) => ({ type: 'check', id }), 60_000)),
  );
  return errors.filter((e): e is ClientError => e !== null);
}
