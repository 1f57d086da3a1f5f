/**
 * A seeded pseudo-random generator that gives the same sequence on every machine and JS engine:
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, as in PractRand) seeded through
 * splitmix32. Only 32-bit integer operations, so no engine's floating-point library can change it.
 */
export interface Rng {
  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** A uniform float in [0, 1) with 32 bits of randomness. */
  next(): number;
  /** A uniform integer in [0, bound), unbiased (rejection sampling). */
  nextInt(bound: number): number;
  /**
   * An approximately standard normal value: the Irwin–Hall sum of 12 uniforms minus 6 (only
   * additions, so identical everywhere; tails stop at ±6).
   */
  normal(): number;
  /** Shuffles in place (Fisher–Yates from the end; `shuffleInPlace` runs this). */
  shuffle<T extends { length: number; [i: number]: number }>(values: T): T;
}

/**
 * Creates a generator from a seed (any number; its low 32 bits and the integer part above them are mixed in).
 *
 * @example
 * const rng = createRng(42);
 * rng.nextInt(10); // the same on every machine for seed 42
 */
export function createRng(seed: number): Rng {
  let state = (Math.trunc(seed) ^ Math.trunc(seed / 4294967296)) >>> 0;
  const splitmix = (): number => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = 1;
  const nextUint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // Discard the first outputs, as the reference implementation does, to mix the seed in.
  for (let i = 0; i < 12; i++) nextUint32();
  return {
    nextUint32,
    next: () => nextUint32() / 4294967296,
    nextInt(bound: number): number {
      if (!Number.isInteger(bound) || bound < 1 || bound > 4294967296) {
        throw new RangeError(`nextInt bound must be a whole number from 1 to 2^32, got ${bound}.`);
      }
      // Reject the top partial range so every value is equally likely.
      const limit = 4294967296 - (4294967296 % bound);
      let x = nextUint32();
      while (x >= limit) x = nextUint32();
      return x % bound;
    },
    normal(): number {
      let sum = 0;
      for (let i = 0; i < 12; i++) sum += nextUint32() / 4294967296;
      return sum - 6;
    },
    shuffle<T extends { length: number; [i: number]: number }>(values: T): T {
      // Fisher–Yates with the generator inlined and the index drawn by multiply-shift,
      // floor(x · (i + 1) / 2^32): no division, and exact IEEE arithmetic (x · (i + 1) is exact below
      // 2^53, correctly rounded above), so the same everywhere. Its bias, under (i + 1) / 2^32, is
      // far below anything a split can show.
      for (let i = values.length - 1; i > 0; i--) {
        const t = (((a + b) | 0) + d) | 0;
        d = (d + 1) | 0;
        a = b ^ (b >>> 9);
        b = (c + (c << 3)) | 0;
        c = (c << 21) | (c >>> 11);
        c = (c + t) | 0;
        const j = Math.floor(((t >>> 0) * (i + 1)) / 4294967296);
        const tmp = values[i] as number;
        values[i] = values[j] as number;
        values[j] = tmp;
      }
      return values;
    },
  };
}

/** Shuffles `values` in place (Fisher–Yates) with `rng`; returns it. */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(values: T, rng: Rng): T {
  return rng.shuffle(values);
}
