// OTLP/HTTP JSON encoding of the SDK's collected metrics. Written here rather than taken from
// `@opentelemetry/otlp-transformer` because its JSON serializer (0.223) encodes int64 and fixed64
// fields (`asInt`, `count`, `bucketCounts`, `zeroCount`, `intValue`) as JSON numbers, while the OTLP
// JSON mapping (opentelemetry-proto, "JSON Protobuf Encoding") says 64-bit integers are decimal strings.
import { type Attributes, type AttributeValue, type HrTime, ValueType } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  type ExponentialHistogram,
  type Histogram,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type {
  ExportMetricsServiceRequestJson,
  OtlpAnyValue,
  OtlpKeyValue,
  OtlpMetric,
  OtlpNumberDataPoint,
  OtlpTemporality,
} from './types.ts';

const NANOS_PER_SECOND = 1_000_000_000n;

/** An `HrTime` ([seconds, nanoseconds]) as unix nanoseconds in a decimal string. */
export function hrTimeToNanoString(time: HrTime): string {
  return (BigInt(Math.trunc(time[0])) * NANOS_PER_SECOND + BigInt(Math.trunc(time[1]))).toString();
}

function anyValue(value: AttributeValue): OtlpAnyValue {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  }
  return {
    arrayValue: {
      values: value.filter((v) => v !== null && v !== undefined).map((v) => anyValue(v as AttributeValue)),
    },
  };
}

/** Attributes as OTLP `KeyValue`s, keys sorted so equal attribute sets encode identically. */
export function toKeyValues(attributes: Attributes): OtlpKeyValue[] {
  return Object.keys(attributes)
    .sort()
    .flatMap((key) => {
      const value = attributes[key];
      return value === undefined ? [] : [{ key, value: anyValue(value) }];
    });
}

function temporality(value: AggregationTemporality): OtlpTemporality {
  return value === AggregationTemporality.DELTA ? 1 : 2;
}

function intString(value: number): string {
  return String(Math.round(value));
}

function toMetric(metric: MetricData): OtlpMetric {
  const { name, description, unit } = metric.descriptor;
  const out: OtlpMetric = { name };
  if (description !== '') out.description = description;
  if (unit !== '') out.unit = unit;
  switch (metric.dataPointType) {
    case DataPointType.GAUGE:
    case DataPointType.SUM: {
      const dataPoints = metric.dataPoints.map((point): OtlpNumberDataPoint => {
        const base = {
          attributes: toKeyValues(point.attributes),
          startTimeUnixNano: hrTimeToNanoString(point.startTime),
          timeUnixNano: hrTimeToNanoString(point.endTime),
        };
        return metric.descriptor.valueType === ValueType.INT
          ? { ...base, asInt: intString(point.value) }
          : { ...base, asDouble: point.value };
      });
      if (metric.dataPointType === DataPointType.GAUGE) out.gauge = { dataPoints };
      else
        out.sum = {
          dataPoints,
          aggregationTemporality: temporality(metric.aggregationTemporality),
          isMonotonic: metric.isMonotonic,
        };
      return out;
    }
    case DataPointType.HISTOGRAM:
      out.histogram = {
        aggregationTemporality: temporality(metric.aggregationTemporality),
        dataPoints: metric.dataPoints.map((point) => {
          const h: Histogram = point.value;
          return {
            ...histogramPointBase(point, h),
            bucketCounts: h.buckets.counts.map(intString),
            explicitBounds: h.buckets.boundaries,
          };
        }),
      };
      return out;
    case DataPointType.EXPONENTIAL_HISTOGRAM:
      out.exponentialHistogram = {
        aggregationTemporality: temporality(metric.aggregationTemporality),
        dataPoints: metric.dataPoints.map((point) => {
          const h: ExponentialHistogram = point.value;
          return {
            ...histogramPointBase(point, h),
            scale: h.scale,
            zeroCount: intString(h.zeroCount),
            positive: { offset: h.positive.offset, bucketCounts: h.positive.bucketCounts.map(intString) },
            negative: { offset: h.negative.offset, bucketCounts: h.negative.bucketCounts.map(intString) },
          };
        }),
      };
      return out;
  }
}

/** The fields every histogram data point has: attributes, times, count and the optional sum, min, max. */
function histogramPointBase(
  point: { attributes: Attributes; startTime: HrTime; endTime: HrTime },
  h: { count: number; sum?: number | undefined; min?: number | undefined; max?: number | undefined },
) {
  return {
    attributes: toKeyValues(point.attributes),
    startTimeUnixNano: hrTimeToNanoString(point.startTime),
    timeUnixNano: hrTimeToNanoString(point.endTime),
    count: intString(h.count),
    ...(h.sum === undefined ? {} : { sum: h.sum }),
    ...(h.min === undefined ? {} : { min: h.min }),
    ...(h.max === undefined ? {} : { max: h.max }),
  };
}

/**
 * Encodes what a MetricReader collected as an OTLP/HTTP JSON `ExportMetricsServiceRequest`
 * (camelCase fields, enums as integers, 64-bit integers as decimal strings). Empty scopes are left out.
 */
export function toExportRequest(resourceMetrics: ResourceMetrics): ExportMetricsServiceRequestJson {
  return {
    resourceMetrics: [
      {
        resource: { attributes: toKeyValues(resourceMetrics.resource.attributes) },
        scopeMetrics: resourceMetrics.scopeMetrics
          .filter((scope) => scope.metrics.some((m) => m.dataPoints.length > 0))
          .map((scope) => ({
            scope: {
              name: scope.scope.name,
              ...(scope.scope.version === undefined ? {} : { version: scope.scope.version }),
            },
            metrics: scope.metrics.filter((m) => m.dataPoints.length > 0).map(toMetric),
          })),
      },
    ],
  };
}

/** Number of data points in a request (for batch limits and reports). */
export function countDataPoints(request: ExportMetricsServiceRequestJson): number {
  let n = 0;
  for (const rm of request.resourceMetrics)
    for (const sm of rm.scopeMetrics)
      for (const m of sm.metrics)
        n += (m.gauge ?? m.sum ?? m.histogram ?? m.exponentialHistogram)?.dataPoints.length ?? 0;
  return n;
}
