import type { z } from 'zod';
import { EdgeflowError } from '../errors.ts';
import { gateThresholdsSchema, type metricThresholdSchema } from '../schemas/metrics.ts';
import { knownMetricNames, metricGreaterIsBetter } from './metric-names.ts';

/** One metric's criteria after validation, with the direction filled in. */
export type ParsedMetricThreshold = Omit<z.output<typeof metricThresholdSchema>, 'greaterIsBetter'> & {
  greaterIsBetter: boolean;
};

/**
 * Validates gate thresholds: the shape and ranges of MLflow's `MetricThreshold.__init__` (`minAbsoluteChange`
 * > 0, `minRelativeChange` in [0, 1], at least one criterion), metric names that edgeflow computes,
 * and a `greaterIsBetter` that agrees with the metric (a gate that rewards a higher RMSE is a
 * mistake, not a preference). `greaterIsBetter` may be left out: every metric edgeflow computes has
 * a known direction, which is filled in (`{ accuracy: { threshold: 0.9 } }` just works).
 *
 * @throws EdgeflowError `INVALID_ARGUMENT` naming the field (`thresholds.accuracy.minRelativeChange`)
 *   and what it must be.
 */
export function parseGateThresholds(input: unknown): Record<string, ParsedMetricThreshold> {
  const out: Record<string, ParsedMetricThreshold> = {};
  const parsed = gateThresholdsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = ['thresholds', ...(issue?.path ?? []).map(String)];
    if (issue?.code === 'unrecognized_keys') path.push(...issue.keys);
    const field = path.join('.');
    const allowed =
      issue?.code === 'unrecognized_keys'
        ? ' Allowed: threshold, minAbsoluteChange, minRelativeChange, greaterIsBetter.'
        : '';
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `Invalid gate threshold ${field}: ${issue?.message ?? 'invalid'}.${allowed}`,
      {
        details: {
          field,
          issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
        },
      },
    );
  }

  for (const [metric, threshold] of Object.entries(parsed.data)) {
    const expected = metricGreaterIsBetter(metric);
    if (expected === undefined) {
      throw new EdgeflowError(
        'INVALID_ARGUMENT',
        `Invalid gate threshold thresholds.${metric}: unknown metric "${metric}". Use one of: ${knownMetricNames().join(', ')}.`,
        { details: { field: `thresholds.${metric}`, value: metric, valid: knownMetricNames() } },
      );
    }
    if (threshold.greaterIsBetter !== undefined && threshold.greaterIsBetter !== expected) {
      throw new EdgeflowError(
        'INVALID_ARGUMENT',
        `Invalid gate threshold thresholds.${metric}.greaterIsBetter: ${metric} is ${expected ? 'greater' : 'lower'}-is-better; set greaterIsBetter: ${expected}.`,
        {
          details: {
            field: `thresholds.${metric}.greaterIsBetter`,
            value: threshold.greaterIsBetter,
            expected,
          },
        },
      );
    }
    out[metric] = { ...threshold, greaterIsBetter: expected };
  }
  return out;
}
