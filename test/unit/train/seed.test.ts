import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createPrng, deriveSeed, glorotUniform, shuffledIndices } from '../../../src/runtime/seed.ts';

describe('seeded randomness', () => {
  test('the same seed and stream give the same sequence; other streams and seeds differ', () => {
    const draw = (seed: number, stream: string) => {
      const rng = createPrng(seed, stream);
      return Array.from({ length: 8 }, () => rng.nextUint32());
    };
    expect(draw(42, 'init')).toEqual(draw(42, 'init'));
    expect(draw(42, 'init')).not.toEqual(draw(42, 'shuffle'));
    expect(draw(42, 'init')).not.toEqual(draw(43, 'init'));
    expect(deriveSeed(42, 'init')).toBe(deriveSeed(42, 'init'));
  });

  test('floats lie in [0, 1) and their mean is near 1/2', () => {
    const rng = createPrng(7);
    let sum = 0;
    for (let i = 0; i < 20_000; i++) {
      const v = rng.nextFloat();
      expect(v >= 0 && v < 1).toBe(true);
      sum += v;
    }
    expect(Math.abs(sum / 20_000 - 0.5)).toBeLessThan(0.01);
  });

  test('nextInt stays in range and hits every value', () => {
    const rng = createPrng(1, 'int');
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const v = rng.nextInt(7);
      expect(Number.isInteger(v) && v >= 0 && v < 7).toBe(true);
      seen.add(v);
    }
    expect(seen.size).toBe(7);
  });

  test('shuffledIndices is a permutation, reproducible from the seed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        (count, seed) => {
          const order = shuffledIndices(count, createPrng(seed, 'shuffle'));
          expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
          expect(shuffledIndices(count, createPrng(seed, 'shuffle'))).toEqual(order);
        },
      ),
      { numRuns: 50 },
    );
  });

  test('glorotUniform respects the Keras fan limits', () => {
    const dense = glorotUniform([10, 20], createPrng(3));
    const limit = Math.sqrt(6 / 30);
    expect(dense.length).toBe(200);
    expect(dense.every((v) => Math.abs(v) <= limit)).toBe(true);
    expect(Math.max(...dense.map(Math.abs))).toBeGreaterThan(limit * 0.9);
    const conv = glorotUniform([3, 3, 2, 4], createPrng(3));
    const convLimit = Math.sqrt(6 / (9 * 2 + 9 * 4));
    expect(conv.every((v) => Math.abs(v) <= convLimit)).toBe(true);
  });
});
