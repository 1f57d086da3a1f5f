// Types of the simulated edge clients: the drift setting, one client's status, and the messages
// between the page (clients.ts) and each client's dedicated worker (sim-client.worker.ts). Types only.
import type { PublicKeySet } from 'edgeflow/edge';

/** How one feature is shifted in the rows a drifted client predicts on. */
export interface FeatureDrift {
  /** Numeric: added to every value, in standard deviations of the feature in the row pool. */
  readonly meanShift?: number;
  /** Numeric: spread around the pool's mean is multiplied by this (1 = unchanged). */
  readonly scale?: number;
  /**
   * Categorical: category → probability (summing to at most 1). A value is replaced by a category
   * drawn from this mix with probability = the sum, and kept otherwise. `{ Biscoe: 0.8 }` makes 80 %
   * of the rows Biscoe.
   */
  readonly categoryMix?: Readonly<Record<string, number>>;
  /** Share of values blanked (null), 0–1. */
  readonly missingRate?: number;
}

/** Per feature name, how it drifts. */
export type FeatureDrifts = Readonly<Record<string, FeatureDrift>>;

/** Drift applied to a share of the clients. */
export interface DriftSetting {
  /** Share of the clients that see drifted rows, 0–1 (the first ⌈share × count⌉ clients). */
  readonly share: number;
  readonly features: FeatureDrifts;
}

/** An error as it crosses the worker boundary. */
export interface ClientError {
  readonly code: string;
  readonly message: string;
}

/** The last drift window a client's Predictor closed (aggregates only). */
export interface ClientDriftSummary {
  readonly rows: number;
  /** Share of drifted features. */
  readonly share: number;
  readonly driftedFeatures: readonly string[];
}

/** What one simulated client reports about itself. */
export interface ClientStatus {
  /** Position in the fleet (0-based); also names its stores. */
  readonly slot: number;
  /** The edge client's install id (rollout bucket); empty until the client is up. */
  readonly installId: string;
  /** Registry version of the active release (what the model was trained as); null before one. */
  readonly activeVersion: number | null;
  readonly activeRelease: number | null;
  /** A short phrase: starting, checking, downloading release 3, up to date, not in rollout, … */
  readonly updateState: string;
  /** Telemetry batches waiting in this client's outbox (null before telemetry runs). */
  readonly outboxSize: number | null;
  readonly lastError: ClientError | null;
  /** Rows predicted so far. */
  readonly predictions: number;
  /** Rows the Predictor refused (each with a code). */
  readonly rowErrors: number;
  /** True while this client predicts on drifted rows. */
  readonly drifted: boolean;
  /** The tfjs backend it predicts on. */
  readonly backend: string | null;
  readonly lastDrift: ClientDriftSummary | null;
  /** False once the worker ended. */
  readonly running: boolean;
}

/** What a client worker is started with. */
export interface ClientConfig {
  readonly slot: number;
  /** IndexedDB database of its edge store (its own, so each client is its own device). */
  readonly storeName: string;
  /** IndexedDB database of its telemetry outbox (its own install id and sender). */
  readonly outboxName: string;
  /** Where releases are served (`{origin}/releases`). */
  readonly baseUrl: string;
  readonly model: string;
  readonly channel: string;
  readonly publicKeys: PublicKeySet;
  /** The pool rows are drawn from (no target column). */
  readonly rows: readonly Readonly<Record<string, unknown>>[];
  readonly rowsPerSecond: number;
  /** Collector base URL for `startTelemetry` (null: no telemetry). */
  readonly telemetryEndpoint: string | null;
  readonly telemetryIntervalMs: number;
  readonly pollIntervalMs: number;
  /** Rows per drift window of the Predictor (a window also closes after `driftWindowMs`). */
  readonly driftWindowRows: number;
  readonly driftWindowMs: number;
  readonly drift: FeatureDrifts | null;
  /** Seed of the row sampler and drift draws. */
  readonly seed: number;
}

/** Page → worker. */
export type ClientCommand =
  | { readonly type: 'start'; readonly config: ClientConfig }
  | { readonly type: 'rate'; readonly rowsPerSecond: number }
  | { readonly type: 'drift'; readonly drift: FeatureDrifts | null }
  | { readonly type: 'check'; readonly id: number }
  | { readonly type: 'stop'; readonly id: number };

/** Worker → page. */
export type ClientMessage =
  | { readonly type: 'status'; readonly status: ClientStatus }
  | { readonly type: 'checked'; readonly id: number; readonly error: ClientError | null }
  | { readonly type: 'stopped'; readonly id: number };
