// Types of edgeflow/edge: the edge client's options, events and results. Types only.
import type { PredictorOptions } from '../monitor/types.ts';
import type { Registry } from '../registry/registry.ts';
import type { ModelStore } from '../registry/types.ts';
import type { ChannelDocument, PublicKeySet, ReleaseManifest, TrustedKeyring } from '../release/index.ts';
import type { FetchLike } from './bounded-download.ts';
import type { GoldenPredictor } from './golden.ts';

/** One input column the app feeds the model, as the release's signature lists it. */
export interface ExpectedColumn {
  readonly name: string;
  readonly type: string;
}

/** What the client needs of a Predictor: predict (golden check) and dispose. */
export interface EdgePredictor extends GoldenPredictor {
  dispose(): void;
}

/** Makes a Predictor for a stored version (default: the monitor's `createPredictor`); `version` is the store's version number of the release. */
export type EdgePredictorFactory<P extends EdgePredictor = EdgePredictor> = (options: {
  registry: Registry;
  model: string;
  version: number;
  backend?: PredictorOptions['backend'];
}) => Promise<P>;

/** Records release events (edgeflow/telemetry's instruments have this method). */
export interface ReleaseEventRecorder {
  recordReleaseEvent(event: EdgeClientEventType, attributes?: { model?: string; version?: number }): unknown;
}

/** Options of `createEdgeClient`. */
export interface EdgeClientOptions<P extends EdgePredictor = EdgePredictor> {
  /** Where releases are served: a static folder, a CDN or the collector's `/releases`. */
  readonly baseUrl: string;
  readonly model: string;
  /** Channel name (`stable`, `beta`, …). */
  readonly channel: string;
  /** Trusted public keys; documents signed by anything else are refused (`UNKNOWN_KEY`). */
  readonly publicKeys: PublicKeySet | TrustedKeyring;
  /** Where versions are kept: IndexedDB (database `edgeflow-edge`) in browsers and workers, memory elsewhere; pass `createFileSystemStore()` in Node. */
  readonly store?: ModelStore;
  /** The input columns the app sends: a release whose signature differs is refused (`SCHEMA_MISMATCH`). */
  readonly expectedSignature?: readonly ExpectedColumn[];
  /** A stable id of this installation for the rollout bucket (default: a random id kept in the store). */
  readonly installId?: string;
  readonly fetch?: FetchLike;
  /** Makes a Predictor for a stored version (default: `createPredictor` of edgeflow/monitor). */
  readonly createPredictor?: EdgePredictorFactory<P>;
  readonly backend?: PredictorOptions['backend'];
  /** Poll interval of `start()` in ms (default 5 minutes). */
  readonly pollIntervalMs?: number;
  /** Longest wait between polls after failures (default 1 hour). */
  readonly maxBackoffMs?: number;
  /** Roll back when more than this share of reported runs crash (default 0.5)… */
  readonly crashRateThreshold?: number;
  /** …over at least this many reports since activation (default 20). */
  readonly crashMinSamples?: number;
  /** Ask `navigator.storage.persist()` on the main thread (default true). */
  readonly persistStorage?: boolean;
  /**
   * Reports every event as a release-event metric: pass `createEdgeflowInstruments()` of
   * edgeflow/telemetry (anything with `recordReleaseEvent`). Optional; telemetry never throws here.
   */
  readonly telemetry?: ReleaseEventRecorder;
  /** Clock (epoch ms); tests pass a fake one. */
  readonly now?: () => number;
  /** Random source in [0, 1) for jitter (default `Math.random`). */
  readonly random?: () => number;
}

/** The release the client runs now. */
export interface ActiveRelease {
  readonly release: number;
  /** The registry version number it is stored under in the client's store. */
  readonly version: number;
  readonly manifest: ReleaseManifest;
}

/** Events of an edge client. */
export type EdgeClientEvent =
  | { readonly type: 'update-available'; readonly release: number; readonly channel: ChannelDocument }
  | { readonly type: 'activated'; readonly release: number; readonly previous: number | null }
  | {
      readonly type: 'rolled-back';
      readonly from: number;
      readonly to: number | null;
      readonly reason: string;
      readonly code: string;
    }
  | {
      readonly type: 'rejected';
      readonly release: number | null;
      readonly code: string;
      readonly message: string;
    };

/** The event names. */
export type EdgeClientEventType = EdgeClientEvent['type'];

/** What one `checkForUpdate` did. */
export type UpdateOutcome =
  | { readonly status: 'not-modified' }
  | { readonly status: 'up-to-date'; readonly release: number }
  | {
      readonly status: 'not-in-rollout';
      readonly release: number;
      readonly bucket: number;
      readonly rolloutPercent: number;
    }
  | { readonly status: 'activated'; readonly release: number; readonly downloaded: boolean };
