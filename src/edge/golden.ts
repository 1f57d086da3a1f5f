// Golden input/output pairs: computed with the Predictor at publish time, re-run on the device before
// a release is activated (catches a broken kernel, a bad conversion or a wrong pipeline).
import { EdgeflowError } from '../errors.ts';
import type { GoldenPair } from '../release/index.ts';

/** A prediction as the monitor's Predictor returns it. */
export type GoldenPrediction = { label: string; probabilities: Record<string, number> } | { value: number };

/** The part of a Predictor the golden check needs. */
export interface GoldenPredictor {
  predict(
    rows: readonly Readonly<Record<string, unknown>>[],
  ): Promise<
    readonly (
      | { ok: true; prediction: GoldenPrediction }
      | { ok: false; error: { code: string; field: string; message: string } }
    )[]
  >;
}

/**
 * Runs the predictor on sample rows and keeps the pairs it predicted (refused rows are skipped), to
 * ship in the manifest.
 */
export async function computeGoldenPairs(
  predictor: GoldenPredictor,
  rows: readonly Readonly<Record<string, unknown>>[],
): Promise<GoldenPair[]> {
  const results = await predictor.predict(rows);
  const pairs: GoldenPair[] = [];
  results.forEach((result, i) => {
    if (result.ok)
      pairs.push(JSON.parse(JSON.stringify({ input: rows[i], output: result.prediction })) as GoldenPair);
  });
  return pairs;
}

function differs(expected: unknown, actual: GoldenPrediction, tolerance: number): string | null {
  const want = expected as Partial<{ label: string; probabilities: Record<string, number>; value: number }>;
  if (typeof want.value === 'number') {
    if (!('value' in actual)) return 'expected a value, got a class';
    const gap = Math.abs(actual.value - want.value);
    return gap <= tolerance
      ? null
      : `value ${actual.value} vs ${want.value} (|Δ| ${gap.toExponential(2)} > ${tolerance})`;
  }
  if (!('label' in actual)) return 'expected a class, got a value';
  if (actual.label !== want.label) return `label "${actual.label}" vs "${String(want.label)}"`;
  for (const [name, p] of Object.entries(want.probabilities ?? {})) {
    const got = actual.probabilities[name];
    if (got === undefined) return `no probability for class "${name}"`;
    if (Math.abs(got - p) > tolerance)
      return `p(${name}) ${got} vs ${p} (|Δ| ${Math.abs(got - p).toExponential(2)} > ${tolerance})`;
  }
  return null;
}

/**
 * Re-runs golden pairs on this device and compares within the tolerance.
 *
 * @throws {EdgeflowError} `GOLDEN_CHECK_FAILED` naming the first pair that differs and how.
 */
export async function checkGoldenPairs(
  predictor: GoldenPredictor,
  golden: readonly GoldenPair[],
  tolerance: number,
): Promise<void> {
  if (golden.length === 0) return;
  const results = await predictor.predict(golden.map((g) => g.input));
  golden.forEach((pair, i) => {
    const result = results[i];
    const problem =
      result === undefined
        ? 'no result'
        : result.ok
          ? differs(pair.output, result.prediction, tolerance)
          : `refused: ${result.error.code} (${result.error.message})`;
    if (problem !== null) {
      throw new EdgeflowError(
        'GOLDEN_CHECK_FAILED',
        `Golden pair ${i} does not reproduce on this device: ${problem}. The release is not activated.`,
        {
          details: { pair: i, problem },
        },
      );
    }
  });
}
