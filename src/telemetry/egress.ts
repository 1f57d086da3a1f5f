// The egress allow-list: the only metric names, attribute keys and attribute values that may leave
// the device. Built with zod from the contract lists in `schemas/telemetry.ts`, checked when a value
// is recorded (throws EGRESS_REFUSED) and again on every batch before it is stored (drops and
// reports), so nothing outside the list reaches the outbox even through an app's own MeterProvider.
// zod/mini: the same validation as classic zod at a fraction of the bundle (telemetry ships to every page).
import { z } from 'zod/mini';
import { EdgeflowError } from '../errors.ts';
import {
  DRIFT_TESTS,
  METRIC_NAMES,
  type MetricName,
  POINT_ATTRIBUTE,
  PREDICT_STAGES,
  RELEASE_EVENTS,
  RESOURCE_ATTRIBUTE,
} from '../schemas/telemetry.ts';
import type { ExportMetricsServiceRequestJson, OtlpKeyValue } from './types.ts';

/** A name (model, feature, metric): short and made of identifier characters, so it cannot smuggle a free-text value. */
const nameValue = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(128),
    z.regex(/^[\p{L}\p{N}_.:\-/ ]+$/u, 'letters, digits, space and _ . : - / only'),
  );

/** What each point attribute key may hold. */
const pointAttributeValues = {
  [POINT_ATTRIBUTE.model]: nameValue,
  [POINT_ATTRIBUTE.modelVersion]: z.union([
    z.int().check(z.nonnegative()),
    z.string().check(z.regex(/^\d{1,9}$/)),
  ]),
  [POINT_ATTRIBUTE.stage]: z.enum(PREDICT_STAGES),
  [POINT_ATTRIBUTE.feature]: nameValue,
  [POINT_ATTRIBUTE.test]: z.enum(DRIFT_TESTS),
  [POINT_ATTRIBUTE.errorType]: z
    .string()
    .check(z.regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'an error code such as MISSING_VALUE')),
  [POINT_ATTRIBUTE.metric]: z
    .string()
    .check(z.regex(/^[a-z][a-z0-9_]{0,31}$/, 'a metric name such as accuracy or mae')),
  [POINT_ATTRIBUTE.event]: z.enum(RELEASE_EVENTS),
  [POINT_ATTRIBUTE.reason]: z
    .string()
    .check(z.regex(/^[a-z][a-z0-9-]{0,31}$/, 'a reason such as outbox-full')),
  [POINT_ATTRIBUTE.backend]: z.enum(['webgpu', 'webgl', 'wasm', 'cpu', 'node', 'unknown']),
} as const;

/** Point attributes: only allow-listed keys, each with its value rule. */
export const pointAttributesSchema = z.partial(z.strictObject(pointAttributeValues));

const resourceString = z.string().check(z.maxLength(128));

/** Resource attributes: only allow-listed keys, short strings. */
export const resourceAttributesSchema = z.partial(
  z.strictObject(
    Object.fromEntries(Object.values(RESOURCE_ATTRIBUTE).map((key) => [key, resourceString])) as Record<
      (typeof RESOURCE_ATTRIBUTE)[keyof typeof RESOURCE_ATTRIBUTE],
      typeof resourceString
    >,
  ),
);

/** Allow-listed metric names. */
export const metricNameSchema = z.enum(METRIC_NAMES as unknown as [MetricName, ...MetricName[]]);

/** Attributes as recorded through `@opentelemetry/api`. */
export type PointAttributes = z.input<typeof pointAttributesSchema>;

function describe(issues: z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const where = issue.path.length > 0 ? `"${issue.path.join('.')}"` : 'value';
      return issue.code === 'unrecognized_keys'
        ? `attribute key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')} are not on the allow-list`
        : `${where}: ${issue.message}`;
    })
    .join('; ');
}

/**
 * Checks one recording against the allow-list.
 *
 * @throws EGRESS_REFUSED when the metric name, an attribute key or an attribute value is not allowed;
 *   the message names it and lists what is allowed.
 */
export function checkEgress(metric: string, attributes: Readonly<Record<string, unknown>>): void {
  if (!metricNameSchema.safeParse(metric).success) {
    throw new EdgeflowError(
      'EGRESS_REFUSED',
      `Metric "${metric}" is not on the telemetry allow-list. Use one of: ${METRIC_NAMES.join(', ')} (add a name to METRIC in schemas/telemetry.ts to send more).`,
      { details: { metric } },
    );
  }
  const parsed = pointAttributesSchema.safeParse(attributes);
  if (!parsed.success) {
    throw new EdgeflowError(
      'EGRESS_REFUSED',
      `Metric "${metric}" was recorded with attributes that may not leave the device: ${describe(parsed.error.issues)}. Allowed keys: ${Object.keys(pointAttributeValues).join(', ')}.`,
      { details: { metric, keys: Object.keys(attributes) } },
    );
  }
}

/**
 * Checks resource attributes against the allow-list.
 *
 * @throws EGRESS_REFUSED naming the refused key or value.
 */
export function checkResourceEgress(attributes: Readonly<Record<string, unknown>>): void {
  const parsed = resourceAttributesSchema.safeParse(attributes);
  if (!parsed.success) {
    throw new EdgeflowError(
      'EGRESS_REFUSED',
      `Resource attributes may not leave the device: ${describe(parsed.error.issues)}. Allowed keys: ${Object.values(RESOURCE_ATTRIBUTE).join(', ')}.`,
      { details: { keys: Object.keys(attributes) } },
    );
  }
}

function plain(attributes: readonly OtlpKeyValue[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of attributes) {
    if ('stringValue' in value) out[key] = value.stringValue;
    else if ('intValue' in value) out[key] = Number(value.intValue);
    else if ('doubleValue' in value) out[key] = value.doubleValue;
    else if ('boolValue' in value) out[key] = value.boolValue;
    else out[key] = value;
  }
  return out;
}

/**
 * Removes from a request every metric, data point and resource attribute outside the allow-list
 * (what an app's own instruments may have added to a shared MeterProvider) and says what it removed.
 */
export function filterEgress(request: ExportMetricsServiceRequestJson): {
  request: ExportMetricsServiceRequestJson;
  refused: string[];
} {
  const refused: string[] = [];
  const resourceMetrics = request.resourceMetrics.map((rm) => {
    const attributes = rm.resource.attributes.filter((kv) => {
      const ok = resourceAttributesSchema.safeParse({ [kv.key]: plain([kv])[kv.key] }).success;
      if (!ok) refused.push(`resource attribute "${kv.key}"`);
      return ok;
    });
    const scopeMetrics = rm.scopeMetrics.map((sm) => ({
      scope: sm.scope,
      metrics: sm.metrics.filter((metric) => {
        if (!metricNameSchema.safeParse(metric.name).success) {
          refused.push(`metric "${metric.name}"`);
          return false;
        }
        const points =
          metric.gauge?.dataPoints ??
          metric.sum?.dataPoints ??
          metric.histogram?.dataPoints ??
          metric.exponentialHistogram?.dataPoints ??
          [];
        for (const point of points) {
          if (!pointAttributesSchema.safeParse(plain(point.attributes)).success) {
            refused.push(`attributes of metric "${metric.name}"`);
            return false;
          }
        }
        return true;
      }),
    }));
    return { resource: { attributes }, scopeMetrics: scopeMetrics.filter((sm) => sm.metrics.length > 0) };
  });
  return { request: { resourceMetrics }, refused };
}
