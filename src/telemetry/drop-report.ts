// Folds the outbox's drop counts into the next batch as `edgeflow.telemetry.dropped` points, so the
// collector learns what a device lost (outbox full, refused by the collector) in the data itself.
import { METRIC, POINT_ATTRIBUTE } from '../schemas/telemetry.ts';
import type { DropCounts, ExportMetricsServiceRequestJson, OtlpMetric } from './types.ts';

/** The scope name edgeflow's own instruments use. */
export const EDGEFLOW_SCOPE = 'edgeflow';

/** Adds one delta sum point per reason to `request` (a copy); returns it unchanged when nothing was dropped. */
export function foldDrops(
  request: ExportMetricsServiceRequestJson,
  drops: DropCounts,
  nowMs: number,
): ExportMetricsServiceRequestJson {
  const reasons = Object.keys(drops)
    .filter((reason) => (drops[reason] ?? 0) > 0)
    .sort();
  if (reasons.length === 0) return request;
  const time = `${BigInt(Math.round(nowMs)) * 1_000_000n}`;
  const metric: OtlpMetric = {
    name: METRIC.telemetryDropped,
    unit: '{batch}',
    description: 'Telemetry batches the device dropped, by reason',
    sum: {
      aggregationTemporality: 1,
      isMonotonic: true,
      dataPoints: reasons.map((reason) => ({
        attributes: [{ key: POINT_ATTRIBUTE.reason, value: { stringValue: reason } }],
        startTimeUnixNano: time,
        timeUnixNano: time,
        asInt: String(drops[reason]),
      })),
    },
  };
  const [first, ...rest] = request.resourceMetrics;
  if (first === undefined) {
    return {
      resourceMetrics: [
        {
          resource: { attributes: [] },
          scopeMetrics: [{ scope: { name: EDGEFLOW_SCOPE }, metrics: [metric] }],
        },
      ],
    };
  }
  const scopeMetrics = [...first.scopeMetrics];
  const index = scopeMetrics.findIndex((sm) => sm.scope.name === EDGEFLOW_SCOPE);
  const own = scopeMetrics[index];
  if (own === undefined) scopeMetrics.push({ scope: { name: EDGEFLOW_SCOPE }, metrics: [metric] });
  else scopeMetrics[index] = { scope: own.scope, metrics: [...own.metrics, metric] };
  return { resourceMetrics: [{ resource: first.resource, scopeMetrics }, ...rest] };
}

/** Adds `count` under `reason`. */
export function addDrops(drops: DropCounts, reason: string, count: number): DropCounts {
  return { ...drops, [reason]: (drops[reason] ?? 0) + count };
}

/** UTF-8 byte length of a string. */
export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}
