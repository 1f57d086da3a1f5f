// Builders of OTLP/HTTP JSON metric requests shaped like what edgeflow's telemetry sends (drift
// gauges per feature and test, latency exponential histograms per stage, counters), for the
// collector's tests and benchmarks.
import { METRIC } from 'edgeflow/schemas';

type Attr = { key: string; value: { stringValue?: string; intValue?: string; doubleValue?: number } };

/** Who a batch is from. */
export interface Device {
  instance: string;
  model: string;
  version: number;
  backend: string;
  deviceClass: string;
  release?: number;
}

function str(key: string, value: string): Attr {
  return { key, value: { stringValue: value } };
}

/** Resource attributes of a device, per the telemetry contract. */
export function resourceOf(device: Device): { attributes: Attr[] } {
  return {
    attributes: [
      str('service.name', 'edgeflow-edge'),
      str('service.instance.id', device.instance),
      str('edgeflow.model', device.model),
      { key: 'edgeflow.model.version', value: { intValue: String(device.version) } },
      ...(device.release === undefined
        ? []
        : [{ key: 'edgeflow.release', value: { intValue: String(device.release) } }]),
      str('edgeflow.backend', device.backend),
      str('edgeflow.device.class', device.deviceClass),
    ],
  };
}

/** Nanoseconds as the JSON string OTLP uses for int64. */
export function nanos(ms: number): string {
  return `${BigInt(Math.round(ms)) * 1_000_000n}`;
}

/** A gauge point. */
export function gaugePoint(
  timeMs: number,
  value: number,
  attrs: Record<string, string> = {},
): Record<string, unknown> {
  return {
    timeUnixNano: nanos(timeMs),
    asDouble: value,
    attributes: Object.entries(attrs).map(([k, v]) => str(k, v)),
  };
}

/** A delta exponential-histogram point at `scale` with positive buckets from `offset`. */
export function expHistogramPoint(
  timeMs: number,
  h: { scale: number; offset: number; counts: number[]; zeroCount?: number; sum: number },
  attrs: Record<string, string> = {},
): Record<string, unknown> {
  const count = h.counts.reduce((a, b) => a + b, 0) + (h.zeroCount ?? 0);
  return {
    startTimeUnixNano: nanos(timeMs - 5000),
    timeUnixNano: nanos(timeMs),
    count: String(count),
    sum: h.sum,
    scale: h.scale,
    zeroCount: String(h.zeroCount ?? 0),
    positive: { offset: h.offset, bucketCounts: h.counts.map(String) },
    attributes: Object.entries(attrs).map(([k, v]) => str(k, v)),
  };
}

/** One ExportMetricsServiceRequest from one device holding the given metrics. */
export function request(device: Device, metrics: Record<string, unknown>[]): Record<string, unknown> {
  return {
    resourceMetrics: [
      { resource: resourceOf(device), scopeMetrics: [{ scope: { name: 'edgeflow' }, metrics }] },
    ],
  };
}

/** A gauge metric. */
export function gauge(name: string, points: Record<string, unknown>[]): Record<string, unknown> {
  return { name, gauge: { dataPoints: points } };
}

/** A delta exponential histogram metric. */
export function expHistogram(name: string, points: Record<string, unknown>[]): Record<string, unknown> {
  return { name, unit: 's', exponentialHistogram: { aggregationTemporality: 1, dataPoints: points } };
}

/** A delta sum metric. */
export function counter(name: string, points: Record<string, unknown>[]): Record<string, unknown> {
  return { name, sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: points } };
}

const FEATURES = Array.from({ length: 20 }, (_, i) => `feature_${i}`);

/**
 * What one device sends in one 5 s export with a 20-feature model: a drift statistic, a drift flag,
 * a missing rate per feature, the drift share, prediction drift, three latency histograms and the
 * row counter: 66 points.
 */
export function deviceExport(timeMs: number, seed = 0): Record<string, unknown>[] {
  const statistic = FEATURES.map((f, i) =>
    gaugePoint(timeMs, ((i * 37 + seed * 11) % 100) / 400, {
      'edgeflow.feature': f,
      'edgeflow.drift.test': 'wasserstein',
    }),
  );
  const detected = FEATURES.map((f, i) =>
    gaugePoint(timeMs, (i + seed) % 7 === 0 ? 1 : 0, {
      'edgeflow.feature': f,
      'edgeflow.drift.test': 'wasserstein',
    }),
  );
  const missing = FEATURES.map((f, i) => gaugePoint(timeMs, (i % 5) / 100, { 'edgeflow.feature': f }));
  const latency = ['pipeline', 'model', 'total'].map((stage, s) =>
    expHistogramPoint(
      timeMs,
      { scale: 3, offset: -60 + s * 4 + (seed % 3), counts: [1, 3, 8, 12, 9, 4, 2, 1], sum: 0.02 * 40 },
      { 'edgeflow.stage': stage },
    ),
  );
  return [
    gauge(METRIC.driftStatistic, statistic),
    gauge(METRIC.driftDetected, detected),
    gauge(METRIC.missingRate, missing),
    gauge(METRIC.driftShare, [gaugePoint(timeMs, 0.15)]),
    gauge(METRIC.predictionDrift, [gaugePoint(timeMs, 0.05, { 'edgeflow.drift.test': 'jensenshannon' })]),
    expHistogram(METRIC.predictDuration, latency),
    counter(METRIC.predictRows, [
      { timeUnixNano: nanos(timeMs), startTimeUnixNano: nanos(timeMs - 5000), asInt: '40' },
    ]),
  ];
}

/** Points in one `deviceExport`. */
export const POINTS_PER_EXPORT = 66;

/**
 * A batch of exactly `points` points (consecutive 5 s exports of one device ending at `endMs`, the
 * last one cut short, as the telemetry outbox fills its 512-point batches).
 */
export function edgeflowBatch(device: Device, endMs: number, points = 512): Record<string, unknown> {
  const exports = Math.ceil(points / POINTS_PER_EXPORT);
  const metrics: Record<string, unknown>[] = [];
  let budget = points;
  for (let e = 0; e < exports && budget > 0; e++) {
    for (const metric of deviceExport(endMs - (exports - 1 - e) * 5000, e)) {
      const data = (metric.gauge ?? metric.sum ?? metric.exponentialHistogram) as { dataPoints: unknown[] };
      if (budget <= 0) break;
      data.dataPoints = data.dataPoints.slice(0, budget);
      budget -= data.dataPoints.length;
      metrics.push(metric);
    }
  }
  return request(device, metrics);
}
