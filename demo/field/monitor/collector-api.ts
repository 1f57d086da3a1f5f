// A typed client for the collector's fleet queries (`GET /api/fleet`, `/api/models/:model/drift`,
// `/latency`, `/errors`; see docs/collector.md). The answers are untrusted HTTP bodies, so each is
// checked with zod at this boundary and a mismatch names the field; a collector that cannot be
// reached is a NETWORK_ERROR and an error answer keeps the collector's own code and message.
import { EdgeflowError, type EdgeflowErrorCode, ERROR_CODES } from 'edgeflow/errors';
import { z } from 'zod';

const counts = z.record(z.string(), z.number());

const fleetVersionSchema = z.object({
  version: z.number().nullable(),
  activeDevices: z.number(),
  releases: counts,
  backends: counts,
  deviceClasses: counts,
  lastSeen: z.number(),
});

const channelSummarySchema = z.object({
  release: z.number(),
  rolloutPercent: z.number(),
  sequence: z.number(),
  updatedAt: z.number(),
});

/** `GET /api/fleet`: devices per model version, and the releases and channels the collector hosts. */
export const fleetResponseSchema = z.object({
  from: z.number(),
  to: z.number(),
  models: z.array(
    z.object({ model: z.string(), activeDevices: z.number(), versions: z.array(fleetVersionSchema) }),
  ),
  releases: z
    .array(
      z.object({
        model: z.string(),
        releases: z.array(z.number()),
        channels: z.record(z.string(), channelSummarySchema),
      }),
    )
    .default([]),
});

const gaugeBucketSchema = z.object({ t: z.number(), mean: z.number(), max: z.number(), n: z.number() });

const driftSeriesSchema = z.object({
  feature: z.string(),
  test: z.string(),
  buckets: z.array(gaugeBucketSchema.extend({ driftedShare: z.number().nullable() })),
});

/** `GET /api/models/:model/drift`: per version, per feature and test, the drift statistic over time. */
export const driftResponseSchema = z.object({
  model: z.string(),
  from: z.number(),
  to: z.number(),
  bucketMs: z.number(),
  versions: z.array(
    z.object({
      version: z.number().nullable(),
      features: z.array(driftSeriesSchema),
      datasetDrift: z.array(gaugeBucketSchema.extend({ driftedReports: z.number() })),
      prediction: z.array(driftSeriesSchema),
    }),
  ),
});

const percentilesSchema = z.object({
  count: z.number(),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
});

/** `GET /api/models/:model/latency`: p50/p95/p99 (seconds) per version over time, and per device class. */
export const latencyResponseSchema = z.object({
  model: z.string(),
  stage: z.string(),
  from: z.number(),
  to: z.number(),
  bucketMs: z.number(),
  versions: z.array(
    percentilesSchema.extend({
      version: z.number().nullable(),
      buckets: z.array(percentilesSchema.extend({ t: z.number() })),
    }),
  ),
  deviceClasses: z.array(
    percentilesSchema.extend({ version: z.number().nullable(), deviceClass: z.string().nullable() }),
  ),
});

/** `GET /api/models/:model/errors`: refused rows by version and error code. */
export const errorsResponseSchema = z.object({
  model: z.string(),
  from: z.number(),
  to: z.number(),
  errors: z.array(z.object({ version: z.number().nullable(), code: z.string(), count: z.number() })),
});

/** The fleet answer. */
export type FleetResponse = z.infer<typeof fleetResponseSchema>;
/** One model of the fleet answer. */
export type FleetModel = FleetResponse['models'][number];
/** The drift answer. */
export type DriftResponse = z.infer<typeof driftResponseSchema>;
/** One version of the drift answer. */
export type DriftVersion = DriftResponse['versions'][number];
/** One feature (or prediction) series of the drift answer. */
export type DriftSeries = z.infer<typeof driftSeriesSchema>;
/** The latency answer. */
export type LatencyResponse = z.infer<typeof latencyResponseSchema>;
/** The errors answer. */
export type ErrorsResponse = z.infer<typeof errorsResponseSchema>;

/** A time range of a query: a window back from now (`15m`, `1h`) and an optional bucket (`10s`). */
export interface QueryRange {
  window?: string;
  bucket?: string;
}

/** Options of `createCollectorApi`. */
export interface CollectorApiOptions {
  /** The collector's origin, e.g. `location.origin` under `npm start`. */
  url: string;
  /** Sent as `Authorization: Bearer …` when the collector has an admin token. */
  token?: string;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
}

/** The fleet queries, typed and checked. */
export interface CollectorApi {
  fleet(range?: QueryRange, signal?: AbortSignal): Promise<FleetResponse>;
  drift(model: string, range?: QueryRange, signal?: AbortSignal): Promise<DriftResponse>;
  latency(
    model: string,
    range?: QueryRange & { stage?: 'pipeline' | 'model' | 'total' },
    signal?: AbortSignal,
  ): Promise<LatencyResponse>;
  errors(model: string, range?: QueryRange, signal?: AbortSignal): Promise<ErrorsResponse>;
}

function knownCode(value: unknown): EdgeflowErrorCode | null {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value)
    ? (value as EdgeflowErrorCode)
    : null;
}

/** The EdgeflowError code for an HTTP status the collector answered without one of its own. */
function codeForStatus(status: number): EdgeflowErrorCode {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 503) return 'OVERLOADED';
  if (status >= 400 && status < 500) return 'INVALID_ARGUMENT';
  return 'INTERNAL';
}

/**
 * A client for the collector's fleet queries. Every answer is validated; nothing is cached.
 *
 * @throws (from each call) EdgeflowError `NETWORK_ERROR` when the collector cannot be reached,
 *   `SCHEMA_MISMATCH` when an answer is not the documented shape (the field is named), the
 *   collector's own code (`UNAUTHORIZED`, `FORBIDDEN`, `INVALID_ARGUMENT`…) for an error answer,
 *   and `CANCELLED` when `signal` aborts.
 * @example
 * const api = createCollectorApi({ url: location.origin });
 * const fleet = await api.fleet({ window: '15m' });
 * const drift = await api.drift('iris', { window: '10m', bucket: '10s' });
 */
export function createCollectorApi(options: CollectorApiOptions): CollectorApi {
  const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  async function get<T>(
    path: string,
    params: Record<string, string | undefined>,
    schema: z.ZodType<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    const url = new URL(path, options.url);
    for (const [name, value] of Object.entries(params))
      if (value !== undefined) url.searchParams.set(name, value);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let response: Response;
    try {
      response = await fetchImpl(url, { headers, ...(signal ? { signal } : {}) });
    } catch (cause) {
      if (signal?.aborted)
        throw new EdgeflowError('CANCELLED', `The query ${path} was cancelled.`, { cause });
      throw new EdgeflowError(
        'NETWORK_ERROR',
        `The collector at ${options.url} cannot be reached (${cause instanceof Error ? cause.message : String(cause)}). Start it with \`npm start\` (or \`npx edgeflow-collector\`) and the view retries by itself.`,
        { cause, details: { url: url.href } },
      );
    }
    const text = await response.text();
    let body: unknown = null;
    try {
      body = text.length > 0 ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    if (!response.ok) {
      const answer = (body ?? {}) as { edgeflowCode?: unknown; code?: unknown; message?: unknown };
      const code = knownCode(answer.edgeflowCode) ?? knownCode(answer.code) ?? codeForStatus(response.status);
      const message =
        typeof answer.message === 'string' ? answer.message : text.slice(0, 200) || response.statusText;
      throw new EdgeflowError(code, `The collector answered ${response.status} to ${path}: ${message}`, {
        details: { status: response.status, url: url.href },
      });
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(the body)';
      throw new EdgeflowError(
        'SCHEMA_MISMATCH',
        `The collector's answer to ${path} is not the documented shape: at "${where}": ${issue?.message ?? 'unexpected value'}. Use a collector of the same edgeflow version as this page.`,
        { details: { path: where, url: url.href } },
      );
    }
    return parsed.data;
  }

  const model = (name: string, what: string): string => `/api/models/${encodeURIComponent(name)}/${what}`;
  return {
    fleet: (range = {}, signal) =>
      get('/api/fleet', { window: range.window, bucket: range.bucket }, fleetResponseSchema, signal),
    drift: (name, range = {}, signal) =>
      get(model(name, 'drift'), { window: range.window, bucket: range.bucket }, driftResponseSchema, signal),
    latency: (name, range = {}, signal) =>
      get(
        model(name, 'latency'),
        { window: range.window, bucket: range.bucket, stage: range.stage },
        latencyResponseSchema,
        signal,
      ),
    errors: (name, range = {}, signal) =>
      get(model(name, 'errors'), { window: range.window }, errorsResponseSchema, signal),
  };
}
