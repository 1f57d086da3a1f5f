// Order statistics and summaries the pipeline fits from: mean, the values present, quantiles by
// selection (O(n), no sort), the most frequent number, and the text order categories are kept in.

/** The arithmetic mean of `values` (NaN when empty). */
export function mean(values: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return sum / values.length;
}

/** The values that are not NaN (missing): `work` itself when none is missing (do not modify it), else a copy. */
export function presentValues(work: Float64Array): Float64Array {
  let count = 0;
  for (let k = 0; k < work.length; k++) if (!Number.isNaN(work[k])) count++;
  if (count === work.length) return work;
  const out = new Float64Array(count);
  let j = 0;
  for (let k = 0; k < work.length; k++) {
    const v = work[k] as number;
    if (!Number.isNaN(v)) out[j++] = v;
  }
  return out;
}

/**
 * The q-quantile with linear interpolation (numpy's default), by selection in O(n) rather than a
 * sort. Reorders `values`.
 */
export function selectQuantile(values: Float64Array, q: number): number {
  const position = (values.length - 1) * q;
  const lower = Math.floor(position);
  const a = selectKth(values, lower);
  if (position === lower) return a;
  // After selection every element past `lower` is ≥ a; the next order statistic is their minimum.
  let b = Number.POSITIVE_INFINITY;
  for (let i = lower + 1; i < values.length; i++) if ((values[i] as number) < b) b = values[i] as number;
  return a + (b - a) * (position - lower);
}

/** Hoare's selection: the k-th smallest value (0-based), leaving smaller values before it. */
export function selectKth(values: Float64Array, k: number): number {
  let left = 0;
  let right = values.length - 1;
  while (right > left) {
    // Median of three as pivot: steady on sorted and reversed input.
    const mid = (left + right) >>> 1;
    const x = values[left] as number;
    const y = values[mid] as number;
    const z = values[right] as number;
    const pivot = x < y ? (y < z ? y : Math.max(x, z)) : x < z ? x : Math.max(y, z);
    let i = left;
    let j = right;
    while (i <= j) {
      while ((values[i] as number) < pivot) i++;
      while ((values[j] as number) > pivot) j--;
      if (i <= j) {
        const tmp = values[i] as number;
        values[i] = values[j] as number;
        values[j] = tmp;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return values[k] as number;
}

/** The most frequent value; ties go to the smallest, so the result does not depend on row order. */
export function mostFrequentNumber(values: Float64Array): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = Number.NaN;
  let bestCount = 0;
  for (const [value, count] of counts) {
    if (count > bestCount || (count === bestCount && value < best)) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}

/** Code-unit order of two strings (`<`), the same on every machine and locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
