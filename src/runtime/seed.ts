// Seeded randomness for everything a training run draws at random: weight initialisation,
// shuffling and dropout masks. The numbers come from a small pure-JavaScript generator, never from
// a backend's random kernels, so the same seed gives the same bits on cpu, wasm and webgpu.
//
// The generator is SFC32 (the "small fast counting" generator from the PractRand suite, 128-bit
// state); its state is filled by SplitMix32 from the seed and a hashed stream label, so the
// streams a run uses ("init", "shuffle", "dropout") are unrelated sequences.

/** A deterministic stream of pseudo-random numbers. */
export interface Prng {
  /** The next 32-bit unsigned integer. */
  nextUint32(): number;
  /** The next float in [0, 1), 32 bits of randomness. */
  nextFloat(): number;
  /** The next integer in [0, bound), without modulo bias. `bound` must be in [1, 2^32]. */
  nextInt(bound: number): number;
}

/** Hashes a stream label to 32 bits (FNV-1a), so streams are named, not numbered. */
function hashLabel(label: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    hash ^= label.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** One SplitMix32 step: a well-mixed 32-bit value from a counter. */
function splitMix32(state: number): number {
  let z = (state + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * Derives the 32-bit seed of a named stream from a base seed: `deriveSeed(42, 'shuffle')` is
 * stable forever, and different labels give unrelated seeds.
 */
export function deriveSeed(seed: number, stream: string): number {
  return splitMix32((splitMix32(seed >>> 0) ^ hashLabel(stream)) >>> 0);
}

/**
 * Creates a seeded generator. The same `(seed, stream)` always yields the same sequence, in
 * every realm (page, worker, Node).
 *
 * @example
 * const rng = createPrng(42, 'shuffle');
 * const order = shuffledIndices(1000, rng);
 */
export function createPrng(seed: number, stream = ''): Prng {
  let counter = deriveSeed(seed, stream);
  const next = (): number => {
    counter = (counter + 0x9e3779b9) >>> 0;
    return splitMix32(counter);
  };
  let a = next();
  let b = next();
  let c = next();
  let d = next();
  const nextUint32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  // Warm the state up: the first outputs of a freshly filled SFC32 state are weakly mixed.
  for (let i = 0; i < 12; i++) nextUint32();
  return {
    nextUint32,
    nextFloat: () => nextUint32() / 4_294_967_296,
    nextInt(bound) {
      // Rejection sampling keeps every value in [0, bound) equally likely.
      const limit = 4_294_967_296 - (4_294_967_296 % bound);
      for (;;) {
        const value = nextUint32();
        if (value < limit) return value % bound;
      }
    },
  };
}

/** Shuffles `values` in place (Fisher–Yates) with `rng` and returns it. */
export function shuffleInPlace<T extends { length: number; [index: number]: number }>(
  values: T,
  rng: Prng,
): T {
  for (let i = values.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const held = values[i] as number;
    values[i] = values[j] as number;
    values[j] = held;
  }
  return values;
}

/** A random permutation of `0 … count-1`, as an `Int32Array` (ready for a tfjs `gather`). */
export function shuffledIndices(count: number, rng: Prng): Int32Array {
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  return shuffleInPlace(order, rng);
}

/** `count` floats drawn uniformly from [low, high). */
export function uniformFloats(count: number, low: number, high: number, rng: Prng): Float32Array {
  const out = new Float32Array(count);
  const span = high - low;
  for (let i = 0; i < count; i++) out[i] = low + span * rng.nextFloat();
  return out;
}

/**
 * Glorot (Xavier) uniform values for a kernel of `shape`: U(-l, l) with l = √(6 / (fanIn + fanOut)),
 * fans computed as Keras does (dense `[in, out]`; conv `[kh, kw, in, out]` scales both by kh·kw).
 */
export function glorotUniform(shape: readonly number[], rng: Prng): Float32Array {
  const count = shape.reduce((a, b) => a * b, 1);
  let fanIn: number;
  let fanOut: number;
  if (shape.length === 2) {
    fanIn = shape[0] ?? 1;
    fanOut = shape[1] ?? 1;
  } else if (shape.length > 2) {
    const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
    fanIn = (shape[shape.length - 2] ?? 1) * receptive;
    fanOut = (shape[shape.length - 1] ?? 1) * receptive;
  } else {
    fanIn = Math.sqrt(count);
    fanOut = Math.sqrt(count);
  }
  const limit = Math.sqrt(6 / Math.max(1, fanIn + fanOut));
  return uniformFloats(count, -limit, limit, rng);
}
