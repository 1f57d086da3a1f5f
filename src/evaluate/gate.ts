import { EdgeflowError } from '../errors.ts';
import type {
  GateCriterion,
  GateMetricResult,
  GateReport,
  GateThresholds,
  MetricReport,
} from '../schemas/metrics.ts';
import { type ParsedMetricThreshold, parseGateThresholds } from './gate-thresholds.ts';
import { readMetric } from './metric-names.ts';
import type { MetricValue } from './types.ts';

/** Metrics the gate reads: a fresh report, or a flat `name → number` record (as stored on a version). */
export type GateMetricSource = MetricReport | Readonly<Record<string, unknown>>;

/**
 * MLflow's fallback step when the baseline value is 0 and a relative change cannot be computed: the
 * candidate must then be strictly better by this much.
 */
export const ZERO_BASELINE_STEP = 1e-10;

/**
 * Relative slack on every comparison, so that a tie written in decimals stays a tie in binary
 * (0.80 + 0.05 is 0.8500000000000001 in float64, and a candidate at 0.85 must pass
 * `minAbsoluteChange: 0.05`). MLflow compares raw floats and would fail it.
 */
const TIE_TOLERANCE = 1e-12;

/**
 * Decides whether a candidate model may replace the baseline, with the semantics of MLflow's
 * `MetricThreshold` and `_validate` in
 * `mlflow/models/evaluation/validation.py`
 * (https://mlflow.org/docs/latest/api_reference/_modules/mlflow/models/evaluation/validation.html):
 *
 * - `threshold`: candidate ≥ threshold when greater is better, else ≤ threshold.
 * - `minAbsoluteChange`: candidate ≥ baseline + change (greater is better), else ≤ baseline − change.
 * - `minRelativeChange`: relative improvement (candidate − baseline) / baseline (greater is better),
 *   or (baseline − candidate) / baseline (lower is better), must be ≥ the required change. When the
 *   baseline is 0, MLflow falls back to "strictly better by 1e-10", and so does this.
 *   Deliberate difference: we divide by |baseline|, so a negative baseline (R² < 0) does not flip
 *   the sign and fail a candidate that improved on it; for a positive baseline it is MLflow's formula.
 * - A metric missing from (or undefined in) the candidate fails every criterion, naming the metric
 *   (MLflow's `missing_candidate`); a baseline that lacks the metric fails its change criteria
 *   (MLflow's `missing_baseline`).
 * - With no baseline at all (`null`, no current alias holder) the change criteria are reported as
 *   `no_baseline` and do not fail — nothing is guessed — while `threshold` must still be met.
 *   MLflow, given no baseline, would fail them as missing; the issue asks for this instead.
 *
 * Every criterion reports its numbers: the configured value, the bound the candidate had to reach,
 * and what was observed. The report is JSON, to be logged with the alias move.
 *
 * @throws EdgeflowError `INVALID_ARGUMENT` for invalid thresholds (see `parseGateThresholds`).
 * @example
 * const report = evaluateGate(candidate, champion, {
 *   accuracy: { threshold: 0.9, minAbsoluteChange: 0.01, greaterIsBetter: true },
 *   log_loss: { minRelativeChange: 0.05, greaterIsBetter: false },
 * });
 * if (!report.passed) console.log(report.failures);
 */
export function evaluateGate(
  candidate: GateMetricSource,
  baseline: GateMetricSource | null,
  thresholds: GateThresholds,
): GateReport {
  const parsed = parseGateThresholds(thresholds);
  const metrics: GateMetricResult[] = [];
  const failures: string[] = [];
  for (const [metric, threshold] of Object.entries(parsed)) {
    const c = readMetric(candidate, metric);
    const b = baseline === null ? null : readMetric(baseline, metric);
    const judge: Judge = { metric, candidate: c, baseline: b, hasBaseline: baseline !== null, threshold };
    const criteria: GateCriterion[] = [];
    if (threshold.threshold !== undefined) criteria.push(judgeThreshold(judge, threshold.threshold));
    if (threshold.minAbsoluteChange !== undefined) {
      criteria.push(judgeAbsoluteChange(judge, threshold.minAbsoluteChange));
    }
    if (threshold.minRelativeChange !== undefined) {
      criteria.push(judgeRelativeChange(judge, threshold.minRelativeChange));
    }
    for (const criterion of criteria) {
      if (criterion.status === 'fail') failures.push(`${metric} ${criterion.criterion}: ${criterion.detail}`);
    }
    metrics.push({
      metric,
      greaterIsBetter: threshold.greaterIsBetter,
      candidate: c,
      baseline: b,
      passed: criteria.every((criterion) => criterion.status !== 'fail'),
      criteria,
    });
  }
  return { passed: failures.length === 0, hasBaseline: baseline !== null, metrics, failures };
}

/**
 * Throws when a gate report did not pass, so a promotion can stop in one line.
 *
 * @throws EdgeflowError `GATE_FAILED` listing every failed criterion, with the report in `details.report`.
 */
export function assertGatePassed(report: GateReport): void {
  if (report.passed) return;
  throw new EdgeflowError(
    'GATE_FAILED',
    `The candidate did not pass the promotion gate: ${report.failures.join('; ')}. The alias was not moved.`,
    { details: { report } },
  );
}

interface Judge {
  readonly metric: string;
  readonly candidate: MetricValue;
  readonly baseline: MetricValue;
  readonly hasBaseline: boolean;
  readonly threshold: ParsedMetricThreshold;
}

function judgeThreshold(j: Judge, required: number): GateCriterion {
  const base = { criterion: 'threshold', required, bound: required } as const;
  if (j.candidate === null) return { ...base, ...missingCandidate(j) };
  const gib = j.threshold.greaterIsBetter;
  const ok = meets(j.candidate, required, gib);
  return {
    ...base,
    status: ok ? 'pass' : 'fail',
    observed: j.candidate,
    detail: `candidate ${j.metric} = ${j.candidate} ${ok ? 'meets' : 'does not meet'} the threshold ${gib ? '>=' : '<='} ${required}`,
  };
}

function judgeAbsoluteChange(j: Judge, required: number): GateCriterion {
  const base = { criterion: 'minAbsoluteChange', required } as const;
  const early = changePreconditions(j);
  if (early) return { ...base, ...early };
  const c = j.candidate as number;
  const b = j.baseline as number;
  const gib = j.threshold.greaterIsBetter;
  const bound = gib ? b + required : b - required;
  const ok = meets(c, bound, gib);
  return {
    ...base,
    status: ok ? 'pass' : 'fail',
    bound,
    observed: gib ? c - b : b - c,
    detail: `candidate ${j.metric} = ${c}, baseline = ${b}: needs ${gib ? '>=' : '<='} ${bound} (an improvement of at least ${required})`,
  };
}

function judgeRelativeChange(j: Judge, required: number): GateCriterion {
  const base = { criterion: 'minRelativeChange', required } as const;
  const early = changePreconditions(j);
  if (early) return { ...base, ...early };
  const c = j.candidate as number;
  const b = j.baseline as number;
  const gib = j.threshold.greaterIsBetter;
  const improvement = gib ? c - b : b - c;
  if (b === 0) {
    const bound = gib ? ZERO_BASELINE_STEP : -ZERO_BASELINE_STEP;
    const ok = meets(c, bound, gib);
    return {
      ...base,
      status: ok ? 'pass' : 'fail',
      bound,
      observed: improvement,
      detail: `baseline ${j.metric} is 0, so no relative change exists; as in MLflow the candidate (${c}) must be strictly better (${gib ? '>=' : '<='} ${bound})`,
    };
  }
  const magnitude = Math.abs(b);
  const relative = improvement / magnitude;
  const ok = atLeast(relative, required);
  return {
    ...base,
    status: ok ? 'pass' : 'fail',
    bound: gib ? b + required * magnitude : b - required * magnitude,
    observed: relative,
    detail: `candidate ${j.metric} = ${c}, baseline = ${b}: relative improvement ${relative} ${ok ? '>=' : '<'} ${required}`,
  };
}

type Verdict = Pick<GateCriterion, 'status' | 'bound' | 'observed' | 'detail'>;

function missingCandidate(j: Judge): Omit<Verdict, 'bound'> {
  return {
    status: 'fail',
    observed: null,
    detail: `the candidate has no value for ${j.metric} (not computed for this model, or undefined on this data)`,
  };
}

/** The verdict of a change criterion that cannot be computed, or `null` when it can. */
function changePreconditions(j: Judge): Verdict | null {
  if (j.candidate === null) return { ...missingCandidate(j), bound: null };
  if (!j.hasBaseline) {
    return {
      status: 'no_baseline',
      bound: null,
      observed: null,
      detail: 'no baseline model to compare with; the change was not checked',
    };
  }
  if (j.baseline === null) {
    return {
      status: 'fail',
      bound: null,
      observed: null,
      detail: `the baseline has no value for ${j.metric}, so the change cannot be checked`,
    };
  }
  return null;
}

/** `value` reaches `bound` in the better direction, ties (within float rounding) included. */
function meets(value: number, bound: number, greaterIsBetter: boolean): boolean {
  return greaterIsBetter ? atLeast(value, bound) : atLeast(-value, -bound);
}

function atLeast(value: number, bound: number): boolean {
  return value >= bound - TIE_TOLERANCE * Math.max(1, Math.abs(value), Math.abs(bound));
}
