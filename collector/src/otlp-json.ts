// Parses an OTLP/HTTP JSON `ExportMetricsServiceRequest` (opentelemetry-proto, JSON mapping: camelCase
// keys, int64 as string or number, enums as integers) into flat points. The envelope is checked with
// zod, and a malformed envelope is a 400 that names the path; each data point is then checked on its
// own, and a bad point is rejected (counted in `partialSuccess`) without failing its neighbours.
import { EdgeflowError } from 'edgeflow/errors';
import { POINT_ATTRIBUTE, RESOURCE_ATTRIBUTE } from 'edgeflow/schemas';
import { z } from 'zod';
import type { ExpHistogram, IngestPoint, ParsedBatch, PointKind, ResourceInfo } from './types.ts';

/** Limits on what one point may carry; a point over them is rejected, not stored. */
export const POINT_LIMITS = {
  metricNameLength: 255,
  attributes: 64,
  attributeKeyLength: 256,
  attributeValueLength: 1024,
  buckets: 2048,
  minScale: -10,
  maxScale: 20,
} as const;

const keyValueSchema = z.looseObject({ key: z.string(), value: z.unknown().optional() });
const dataSchema = z.looseObject({
  dataPoints: z.array(z.unknown()).optional(),
  aggregationTemporality: z.union([z.number(), z.string()]).optional(),
});
const metricSchema = z.looseObject({
  name: z.string(),
  gauge: dataSchema.optional(),
  sum: dataSchema.optional(),
  histogram: dataSchema.optional(),
  exponentialHistogram: dataSchema.optional(),
  summary: dataSchema.optional(),
});
const requestSchema = z.looseObject({
  resourceMetrics: z
    .array(
      z.looseObject({
        resource: z.looseObject({ attributes: z.array(keyValueSchema).optional() }).optional(),
        scopeMetrics: z.array(z.looseObject({ metrics: z.array(metricSchema).optional() })).optional(),
      }),
    )
    .optional(),
});

/**
 * Parses and checks an OTLP JSON metrics request.
 *
 * @throws EdgeflowError `PARSE_ERROR` when the text is not JSON, `SCHEMA_MISMATCH` when the
 *   envelope is not an ExportMetricsServiceRequest (the message names the first bad path).
 */
export function parseOtlpMetricsJson(text: string): ParsedBatch {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new EdgeflowError(
      'PARSE_ERROR',
      `The body is not valid JSON (${(cause as Error).message}). Send an OTLP ExportMetricsServiceRequest as JSON.`,
      { cause },
    );
  }
  const parsed = requestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue ? issue.path.join('.') || '(root)' : '(root)';
    throw new EdgeflowError(
      'SCHEMA_MISMATCH',
      `The body is not an OTLP ExportMetricsServiceRequest: at "${path}": ${issue?.message ?? 'invalid'}.`,
      { details: { path } },
    );
  }
  const batch: ParsedBatch = { points: [], rejected: 0, rejectionReasons: [] };
  const reject = (count: number, reason: string): void => {
    batch.rejected += count;
    if (batch.rejectionReasons.length < 5 && !batch.rejectionReasons.includes(reason))
      batch.rejectionReasons.push(reason);
  };
  for (const rm of parsed.data.resourceMetrics ?? []) {
    const resource = readResource(rm.resource?.attributes ?? []);
    for (const sm of rm.scopeMetrics ?? []) {
      for (const metric of sm.metrics ?? []) {
        const kinds: [PointKind | 'summary', z.infer<typeof dataSchema> | undefined][] = [
          ['gauge', metric.gauge],
          ['sum', metric.sum],
          ['histogram', metric.histogram],
          ['exphistogram', metric.exponentialHistogram],
          ['summary', metric.summary],
        ];
        for (const [kind, data] of kinds) {
          if (!data) continue;
          const points = data.dataPoints ?? [];
          if (kind === 'summary') {
            reject(
              points.length,
              `metric "${clip(metric.name)}": summary points are not stored; send histograms`,
            );
            continue;
          }
          if (metric.name.length === 0 || metric.name.length > POINT_LIMITS.metricNameLength) {
            reject(points.length, `metric name must be 1–${POINT_LIMITS.metricNameLength} characters`);
            continue;
          }
          const cumulative =
            data.aggregationTemporality === 2 ||
            data.aggregationTemporality === 'AGGREGATION_TEMPORALITY_CUMULATIVE';
          for (const raw of points) {
            const result = readPoint(raw, metric.name, kind, cumulative && kind !== 'gauge', resource);
            if (typeof result === 'string') reject(1, result);
            else batch.points.push(result);
          }
        }
      }
    }
  }
  return batch;
}

function clip(s: string): string {
  return s.length > 64 ? `${s.slice(0, 64)}…` : s;
}

function scalar(value: unknown): string | number | boolean | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.stringValue === 'string') return v.stringValue;
  if (typeof v.boolValue === 'boolean') return v.boolValue;
  if (v.intValue !== undefined) return toNumber(v.intValue);
  if (v.doubleValue !== undefined) return toNumber(v.doubleValue);
  return null;
}

function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.length <= 32 && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value)) {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

function toCount(value: unknown): number | null {
  if (value === undefined) return 0;
  const n = toNumber(value);
  return n !== null && Number.isSafeInteger(n) && n >= 0 ? n : null;
}

function toVersion(value: string | number | boolean | null | undefined): number | null {
  const n = typeof value === 'string' ? toNumber(value) : typeof value === 'number' ? value : null;
  return n !== null && Number.isSafeInteger(n) && n >= 0 ? n : null;
}

function toText(value: string | number | boolean | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const s = String(value);
  return s.length <= POINT_LIMITS.attributeValueLength ? s : s.slice(0, POINT_LIMITS.attributeValueLength);
}

function readResource(attributes: readonly { key: string; value?: unknown }[]): ResourceInfo {
  const map = new Map<string, string | number | boolean | null>();
  for (const kv of attributes.slice(0, 256)) map.set(kv.key, scalar(kv.value));
  return {
    model: toText(map.get(RESOURCE_ATTRIBUTE.model)),
    version: toVersion(map.get(RESOURCE_ATTRIBUTE.modelVersion)),
    release: toVersion(map.get(RESOURCE_ATTRIBUTE.release)),
    backend: toText(map.get(RESOURCE_ATTRIBUTE.backend)),
    deviceClass: toText(map.get(RESOURCE_ATTRIBUTE.deviceClass)),
    instance: toText(map.get(RESOURCE_ATTRIBUTE.instanceId)),
    service: toText(map.get(RESOURCE_ATTRIBUTE.serviceName)),
  };
}

const EXTRACTED = new Set<string>([
  POINT_ATTRIBUTE.model,
  POINT_ATTRIBUTE.modelVersion,
  POINT_ATTRIBUTE.feature,
  POINT_ATTRIBUTE.test,
  POINT_ATTRIBUTE.stage,
  POINT_ATTRIBUTE.errorType,
]);

function timeMs(value: unknown): number | null {
  const n = toNumber(value);
  if (n === null || n <= 0) return null;
  return Math.floor(n / 1e6);
}

function readPoint(
  raw: unknown,
  metric: string,
  kind: PointKind,
  cumulative: boolean,
  resource: ResourceInfo,
): IngestPoint | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return `metric "${clip(metric)}": a data point is not an object`;
  const p = raw as Record<string, unknown>;
  const time = timeMs(p.timeUnixNano);
  if (time === null) return `metric "${clip(metric)}": timeUnixNano is missing or not a positive integer`;
  const start = p.startTimeUnixNano === undefined ? 0 : timeMs(p.startTimeUnixNano);
  if (start === null) return `metric "${clip(metric)}": startTimeUnixNano is not a positive integer`;
  const attributes = p.attributes ?? [];
  if (!Array.isArray(attributes)) return `metric "${clip(metric)}": attributes is not an array`;
  if (attributes.length > POINT_LIMITS.attributes)
    return `metric "${clip(metric)}": more than ${POINT_LIMITS.attributes} attributes`;
  const point: IngestPoint = {
    metric,
    kind,
    cumulative,
    timeMs: time,
    startMs: start,
    resource,
    model: resource.model,
    version: resource.version,
    feature: null,
    test: null,
    stage: null,
    errorType: null,
    attrs: '{}',
    value: 0,
    count: null,
    hist: null,
  };
  const rest: [string, string | number | boolean | null][] = [];
  for (const kv of attributes) {
    if (typeof kv !== 'object' || kv === null || typeof (kv as { key?: unknown }).key !== 'string')
      return `metric "${clip(metric)}": an attribute has no string key`;
    const key = (kv as { key: string }).key;
    if (key.length > POINT_LIMITS.attributeKeyLength)
      return `metric "${clip(metric)}": an attribute key is longer than ${POINT_LIMITS.attributeKeyLength}`;
    const value = scalar((kv as { value?: unknown }).value);
    if (typeof value === 'string' && value.length > POINT_LIMITS.attributeValueLength)
      return `metric "${clip(metric)}": attribute "${clip(key)}" is longer than ${POINT_LIMITS.attributeValueLength} characters`;
    if (key === POINT_ATTRIBUTE.model) point.model = toText(value);
    else if (key === POINT_ATTRIBUTE.modelVersion) point.version = toVersion(value);
    else if (key === POINT_ATTRIBUTE.feature) point.feature = toText(value);
    else if (key === POINT_ATTRIBUTE.test) point.test = toText(value);
    else if (key === POINT_ATTRIBUTE.stage) point.stage = toText(value);
    else if (key === POINT_ATTRIBUTE.errorType) point.errorType = toText(value);
    if (!EXTRACTED.has(key)) rest.push([key, value]);
  }
  if (rest.length > 0) {
    rest.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    point.attrs = JSON.stringify(Object.fromEntries(rest));
  }
  if (kind === 'gauge' || kind === 'sum') {
    const value =
      p.asDouble !== undefined ? toNumber(p.asDouble) : p.asInt !== undefined ? toNumber(p.asInt) : null;
    if (value === null) return `metric "${clip(metric)}": asDouble/asInt is missing or not a finite number`;
    point.value = value;
    return point;
  }
  const count = toCount(p.count);
  const sum = p.sum === undefined ? 0 : toNumber(p.sum);
  if (count === null) return `metric "${clip(metric)}": count is not a non-negative integer`;
  if (sum === null) return `metric "${clip(metric)}": sum is not a finite number`;
  point.value = sum;
  point.count = count;
  if (kind === 'histogram') return point;
  const hist = readExpBuckets(p, count, sum);
  if (typeof hist === 'string') return `metric "${clip(metric)}": ${hist}`;
  point.hist = hist;
  return point;
}

function readExpBuckets(p: Record<string, unknown>, count: number, sum: number): ExpHistogram | string {
  const scale = toNumber(p.scale ?? 0);
  if (
    scale === null ||
    !Number.isInteger(scale) ||
    scale < POINT_LIMITS.minScale ||
    scale > POINT_LIMITS.maxScale
  )
    return `scale must be an integer from ${POINT_LIMITS.minScale} to ${POINT_LIMITS.maxScale}`;
  const zeroCount = toCount(p.zeroCount);
  if (zeroCount === null) return 'zeroCount is not a non-negative integer';
  const positive = (p.positive ?? {}) as Record<string, unknown>;
  if (typeof positive !== 'object' || positive === null) return 'positive is not an object';
  const offset = toNumber(positive.offset ?? 0);
  if (offset === null || !Number.isInteger(offset) || Math.abs(offset) > 1e6)
    return 'positive.offset is not a small integer';
  const rawCounts = positive.bucketCounts ?? [];
  if (!Array.isArray(rawCounts) || rawCounts.length > POINT_LIMITS.buckets)
    return `positive.bucketCounts must be an array of at most ${POINT_LIMITS.buckets} counts`;
  const counts: number[] = [];
  for (const c of rawCounts) {
    const n = toCount(c);
    if (n === null) return 'positive.bucketCounts holds a value that is not a non-negative integer';
    counts.push(n);
  }
  return { scale, count, sum, zeroCount, offset, counts };
}
