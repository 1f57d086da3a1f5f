// The rows a simulated client predicts on: drawn from a pool of dataset rows and, for a drifted client,
// shifted feature by feature (mean shift in standard deviations, scale around the mean, a category
// mix, blanked values). Pure functions of the pool and a random source, so a test can check them.
import { EdgeflowError } from 'edgeflow/errors';
import type { DriftSetting, FeatureDrift, FeatureDrifts } from './types.ts';

type Row = Readonly<Record<string, unknown>>;

/** Mean and standard deviation of a numeric feature in the pool (null when it has no number). */
export interface NumericStats {
  readonly mean: number;
  readonly sd: number;
}

/** Per numeric feature of the pool: mean and (population) standard deviation over present values. */
export function poolStats(rows: readonly Row[]): Map<string, NumericStats> {
  const sums = new Map<string, { n: number; sum: number; sumSq: number }>();
  for (const row of rows) {
    for (const [name, value] of Object.entries(row)) {
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      const s = sums.get(name) ?? { n: 0, sum: 0, sumSq: 0 };
      s.n++;
      s.sum += value;
      s.sumSq += value * value;
      sums.set(name, s);
    }
  }
  const stats = new Map<string, NumericStats>();
  for (const [name, s] of sums) {
    const mean = s.sum / s.n;
    stats.set(name, { mean, sd: Math.sqrt(Math.max(0, s.sumSq / s.n - mean * mean)) });
  }
  return stats;
}

/** A feature of the row pool, as the drift control offers it. */
export interface PoolFeature {
  readonly name: string;
  readonly kind: 'numeric' | 'categorical';
  /** Categorical: the categories seen in the pool, sorted. */
  readonly categories: readonly string[];
}

/** The features of the pool: numeric (any number seen) or categorical (strings only), in column order. */
export function poolFeatures(rows: readonly Row[]): PoolFeature[] {
  const order: string[] = [];
  const numeric = new Set<string>();
  const categories = new Map<string, Set<string>>();
  for (const row of rows) {
    for (const [name, value] of Object.entries(row)) {
      if (!categories.has(name)) {
        categories.set(name, new Set());
        order.push(name);
      }
      if (typeof value === 'number') numeric.add(name);
      else if (typeof value === 'string') categories.get(name)?.add(value);
    }
  }
  return order.map((name) =>
    numeric.has(name)
      ? { name, kind: 'numeric' as const, categories: [] }
      : { name, kind: 'categorical' as const, categories: [...(categories.get(name) ?? [])].sort() },
  );
}

function invalid(field: string, value: unknown, rule: string): EdgeflowError {
  return new EdgeflowError('INVALID_ARGUMENT', `Drift ${field} is ${JSON.stringify(value)}; ${rule}.`, {
    details: { field, value },
  });
}

function checkFeature(name: string, drift: FeatureDrift): void {
  const at = (key: string) => `features.${name}.${key}`;
  if (drift.meanShift !== undefined && !Number.isFinite(drift.meanShift))
    throw invalid(at('meanShift'), drift.meanShift, 'use a finite number of standard deviations');
  if (drift.scale !== undefined && !(Number.isFinite(drift.scale) && drift.scale >= 0))
    throw invalid(at('scale'), drift.scale, 'use a number ≥ 0 (1 leaves the spread as it is)');
  if (drift.missingRate !== undefined && !(drift.missingRate >= 0 && drift.missingRate <= 1))
    throw invalid(at('missingRate'), drift.missingRate, 'use a share from 0 to 1');
  if (drift.categoryMix !== undefined) {
    let total = 0;
    for (const [category, p] of Object.entries(drift.categoryMix)) {
      if (!(p >= 0 && p <= 1))
        throw invalid(at(`categoryMix.${category}`), p, 'use a probability from 0 to 1');
      total += p;
    }
    if (total > 1 + 1e-9)
      throw invalid(at('categoryMix'), drift.categoryMix, 'the probabilities must sum to at most 1');
  }
}

/**
 * Checks a drift setting before it reaches the clients.
 *
 * @throws {EdgeflowError} `INVALID_ARGUMENT` naming the field and the allowed range.
 */
export function checkDriftSetting(setting: DriftSetting): void {
  if (!(setting.share >= 0 && setting.share <= 1))
    throw invalid('share', setting.share, 'use the share of clients from 0 to 1 (0–100 % in the page)');
  for (const [name, drift] of Object.entries(setting.features)) checkFeature(name, drift);
}

/** How many of `count` clients a share drifts (the first ones): ⌈share × count⌉, exactly 0 for 0. */
export function driftedClientCount(share: number, count: number): number {
  return Math.max(0, Math.min(count, Math.ceil(share * count - 1e-9)));
}

function drawCategory(mix: Readonly<Record<string, number>>, u: number): string | null {
  let acc = 0;
  for (const [category, p] of Object.entries(mix)) {
    acc += p;
    if (u < acc) return category;
  }
  return null;
}

/**
 * One row with the drift applied (a new object; features without a setting are kept as they are).
 * `random` is a uniform source in [0, 1).
 */
export function driftRow(
  row: Row,
  drifts: FeatureDrifts,
  stats: ReadonlyMap<string, NumericStats>,
  random: () => number,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...row };
  for (const [name, drift] of Object.entries(drifts)) {
    if (!(name in out)) continue;
    let value = out[name];
    if (typeof value === 'number' && Number.isFinite(value)) {
      const s = stats.get(name) ?? { mean: 0, sd: 1 };
      // A constant feature has no spread to measure a shift in: fall back to its own magnitude.
      const unit = s.sd > 0 ? s.sd : Math.abs(s.mean) || 1;
      value = s.mean + (value - s.mean) * (drift.scale ?? 1) + (drift.meanShift ?? 0) * unit;
    } else if (drift.categoryMix !== undefined && (typeof value === 'string' || value === null)) {
      value = drawCategory(drift.categoryMix, random()) ?? value;
    }
    if (drift.missingRate !== undefined && drift.missingRate > 0 && random() < drift.missingRate)
      value = null;
    out[name] = value;
  }
  return out;
}

/** Draws `count` rows from the pool (with replacement), drifted when `drifts` is given. */
export function drawRows(
  pool: readonly Row[],
  count: number,
  drifts: FeatureDrifts | null,
  stats: ReadonlyMap<string, NumericStats>,
  random: () => number,
): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  if (pool.length === 0) return rows;
  for (let i = 0; i < count; i++) {
    const row = pool[Math.floor(random() * pool.length)] ?? {};
    rows.push(drifts === null ? { ...row } : driftRow(row, drifts, stats, random));
  }
  return rows;
}
