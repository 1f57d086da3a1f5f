// Issue 14: staged rollout buckets are deterministic, and raising the percentage only adds devices.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { isInRollout, rolloutBucket, sha256Hex } from '../../../src/release/index.ts';

const installIds = Array.from({ length: 1000 }, (_, i) => `install-${i.toString(36)}-${(i * 7919) % 1009}`);

async function inRollout(percent: number, release = 5): Promise<Set<string>> {
  const flags = await Promise.all(installIds.map((id) => isInRollout(id, 'penguins', release, percent)));
  return new Set(installIds.filter((_, i) => flags[i]));
}

test('the bucket is SHA-256(installId\\nmodel\\nrelease), first 4 bytes big-endian, mod 10000, / 100', async () => {
  const hex = await sha256Hex('abc\npenguins\n5');
  const expected = (Number.parseInt(hex.slice(0, 8), 16) % 10_000) / 100;
  expect(await rolloutBucket('abc', 'penguins', 5)).toBe(expected);
});

test('1,000 install ids: about 100 at 10 %, about 200 at 20 %, and every one at 10 % stays in at 20 %', async () => {
  const at10 = await inRollout(10);
  const at20 = await inRollout(20);
  // Binomial(1000, 0.1): sd ≈ 9.5, so ±40 is over four sd; the ids are fixed, so this never flakes.
  expect(at10.size).toBeGreaterThanOrEqual(60);
  expect(at10.size).toBeLessThanOrEqual(140);
  expect(at20.size).toBeGreaterThanOrEqual(150);
  expect(at20.size).toBeLessThanOrEqual(250);
  expect([...at10].filter((id) => !at20.has(id))).toEqual([]);
  expect((await inRollout(0)).size).toBe(0);
  expect((await inRollout(100)).size).toBe(1000);
  // Another release reshuffles who goes first (same share, different devices).
  const nextRelease = await inRollout(10, 6);
  expect([...nextRelease].filter((id) => at10.has(id)).length).toBeLessThan(at10.size);
});

test('property: buckets lie in [0, 100) on a 0.01 grid and membership is monotone in the percentage', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.string(),
      fc.integer({ min: 1, max: 10_000 }),
      fc.integer({ min: 0, max: 100 }),
      fc.integer({ min: 0, max: 100 }),
      async (id, release, p, q) => {
        const bucket = await rolloutBucket(id, 'm', release);
        expect(bucket).toBeGreaterThanOrEqual(0);
        expect(bucket).toBeLessThan(100);
        expect(Math.round(bucket * 100)).toBeCloseTo(bucket * 100, 6);
        const [low, high] = p <= q ? [p, q] : [q, p];
        // Monotone: in at the lower percentage implies in at the higher one.
        const inLow = await isInRollout(id, 'm', release, low);
        const inHigh = await isInRollout(id, 'm', release, high);
        expect(!inLow || inHigh).toBe(true);
      },
    ),
    { numRuns: 200 },
  );
});
