// Builds a drift report from a window's aggregates and the reference profile: per feature the test
// Evidently would pick by reference size, PSI, missing and unseen rates; dataset drift; prediction drift.
import type { CategoricalProfile, ColumnProfile, NumericProfile, Profile } from '../schemas/dataset.ts';
import type { DriftReport, DriftTest, FeatureDrift, PsiLevel } from '../schemas/monitor.ts';
import {
  alignSketches,
  binSketch,
  chiSquaredTest,
  jensenShannonDistance,
  ksPValue,
  ksStatistic,
  populationStabilityIndex,
  wassersteinDistance,
} from './drift-statistics.ts';
import type { WindowFeature, WindowSnapshot } from './drift-window.ts';
import type { DriftThresholds } from './types.ts';

/** The thresholds with every default filled in. */
export type ResolvedThresholds = Required<Omit<DriftThresholds, 'tests'>> & {
  readonly tests: Readonly<Record<string, DriftTest>>;
};

/** Evidently's defaults: p < 0.05 for tests, ≥ 0.1 for distances, PSI 0.1/0.25, dataset drift at 50 %, tests up to 1000 reference rows. */
export const DEFAULT_DRIFT_THRESHOLDS: ResolvedThresholds = {
  pValue: 0.05,
  distance: 0.1,
  psiWarn: 0.1,
  psiAlert: 0.25,
  datasetShare: 0.5,
  smallReference: 1000,
  tests: {},
};

/** Later thresholds override earlier ones, field by field (`tests` merged by feature). */
export function resolveThresholds(...layers: ReadonlyArray<DriftThresholds | undefined>): ResolvedThresholds {
  let resolved: ResolvedThresholds = DEFAULT_DRIFT_THRESHOLDS;
  for (const layer of layers) {
    if (!layer) continue;
    const { tests, ...rest } = layer;
    const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    resolved = { ...resolved, ...defined, tests: { ...resolved.tests, ...(tests ?? {}) } };
  }
  return resolved;
}

/** Name of the prediction in `thresholds.tests`. */
export const PREDICTION_FEATURE = 'prediction';

/** What a report needs besides the window. */
export interface DriftReportInput {
  readonly model: string;
  readonly version: number;
  readonly reference: Profile;
  readonly window: WindowSnapshot;
  readonly thresholds: ResolvedThresholds;
  /** The reference column the prediction is compared with (the target); null for none. */
  readonly predictionReference: string | null;
}

/**
 * The drift report of one window. Features the reference does not profile are left out (they cannot
 * drift from nothing).
 */
export function computeDriftReport(input: DriftReportInput): DriftReport {
  const { reference, window, thresholds } = input;
  const byName = new Map<string, ColumnProfile>(reference.columns.map((c) => [c.name, c]));
  const features: FeatureDrift[] = [];
  for (const feature of window.features) {
    const column = byName.get(feature.name);
    if (!column) continue;
    features.push(featureDrift(feature.name, column, feature, reference.rowCount, thresholds));
  }
  const drifted = features.filter((f) => f.drifted).length;
  const share = features.length === 0 ? 0 : drifted / features.length;
  const predictionColumn = input.predictionReference ? byName.get(input.predictionReference) : undefined;
  const prediction =
    window.prediction && predictionColumn
      ? featureDrift(PREDICTION_FEATURE, predictionColumn, window.prediction, reference.rowCount, thresholds)
      : null;
  return {
    model: input.model,
    version: input.version,
    window: { start: window.start, end: window.end, rows: window.rows },
    referenceRows: reference.rowCount,
    features,
    datasetDrift: {
      share,
      threshold: thresholds.datasetShare,
      drifted: features.length > 0 && share >= thresholds.datasetShare,
    },
    prediction,
  };
}

function featureDrift(
  name: string,
  reference: ColumnProfile,
  current: WindowFeature,
  referenceRows: number,
  thresholds: ResolvedThresholds,
): FeatureDrift {
  const small = referenceRows <= thresholds.smallReference;
  const total = current.count + current.missing;
  const missingRate = total === 0 ? 0 : current.missing / total;
  if (reference.kind === 'numeric' && current.kind === 'numeric') {
    const test = thresholds.tests[name] ?? (small ? 'ks' : 'wasserstein');
    return {
      name,
      kind: 'numeric',
      ...numericTest(test, reference, current, thresholds),
      ...psiOf(numericPsi(reference, current), thresholds),
      count: current.count,
      missingRate,
      referenceMissingRate: reference.missingRate,
      unseenRate: null,
    };
  }
  const table = categoryTable(reference, current);
  const test = thresholds.tests[name] ?? (small ? 'chi2' : 'jensenshannon');
  return {
    name,
    kind: 'categorical',
    ...categoricalTest(test, table, thresholds),
    ...psiOf(populationStabilityIndex(table.reference, table.current), thresholds),
    count: current.count,
    missingRate,
    referenceMissingRate: reference.missingRate,
    unseenRate: current.count === 0 ? 0 : table.unseen / current.count,
  };
}

type TestResult = Pick<FeatureDrift, 'test' | 'statistic' | 'pValue' | 'threshold' | 'drifted'>;

function numericTest(
  test: DriftTest,
  reference: NumericProfile,
  current: WindowFeature,
  thresholds: ResolvedThresholds,
): TestResult {
  const sketch = current.kind === 'numeric' ? current.sketch : null;
  if (sketch === null || current.count === 0 || reference.count === 0) return noData(test, thresholds);
  const aligned = alignSketches(reference.sketch, sketch);
  switch (test) {
    case 'ks': {
      const d = ksStatistic(aligned);
      const p = ksPValue(d, aligned.leftTotal, aligned.rightTotal);
      return { test, statistic: d, pValue: p, threshold: thresholds.pValue, drifted: p < thresholds.pValue };
    }
    case 'wasserstein': {
      // Evidently normalises by the reference's standard deviation, floored at 0.001.
      const w = wassersteinDistance(aligned) / Math.max(reference.std ?? 0, 0.001);
      return distance(test, w, thresholds);
    }
    case 'psi':
      return psiResult(numericPsi(reference, current) ?? 0, thresholds);
    default: {
      // chi2 and Jensen–Shannon on a numeric feature: over the reference's 10 quantile bins.
      const edges = reference.bins10.edges;
      const a = binSketch(reference.sketch, edges);
      const b = binSketch(sketch, edges);
      return test === 'chi2'
        ? chi2Result(a, b, thresholds)
        : distance(test, jensenShannonDistance(a, b), thresholds);
    }
  }
}

function categoricalTest(test: DriftTest, table: CategoryTable, thresholds: ResolvedThresholds): TestResult {
  if (sumOf(table.current) === 0 || sumOf(table.reference) === 0) return noData(test, thresholds);
  switch (test) {
    case 'chi2':
      return chi2Result(table.reference, table.current, thresholds);
    case 'psi':
      return psiResult(populationStabilityIndex(table.reference, table.current), thresholds);
    default:
      // KS and Wasserstein have no meaning on unordered categories: Jensen–Shannon stands in.
      return distance('jensenshannon', jensenShannonDistance(table.reference, table.current), thresholds);
  }
}

function chi2Result(a: ArrayLike<number>, b: ArrayLike<number>, thresholds: ResolvedThresholds): TestResult {
  const { statistic, pValue } = chiSquaredTest(a, b);
  return {
    test: 'chi2',
    statistic,
    pValue,
    threshold: thresholds.pValue,
    drifted: pValue < thresholds.pValue,
  };
}

function distance(test: DriftTest, value: number, thresholds: ResolvedThresholds): TestResult {
  return {
    test,
    statistic: value,
    pValue: null,
    threshold: thresholds.distance,
    drifted: value >= thresholds.distance,
  };
}

/** PSI as the deciding test: drift at the alert level (0.25 by default). */
function psiResult(psi: number, thresholds: ResolvedThresholds): TestResult {
  return {
    test: 'psi',
    statistic: psi,
    pValue: null,
    threshold: thresholds.psiAlert,
    drifted: psi >= thresholds.psiAlert,
  };
}

function noData(test: DriftTest, thresholds: ResolvedThresholds): TestResult {
  const usesP = test === 'ks' || test === 'chi2';
  return {
    test,
    statistic: 0,
    pValue: usesP ? 1 : null,
    threshold: usesP ? thresholds.pValue : test === 'psi' ? thresholds.psiAlert : thresholds.distance,
    drifted: false,
  };
}

function numericPsi(reference: NumericProfile, current: WindowFeature): number | null {
  if (current.kind !== 'numeric' || current.count === 0 || reference.count === 0) return null;
  const edges = reference.bins10.edges;
  if (edges.length < 2) return null;
  return populationStabilityIndex(binSketch(reference.sketch, edges), binSketch(current.sketch, edges));
}

function psiOf(
  psi: number | null,
  thresholds: ResolvedThresholds,
): { psi: number | null; psiLevel: PsiLevel | null } {
  if (psi === null) return { psi: null, psiLevel: null };
  const level: PsiLevel = psi >= thresholds.psiAlert ? 'alert' : psi >= thresholds.psiWarn ? 'warn' : 'ok';
  return { psi, psiLevel: level };
}

/** Reference and current counts over the same categories: the reference's named ones, then one "other" bin. */
interface CategoryTable {
  readonly reference: Float64Array;
  readonly current: Float64Array;
  /** Current values in none of the reference's named categories. */
  readonly unseen: number;
}

function categoryTable(reference: ColumnProfile, current: WindowFeature): CategoryTable {
  const categorical = reference as CategoricalProfile;
  const values = categorical.kind === 'categorical' ? categorical.values : [];
  const counts = categorical.kind === 'categorical' ? categorical.counts : [];
  const index = new Map<string, number>(values.map((v, i) => [v, i]));
  const ref = new Float64Array(values.length + 1);
  counts.forEach((c, i) => {
    ref[i] = c;
  });
  // A release profile folds rare categories into the difference between `count` and the named counts.
  ref[values.length] = Math.max(0, reference.count - sumOf(counts));
  const cur = new Float64Array(values.length + 1);
  let unseen = 0;
  if (current.kind === 'categorical') {
    for (const [category, count] of current.counts) {
      const i = index.get(category);
      if (i === undefined) {
        unseen += count;
        cur[values.length] = (cur[values.length] as number) + count;
      } else cur[i] = (cur[i] as number) + count;
    }
  }
  return { reference: ref, current: cur, unseen };
}

function sumOf(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] as number;
  return s;
}
