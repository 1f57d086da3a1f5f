import type { Capabilities, GpuAdapterSummary } from '../env.ts';

/** A tfjs backend edgeflow knows how to set up, in the order `'first'` tries them. */
export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/**
 * How to choose the backend: exactly one by name, `'first'` that initialises (webgpu → webgl →
 * wasm → cpu), or `'auto'`: a short measured probe picks the fastest, cached per device.
 */
export type BackendRequest = BackendName | 'first' | 'auto';

/** The kind of work a backend must be able to do; decides which kernels it needs. */
export type JobProfile = 'dense-infer' | 'dense-train' | 'conv-infer' | 'conv-train';

/** One backend's figure from the calibration probe. */
export interface ProbeFigure {
  backend: BackendName;
  /** Training samples per second over the timed steps; null when the backend was not measured. */
  samplesPerSecond: number | null;
  /** Milliseconds of the first (untimed) step: shader compilation, WASM start-up. */
  warmupMs: number | null;
  /** Why the backend was not measured (failed to initialise, missing kernels). */
  skipped: string | null;
}

/** What the runtime chose, and why. */
export interface RuntimeReport {
  backend: BackendName;
  request: BackendRequest;
  job: JobProfile;
  /** A sentence a person can read: why this backend. */
  reason: string;
  adapter: GpuAdapterSummary | null;
  /** Probe figures when `'auto'` measured (now or when the cached choice was made); null otherwise. */
  probe: ProbeFigure[] | null;
  /** True when the choice came from the per-device cache and no probe ran now. */
  fromCache: boolean;
  /** Backends that were passed over, each with its reason. */
  rejected: Array<{ backend: BackendName; reason: string }>;
  /** Whether the WASM backend runs multi-threaded here, and why not when it does not. */
  wasmThreads: { enabled: boolean; reason: string | null };
  capabilities: Readonly<Capabilities>;
}

/** Options for `selectBackend`. */
export interface SelectBackendOptions {
  backend?: BackendRequest;
  job?: JobProfile;
  /** `'auto'` only: ignore the cached choice and measure again. Default false. */
  reprobe?: boolean;
  /** `'auto'` only: where choices are remembered. Default: IndexedDB when present, else none. */
  cache?: BackendChoiceCache | null;
}

/** Remembers the `'auto'` choice per device so later starts skip the probe. */
export interface BackendChoiceCache {
  get(key: string): Promise<CachedBackendChoice | undefined>;
  set(key: string, choice: CachedBackendChoice): Promise<void>;
}

/** A remembered `'auto'` choice. */
export interface CachedBackendChoice {
  backend: BackendName;
  probe: ProbeFigure[];
  /** Epoch milliseconds when the probe ran. */
  measuredAt: number;
}
