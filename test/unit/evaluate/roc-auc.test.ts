import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binaryRocAuc } from '../../../src/evaluate/roc-auc.ts';

/** The definition, by brute force over all (positive, negative) pairs: a win 1, a tie ½. */
function pairwiseAuc(scores: readonly number[], positive: readonly boolean[]): number | null {
  let wins = 0;
  let pairs = 0;
  scores.forEach((sp, i) => {
    if (!positive[i]) return;
    scores.forEach((sn, j) => {
      if (positive[j]) return;
      pairs++;
      if (sp > sn) wins += 1;
      else if (sp === sn) wins += 0.5;
    });
  });
  return pairs === 0 ? null : wins / pairs;
}

describe('binaryRocAuc', () => {
  it('matches the scikit-learn documentation example', () => {
    // scores 0.1, 0.4, 0.35, 0.8, labels 0, 0, 1, 1: 0.35 beats 0.1 only (1), 0.8 beats both (2) → 3/4.
    expect(binaryRocAuc([0.1, 0.4, 0.35, 0.8], [false, false, true, true])).toBe(0.75);
  });

  it('counts a tie between a positive and a negative as one half (trapezoid)', () => {
    // pos 0.5, 0.9 vs neg 0.5, 0.1: 0.5 ties 0.5 (½) and beats 0.1 (1) → 1.5; 0.9 beats both → 2.
    // (1.5 + 2)/(2·2) = 0.875. Ranks: 0.1 → 1, 0.5 → 2.5, 0.5 → 2.5, 0.9 → 4; positives 2.5 + 4 = 6.5;
    // (6.5 − 2·3/2)/4 = 3.5/4 = 0.875.
    expect(binaryRocAuc([0.5, 0.9, 0.5, 0.1], [true, true, false, false])).toBe(0.875);
  });

  it('gives 0.5 when every score is tied', () => {
    // Every pair ties: ½ each.
    expect(binaryRocAuc([0.3, 0.3, 0.3, 0.3, 0.3], [true, false, true, false, false])).toBe(0.5);
  });

  it('gives 0 for a perfectly inverted ranking', () => {
    // Every positive scores below every negative.
    expect(binaryRocAuc([0.1, 0.2, 0.8, 0.9], [true, true, false, false])).toBe(0);
  });

  it('is undefined without positives or without negatives', () => {
    expect(binaryRocAuc([0.1, 0.2], [false, false])).toBeNull();
    expect(binaryRocAuc([0.1, 0.2], [true, true])).toBeNull();
    expect(binaryRocAuc([], [])).toBeNull();
  });

  const labelled = fc
    .array(fc.record({ score: fc.integer({ min: 0, max: 6 }).map((s) => s / 6), positive: fc.boolean() }), {
      minLength: 1,
      maxLength: 40,
    })
    .map((rows) => ({ scores: rows.map((r) => r.score), positive: rows.map((r) => r.positive) }));

  it('equals the pairwise definition, ties included (property)', () => {
    fc.assert(
      fc.property(labelled, ({ scores, positive }) => {
        const got = binaryRocAuc(scores, positive);
        const want = pairwiseAuc(scores, positive);
        if (want === null) expect(got).toBeNull();
        else expect(got).toBeCloseTo(want, 12);
      }),
    );
  });

  it('is 1 for any perfect ranking (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 2, maxLength: 40 }),
        fc.nat(),
        (scores, cut) => {
          const sorted = [...scores].sort((a, b) => a - b);
          const threshold = sorted[1 + (cut % (sorted.length - 1))] as number;
          // Positives are exactly the scores at or above a cut that leaves at least one negative.
          expect(
            binaryRocAuc(
              scores,
              scores.map((s) => s >= threshold),
            ),
          ).toBe(1);
        },
      ),
    );
  });

  it('flips to 1 − AUC when the scores are negated, and ignores row order (property)', () => {
    fc.assert(
      fc.property(labelled, fc.nat(), ({ scores, positive }, seed) => {
        const auc = binaryRocAuc(scores, positive);
        if (auc === null) return;
        expect(
          binaryRocAuc(
            scores.map((s) => -s),
            positive,
          ),
        ).toBeCloseTo(1 - auc, 12);
        const order = scores
          .map((_, i) => i)
          .sort((a, b) => ((a * 7919 + seed) % 101) - ((b * 7919 + seed) % 101));
        expect(
          binaryRocAuc(
            order.map((i) => scores[i] as number),
            order.map((i) => positive[i] as boolean),
          ),
        ).toBeCloseTo(auc, 12);
      }),
    );
  });
});
