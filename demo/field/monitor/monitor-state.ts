// The monitor view's state, as signals: the last answers of the collector's fleet, drift, latency
// and errors queries for the chosen model and window, whether the collector is reachable, and the
// drift assessment (table rows and alerts) the maintain view starts from.
import { computed, signal } from '@preact/signals';
import { storedDriftThresholds } from 'edgeflow/monitor';
import type { Registry } from 'edgeflow/registry';
import { errorText } from '../../format.ts';
import type {
  CollectorApi,
  DriftResponse,
  ErrorsResponse,
  FleetResponse,
  LatencyResponse,
} from './collector-api.ts';
import { assessDrift, type DriftAssessment, type DriftThresholdSettings } from './drift-assessment.ts';

/** A chart window the view offers, with the bucket that keeps its charts readable. */
export interface MonitorWindow {
  id: string;
  label: string;
  /** Undefined: the collector's default (whole minutes or hours, from its rollups). */
  bucket?: string;
}

/** The windows of the window menu; the first is the default. */
export const MONITOR_WINDOWS: readonly MonitorWindow[] = [
  { id: '5m', label: 'last 5 minutes', bucket: '10s' },
  { id: '15m', label: 'last 15 minutes', bucket: '15s' },
  { id: '1h', label: 'last hour' },
  { id: '24h', label: 'last 24 hours' },
];

/** Devices count as active in the fleet table when they sent anything in this window. */
export const FLEET_WINDOW = '2m';

/** Time between polls while the tab is visible, ms. */
export const POLL_INTERVAL_MS = 3000;

/** What the view knows now. */
export interface MonitorSnapshot {
  /** `loading`: no answer yet; `ready`: the last poll worked; `down`: the collector cannot be reached; `error`: it answered with an error. */
  status: 'loading' | 'ready' | 'down' | 'error';
  error: string | null;
  fleet: FleetResponse | null;
  /** The model the charts are for (null: no model known yet). */
  model: string | null;
  drift: DriftResponse | null;
  latency: LatencyResponse | null;
  errors: ErrorsResponse | null;
  assessment: DriftAssessment | null;
  /** Epoch ms of the last good answer. */
  updatedAt: number | null;
}

const EMPTY: MonitorSnapshot = {
  status: 'loading',
  error: null,
  fleet: null,
  model: null,
  drift: null,
  latency: null,
  errors: null,
  assessment: null,
  updatedAt: null,
};

/** The monitor's last answers. */
export const monitorState = signal<MonitorSnapshot>(EMPTY);
/** The model the user picked (null: the first one the collector knows). */
export const monitorModelChoice = signal<string | null>(null);
/** The chart window picked. */
export const monitorWindowChoice = signal<string>(MONITOR_WINDOWS[0]?.id ?? '5m');
/** Whether polling is paused (tab hidden). */
export const monitorPaused = signal(false);

/** The drift alerts now (empty when nothing drifts), for the alert banner and the maintain view. */
export const driftAlerts = computed(() => monitorState.value.assessment?.alerts ?? []);

/** Models the collector knows: those devices report for, then those it hosts releases of. */
export function knownModels(fleet: FleetResponse | null): string[] {
  if (!fleet) return [];
  return [...new Set([...fleet.models.map((m) => m.model), ...fleet.releases.map((r) => r.model)])];
}

const thresholdCache = new Map<string, DriftThresholdSettings | null>();

/** Reads the drift thresholds the registry stores with each version (cached; versions are immutable). */
async function loadThresholds(
  registry: Registry | null,
  model: string,
  versions: (number | null)[],
): Promise<void> {
  if (!registry) return;
  for (const version of versions) {
    const key = `${model}\u0000${version}`;
    if (version === null || thresholdCache.has(key)) continue;
    try {
      const stored = storedDriftThresholds(await registry.getVersion(model, version));
      thresholdCache.set(key, stored ?? null);
    } catch {
      // A version this browser's registry does not hold (published elsewhere): the defaults apply.
      thresholdCache.set(key, null);
    }
  }
}

/**
 * One poll: the fleet, then drift, latency and errors of the chosen model. Updates `monitorState`;
 * rethrows so the poller backs off while the collector is down.
 */
export async function refreshMonitor(
  api: CollectorApi,
  registry: Registry | null,
  signal?: AbortSignal,
): Promise<void> {
  const windowChoice =
    MONITOR_WINDOWS.find((w) => w.id === monitorWindowChoice.value) ?? (MONITOR_WINDOWS[0] as MonitorWindow);
  const range = { window: windowChoice.id, ...(windowChoice.bucket ? { bucket: windowChoice.bucket } : {}) };
  try {
    const fleet = await api.fleet({ window: FLEET_WINDOW }, signal);
    const models = knownModels(fleet);
    const choice = monitorModelChoice.value;
    const model = choice && models.includes(choice) ? choice : (models[0] ?? null);
    if (model === null) {
      monitorState.value = { ...EMPTY, status: 'ready', fleet, updatedAt: Date.now() };
      return;
    }
    const [drift, latency, errors] = await Promise.all([
      api.drift(model, range, signal),
      api.latency(model, { ...range, stage: 'total' }, signal),
      api.errors(model, { window: windowChoice.id }, signal),
    ]);
    await loadThresholds(
      registry,
      model,
      drift.versions.map((v) => v.version),
    );
    const assessment = assessDrift(drift, {
      thresholds: (version) => thresholdCache.get(`${model}\u0000${version}`) ?? undefined,
    });
    monitorState.value = {
      status: 'ready',
      error: null,
      fleet,
      model,
      drift,
      latency,
      errors,
      assessment,
      updatedAt: Date.now(),
    };
  } catch (error) {
    if (signal?.aborted) return;
    const code = (error as { code?: unknown }).code;
    // Keep the last answers on screen (marked stale by the status line) rather than blanking the charts.
    monitorState.value = {
      ...monitorState.value,
      status: code === 'NETWORK_ERROR' ? 'down' : 'error',
      error: errorText(error),
    };
    throw error;
  }
}
