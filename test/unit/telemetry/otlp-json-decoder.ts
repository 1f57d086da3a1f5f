// An independent decoder for OTLP/HTTP JSON `ExportMetricsServiceRequest`s, written from the spec
// (opentelemetry-proto metrics.proto, common.proto, and the "JSON Protobuf Encoding" rules: lowerCamelCase
// field names, enums as integers, 64-bit integers as decimal strings). Strict: unknown keys (snake_case
// fields, typos) are errors. Shared by the unit and browser telemetry tests; it never imports src/.
import { z } from 'zod';

const u64 = z.string().regex(/^\d+$/, 'a uint64/fixed64 must be a decimal string');
const i64 = z.string().regex(/^-?\d+$/, 'an int64 must be a decimal string');

type AnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { bytesValue: string }
  | { arrayValue: { values: AnyValue[] } }
  | { kvlistValue: { values: { key: string; value: AnyValue }[] } };

const anyValue: z.ZodType<AnyValue> = z.lazy(() =>
  z.union([
    z.strictObject({ stringValue: z.string() }),
    z.strictObject({ boolValue: z.boolean() }),
    z.strictObject({ intValue: i64 }),
    z.strictObject({ doubleValue: z.number() }),
    z.strictObject({ bytesValue: z.string() }),
    z.strictObject({ arrayValue: z.strictObject({ values: z.array(anyValue) }) }),
    z.strictObject({
      kvlistValue: z.strictObject({ values: z.array(z.strictObject({ key: z.string(), value: anyValue })) }),
    }),
  ]),
);

const keyValue = z.strictObject({ key: z.string().min(1), value: anyValue });
const attributes = z.array(keyValue).optional();
const times = { startTimeUnixNano: u64.optional(), timeUnixNano: u64 };
const flags = z.number().int().nonnegative().optional();

const numberDataPoint = z
  .strictObject({
    attributes,
    ...times,
    asDouble: z.number().optional(),
    asInt: i64.optional(),
    flags,
    exemplars: z.array(z.unknown()).optional(),
  })
  .refine((p) => (p.asDouble === undefined) !== (p.asInt === undefined), 'exactly one of asDouble, asInt');

const temporality = z.union([z.literal(0), z.literal(1), z.literal(2)]);
const buckets = z.strictObject({ offset: z.number().int(), bucketCounts: z.array(u64) });

const exponentialPoint = z.strictObject({
  attributes,
  ...times,
  count: u64,
  sum: z.number().optional(),
  scale: z.number().int().min(-10).max(20),
  zeroCount: u64,
  positive: buckets.optional(),
  negative: buckets.optional(),
  flags,
  exemplars: z.array(z.unknown()).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  zeroThreshold: z.number().optional(),
});

const histogramPoint = z.strictObject({
  attributes,
  ...times,
  count: u64,
  sum: z.number().optional(),
  bucketCounts: z.array(u64),
  explicitBounds: z.array(z.number()),
  flags,
  exemplars: z.array(z.unknown()).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
});

const metric = z
  .strictObject({
    name: z.string().min(1),
    description: z.string().optional(),
    unit: z.string().optional(),
    metadata: z.array(keyValue).optional(),
    gauge: z.strictObject({ dataPoints: z.array(numberDataPoint) }).optional(),
    sum: z
      .strictObject({
        dataPoints: z.array(numberDataPoint),
        aggregationTemporality: temporality,
        isMonotonic: z.boolean().optional(),
      })
      .optional(),
    histogram: z
      .strictObject({ dataPoints: z.array(histogramPoint), aggregationTemporality: temporality })
      .optional(),
    exponentialHistogram: z
      .strictObject({ dataPoints: z.array(exponentialPoint), aggregationTemporality: temporality })
      .optional(),
    summary: z.strictObject({ dataPoints: z.array(z.unknown()) }).optional(),
  })
  .refine(
    (m) =>
      [m.gauge, m.sum, m.histogram, m.exponentialHistogram, m.summary].filter((d) => d !== undefined)
        .length === 1,
    'a metric carries exactly one of gauge, sum, histogram, exponentialHistogram, summary',
  );

/** The decoder. */
export const exportMetricsServiceRequest = z.strictObject({
  resourceMetrics: z.array(
    z.strictObject({
      resource: z
        .strictObject({ attributes, droppedAttributesCount: z.number().int().optional() })
        .optional(),
      scopeMetrics: z.array(
        z.strictObject({
          scope: z
            .strictObject({
              name: z.string(),
              version: z.string().optional(),
              attributes,
              droppedAttributesCount: z.number().int().optional(),
            })
            .optional(),
          metrics: z.array(metric),
          schemaUrl: z.string().optional(),
        }),
      ),
      schemaUrl: z.string().optional(),
    }),
  ),
});

/** A decoded request. */
export type DecodedRequest = z.infer<typeof exportMetricsServiceRequest>;
/** A decoded metric. */
export type DecodedMetric = z.infer<typeof metric>;

/** Decodes a body; throws with zod's issues when it is not a valid request. */
export function decodeRequest(body: string): DecodedRequest {
  return exportMetricsServiceRequest.parse(JSON.parse(body));
}

/** Every metric of a request, flattened. */
export function metricsOf(request: DecodedRequest): DecodedMetric[] {
  return request.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics));
}

/** The attributes of a point as a plain object. */
export function attributesOf(point: {
  attributes?: { key: string; value: AnyValue }[] | undefined;
}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of point.attributes ?? []) {
    out[key] = Object.values(value)[0];
  }
  return out;
}

/** Resource attributes of the first resource. */
export function resourceOf(request: DecodedRequest): Record<string, unknown> {
  return attributesOf({ attributes: request.resourceMetrics[0]?.resource?.attributes });
}

/** Sum of `asInt` of a sum metric's points matching `filter` across requests. */
export function sumOf(
  requests: DecodedRequest[],
  name: string,
  filter: (attrs: Record<string, unknown>) => boolean = () => true,
): number {
  let total = 0;
  for (const request of requests)
    for (const m of metricsOf(request))
      if (m.name === name)
        for (const p of m.sum?.dataPoints ?? [])
          if (filter(attributesOf(p))) total += Number(p.asInt ?? p.asDouble ?? 0);
  return total;
}
