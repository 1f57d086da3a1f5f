// Drift thresholds stored with a model version: `version.metrics.driftThresholds`, checked with zod
// when the predictor loads, so a version carries the alert levels its owner chose.
import { EdgeflowError } from '../errors.ts';
import { driftThresholdsSchema } from '../schemas/monitor.ts';
import type { ModelVersion } from '../schemas/registry.ts';
import type { DriftThresholds } from './types.ts';

/** The metrics key a version's drift thresholds are stored under. */
export const DRIFT_THRESHOLDS_KEY = 'driftThresholds';

/**
 * The thresholds stored with a version, or undefined when it has none.
 *
 * @throws EdgeflowError `INVALID_ARGUMENT` naming the bad field when the stored value is malformed.
 */
export function storedDriftThresholds(
  version: Pick<ModelVersion, 'model' | 'version' | 'metrics'>,
): DriftThresholds | undefined {
  const stored = version.metrics[DRIFT_THRESHOLDS_KEY];
  if (stored === undefined || stored === null) return undefined;
  return parseDriftThresholds(stored, `"${version.model}" version ${version.version}`);
}

/**
 * Checks drift thresholds (from storage or a caller) against the schema.
 *
 * @throws EdgeflowError `INVALID_ARGUMENT` naming the bad field.
 */
export function parseDriftThresholds(value: unknown, where = 'the drift thresholds'): DriftThresholds {
  const result = driftThresholdsSchema.safeParse(value);
  if (result.success) {
    const { tests, ...rest } = result.data;
    const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    return { ...defined, ...(tests ? { tests } : {}) } as DriftThresholds;
  }
  const issue = result.error.issues[0];
  throw new EdgeflowError(
    'INVALID_ARGUMENT',
    `Drift thresholds of ${where} are not valid: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : result.error.message}.`,
    { cause: result.error, details: { path: issue?.path.map(String) ?? [] } },
  );
}
