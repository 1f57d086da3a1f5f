// Reads the collector's drift answer the way the monitor view shows it: per version and feature,
// the statistic in the recent buckets beside the test's threshold, whether the fleet's reports say
// it drifted, the dataset-drift share, and whether to raise the drift alert. Pure (no DOM, no
// fetch) so it is tested in Node against real collector answers.
import type { DriftResponse, DriftSeries, DriftVersion } from './collector-api.ts';

/** How a test's statistic compares with its threshold. */
export type ThresholdKind = 'p-value' | 'distance' | 'psi';

/** A drift test's threshold, as the device applied it (Evidently's defaults unless the version says otherwise). */
export interface DriftThreshold {
  kind: ThresholdKind;
  value: number;
  /** For display: `p < 0.05`, `≥ 0.1`. */
  label: string;
}

/** Thresholds a model version stores under `metrics.driftThresholds` (the fields the view needs). */
export interface DriftThresholdSettings {
  pValue?: number;
  distance?: number;
  psiAlert?: number;
  datasetShare?: number;
}

/** Evidently's defaults, as edgeflow's monitor uses them (docs/architecture.md, "Drift"). */
export const DEFAULT_DRIFT_THRESHOLDS: Required<DriftThresholdSettings> = {
  pValue: 0.05,
  distance: 0.1,
  psiAlert: 0.25,
  datasetShare: 0.5,
};

/**
 * The threshold of `test`. KS and chi-squared decide on the p-value (the statistic the collector
 * charts is D or χ², so for them the device's drift flag is what says "drifted"); distances and PSI
 * decide on the statistic itself.
 */
export function driftThreshold(test: string, settings: DriftThresholdSettings = {}): DriftThreshold {
  const t = { ...DEFAULT_DRIFT_THRESHOLDS, ...settings };
  if (test === 'ks' || test === 'chi2') return { kind: 'p-value', value: t.pValue, label: `p < ${t.pValue}` };
  if (test === 'psi') return { kind: 'psi', value: t.psiAlert, label: `≥ ${t.psiAlert}` };
  return { kind: 'distance', value: t.distance, label: `≥ ${t.distance}` };
}

/** One feature (or the prediction) of one version over the recent buckets. */
export interface FeatureDriftRow {
  version: number | null;
  feature: string;
  test: string;
  /** Mean of the statistic over the recent reports (null when none is recent). */
  statistic: number | null;
  threshold: DriftThreshold;
  /** Share of recent reports whose device flagged drift (null for PSI: devices flag on the primary test only). */
  driftedShare: number | null;
  /** Reports in the recent buckets. */
  reports: number;
  drifted: boolean;
}

/** The drift state of one version over the recent buckets. */
export interface VersionDrift {
  version: number | null;
  /** Mean share of drifted features over the recent reports (null when none is recent). */
  datasetShare: number | null;
  /** Dataset drift when `datasetShare` reaches this. */
  datasetThreshold: number;
  datasetDrifted: boolean;
  features: FeatureDriftRow[];
  prediction: FeatureDriftRow[];
}

/** Reports needed in the recent buckets before anything alerts (three devices, three windows: 9). */
export const DEFAULT_MIN_REPORTS = 6;

/** What the view shows and whether it alerts. */
export interface DriftAssessment {
  /** Versions with at least one recent report, oldest first. */
  versions: VersionDrift[];
  /** The versions that alert, with their drifted features; empty when nothing alerts. */
  alerts: Array<{ version: number | null; features: string[]; datasetShare: number | null }>;
  /** Start of the recent span, epoch ms. */
  recentFrom: number;
}

/** Options of `assessDrift`. */
export interface AssessDriftOptions {
  /** Only buckets that end after `to − recentMs` count (default: 3 buckets). Versions no device reports for any more drop out. */
  recentMs?: number;
  /**
   * A feature counts as drifted when at least this share of the recent reports flagged it
   * (default 0.5: most of the fleet's reports agree, so one device's false positive at p < 0.05 does
   * not page anyone).
   */
  alertShare?: number;
  /** Fewest reports in the recent buckets before a feature (or the dataset share) may alert. Default 6. */
  minReports?: number;
  /** Thresholds per version (a version's stored `metrics.driftThresholds`), else the defaults. */
  thresholds?: (version: number | null) => DriftThresholdSettings | undefined;
}

type Weighted = { sum: number; weight: number };

function weightedMean(parts: Weighted): number | null {
  return parts.weight > 0 ? parts.sum / parts.weight : null;
}

function assessSeries(
  version: number | null,
  series: DriftSeries,
  from: number,
  bucketMs: number,
  settings: DriftThresholdSettings,
  alertShare: number,
  minReports: number,
): FeatureDriftRow | null {
  const statistic: Weighted = { sum: 0, weight: 0 };
  const flagged: Weighted = { sum: 0, weight: 0 };
  for (const bucket of series.buckets) {
    if (bucket.t + bucketMs <= from || bucket.n <= 0) continue;
    statistic.sum += bucket.mean * bucket.n;
    statistic.weight += bucket.n;
    if (bucket.driftedShare !== null) {
      flagged.sum += bucket.driftedShare * bucket.n;
      flagged.weight += bucket.n;
    }
  }
  if (statistic.weight === 0) return null;
  const threshold = driftThreshold(series.test, settings);
  const mean = weightedMean(statistic);
  const share = weightedMean(flagged);
  // The device's own flag decides when it sent one (it knows the p-value the collector never sees);
  // PSI and distance series without a flag compare the statistic with the threshold.
  // Too few reports say little: one device's one window flags some feature by chance (a KS test
  // at p < 0.05 on 100 rows, over several features) and must not page anyone.
  const drifted =
    statistic.weight >= minReports &&
    (share !== null
      ? share >= alertShare
      : threshold.kind !== 'p-value' && mean !== null && mean >= threshold.value);
  return {
    version,
    feature: series.feature,
    test: series.test,
    statistic: mean,
    threshold,
    driftedShare: share,
    reports: statistic.weight,
    drifted,
  };
}

function assessVersion(
  version: DriftVersion,
  from: number,
  bucketMs: number,
  settings: DriftThresholdSettings,
  alertShare: number,
  minReports: number,
): VersionDrift | null {
  const rows = (list: DriftSeries[]): FeatureDriftRow[] =>
    list
      .map((s) => assessSeries(version.version, s, from, bucketMs, settings, alertShare, minReports))
      .filter((r): r is FeatureDriftRow => r !== null);
  const features = rows(version.features);
  const prediction = rows(version.prediction);
  const share: Weighted = { sum: 0, weight: 0 };
  for (const bucket of version.datasetDrift) {
    if (bucket.t + bucketMs <= from || bucket.n <= 0) continue;
    share.sum += bucket.mean * bucket.n;
    share.weight += bucket.n;
  }
  const datasetShare = weightedMean(share);
  if (features.length === 0 && prediction.length === 0 && datasetShare === null) return null;
  const limit = settings.datasetShare ?? DEFAULT_DRIFT_THRESHOLDS.datasetShare;
  return {
    version: version.version,
    datasetShare,
    datasetThreshold: limit,
    datasetDrifted: datasetShare !== null && share.weight >= minReports && datasetShare >= limit,
    features,
    prediction,
  };
}

/**
 * Assesses the collector's drift answer over its most recent buckets: the rows of the drift table
 * and the alerts. A version alerts when one of its features drifted on its primary test (KS,
 * chi-squared, Wasserstein or Jensen–Shannon; PSI is shown but does not page) or when its dataset
 * drift share reaches the threshold.
 *
 * @example
 * const { alerts } = assessDrift(await api.drift('iris', { window: '10m', bucket: '10s' }));
 * if (alerts.length > 0) showAlert(alerts);
 */
export function assessDrift(drift: DriftResponse, options: AssessDriftOptions = {}): DriftAssessment {
  const recentMs = options.recentMs ?? drift.bucketMs * 3;
  const alertShare = options.alertShare ?? 0.5;
  const minReports = options.minReports ?? DEFAULT_MIN_REPORTS;
  const from = drift.to - recentMs;
  const versions: VersionDrift[] = [];
  for (const version of drift.versions) {
    const settings = options.thresholds?.(version.version) ?? {};
    const assessed = assessVersion(version, from, drift.bucketMs, settings, alertShare, minReports);
    if (assessed) versions.push(assessed);
  }
  const alerts = versions
    .map((v) => ({
      version: v.version,
      features: v.features.filter((f) => f.drifted && f.test !== 'psi').map((f) => f.feature),
      datasetShare: v.datasetShare,
      datasetDrifted: v.datasetDrifted,
    }))
    .filter((v) => v.features.length > 0 || v.datasetDrifted)
    .map(({ datasetDrifted: _d, ...v }) => ({ ...v, features: [...new Set(v.features)] }));
  return { versions, alerts, recentFrom: from };
}
