// The live side of drift: per feature, what one window of rows looked like, kept as the same kind of
// aggregates the reference profile holds. Numeric values go into the profile's own float sketch
// (src/data/float-sketch.ts, identical buckets, so window and reference compare bucket by bucket);
// categories into counts. Raw values live here only until they are folded in; nothing here is exported.
import { bucketKey, FloatSketchBuilder, MANTISSA_BITS } from '../data/float-sketch.ts';
import type { FloatSketch } from '../schemas/dataset.ts';

/** How a window feature is counted. */
export interface WindowFeatureSpec {
  readonly name: string;
  readonly kind: 'numeric' | 'categorical';
  /** Numeric values are float32 (folded by their bits, the fast path) rather than float64. */
  readonly float32: boolean;
}

/** A closed window's numbers for one feature. */
export type WindowFeature =
  | {
      readonly name: string;
      readonly kind: 'numeric';
      readonly sketch: FloatSketch;
      readonly count: number;
      readonly missing: number;
    }
  | {
      readonly name: string;
      readonly kind: 'categorical';
      readonly counts: ReadonlyMap<string, number>;
      readonly count: number;
      readonly missing: number;
    };

/** A closed window: rows, time span, and every feature's aggregates (and the prediction's). */
export interface WindowSnapshot {
  readonly rows: number;
  readonly start: number;
  readonly end: number;
  readonly features: readonly WindowFeature[];
  readonly prediction: WindowFeature | null;
}

/** Float32 bucket key: sign, 8 exponent bits and the top `MANTISSA_BITS` of the mantissa. */
const KEY32_SHIFT = 23 - MANTISSA_BITS;
const scratch = new Float32Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

class NumericAccumulator {
  readonly spec: WindowFeatureSpec;
  count = 0;
  missing = 0;
  /** Float64 values (dates): the profile's own builder. */
  #builder: FloatSketchBuilder | null = null;
  /**
   * Float32 values: counts per float32 bucket key (the layout `FloatSketchBuilder.addFloat32Bits`
   * uses) plus the keys touched, so a snapshot and a reset cost O(buckets used), not O(65 536).
   */
  #counts: Uint32Array | null = null;
  #touched: number[] = [];

  constructor(spec: WindowFeatureSpec) {
    this.spec = spec;
  }

  #bucketCounts(): Uint32Array {
    this.#counts ??= new Uint32Array(1 << (32 - KEY32_SHIFT));
    return this.#counts;
  }

  add(value: number): void {
    this.count++;
    if (!this.spec.float32) {
      this.#builder ??= new FloatSketchBuilder();
      this.#builder.add(value);
      return;
    }
    const counts = this.#bucketCounts();
    scratch[0] = value;
    const key = (scratchBits[0] as number) >>> KEY32_SHIFT;
    if ((counts[key] as number) === 0) this.#touched.push(key);
    counts[key] = (counts[key] as number) + 1;
  }

  /** Folds a whole float32 column (skipping rows marked in `missing`). */
  addColumn(values: Float32Array, missing: Uint8Array | null): void {
    const counts = this.#bucketCounts();
    const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
    const touched = this.#touched;
    let present = 0;
    for (let i = 0; i < bits.length; i++) {
      if (missing !== null && missing[i] === 1) continue;
      const key = (bits[i] as number) >>> KEY32_SHIFT;
      if ((counts[key] as number) === 0) touched.push(key);
      counts[key] = (counts[key] as number) + 1;
      present++;
    }
    this.count += present;
    this.missing += values.length - present;
  }

  /** The sketch: exactly what `FloatSketchBuilder` builds from the same values. */
  sketch(): FloatSketch {
    if (this.#builder !== null) return this.#builder.build();
    const counts = this.#counts;
    if (counts === null) return { mantissaBits: MANTISSA_BITS, keys: [], counts: [] };
    // Value order of float32 keys without a comparator: negative keys reversed below the positive
    // ones (−0 just before +0), as integers a typed-array sort orders natively.
    const sign = 1 << (8 + MANTISSA_BITS);
    const magnitude = sign - 1;
    const order = Int32Array.from(this.#touched, (k) => (k & sign ? magnitude - (k & magnitude) : sign + k));
    order.sort();
    const keys: number[] = [];
    const merged: number[] = [];
    for (let i = 0; i < order.length; i++) {
      const o = order[i] as number;
      const key32 = o >= sign ? o - sign : sign | (magnitude - o);
      // The float64 bucket of the float32 bucket's lowest value; float32 subnormals count as zero
      // (as in FloatSketchBuilder), so they share one bucket per sign and merge here.
      const exponent = (key32 >>> MANTISSA_BITS) & 0xff;
      scratchBits[0] = (exponent === 0 ? key32 & sign : key32) << KEY32_SHIFT;
      const key = bucketKey(scratch[0] as number);
      const count = counts[key32] as number;
      if (keys.length > 0 && keys[keys.length - 1] === key) {
        merged[merged.length - 1] = (merged[merged.length - 1] as number) + count;
      } else {
        keys.push(key);
        merged.push(count);
      }
    }
    return { mantissaBits: MANTISSA_BITS, keys, counts: merged };
  }

  reset(): void {
    const counts = this.#counts;
    if (counts !== null) for (const key of this.#touched) counts[key] = 0;
    this.#touched = [];
    this.#builder = null;
    this.count = 0;
    this.missing = 0;
  }

  snapshot(): WindowFeature {
    return {
      name: this.spec.name,
      kind: 'numeric',
      sketch: this.sketch(),
      count: this.count,
      missing: this.missing,
    };
  }
}

/** Category slots kept from one window to the next beyond the preset ones. */
const MAX_KEPT_SLOTS = 1024;

class CategoricalAccumulator {
  readonly spec: WindowFeatureSpec;
  /**
   * Category → slot in `#counts`: one hash lookup per value (a Map of counts needs a get and a set).
   * Slots survive `reset` (the categories of the next window are mostly the same).
   */
  readonly #slots = new Map<string, number>();
  readonly #names: string[] = [];
  #counts: number[] = [];
  #preset: readonly string[] = [];
  count = 0;
  missing = 0;

  constructor(spec: WindowFeatureSpec) {
    this.spec = spec;
  }

  add(category: string): void {
    this.count++;
    let slot = this.#slots.get(category);
    if (slot === undefined) {
      slot = this.#names.length;
      this.#slots.set(category, slot);
      this.#names.push(category);
      this.#counts.push(0);
    }
    this.#counts[slot] = (this.#counts[slot] as number) + 1;
  }

  /** Counts a category by its slot, given in `preset` order (a classifier's class index). */
  addSlot(slot: number): void {
    this.count++;
    this.#counts[slot] = (this.#counts[slot] as number) + 1;
  }

  /** Gives `categories` the slots 0, 1, … in order (before any value is counted). */
  preset(categories: readonly string[]): void {
    this.#preset = [...categories];
    for (const category of categories) {
      if (this.#slots.has(category)) continue;
      this.#slots.set(category, this.#names.length);
      this.#names.push(category);
      this.#counts.push(0);
    }
  }

  reset(): void {
    if (this.#names.length > this.#preset.length + MAX_KEPT_SLOTS) {
      // Many distinct values (an identifier-like column): start over rather than keep them all.
      this.#slots.clear();
      this.#names.length = 0;
      this.#counts = [];
      this.preset(this.#preset);
    } else this.#counts = this.#counts.map(() => 0);
    this.count = 0;
    this.missing = 0;
  }

  snapshot(): WindowFeature {
    const counts = new Map<string, number>();
    this.#names.forEach((name, slot) => {
      const c = this.#counts[slot] as number;
      if (c > 0) counts.set(name, c);
    });
    return { name: this.spec.name, kind: 'categorical', counts, count: this.count, missing: this.missing };
  }
}

type Accumulator = NumericAccumulator | CategoricalAccumulator;

function accumulatorOf(spec: WindowFeatureSpec): Accumulator {
  return spec.kind === 'numeric' ? new NumericAccumulator(spec) : new CategoricalAccumulator(spec);
}

/**
 * One open window. `observe*` per value (the Predictor) or per column (`observeColumn`, the fast path
 * for typed arrays); `snapshot()` closes nothing, it reads the aggregates so far.
 */
export class DriftWindow {
  readonly #features: Accumulator[];
  readonly #prediction: Accumulator | null;
  rows = 0;
  start: number | null = null;
  end: number | null = null;

  constructor(features: readonly WindowFeatureSpec[], prediction: WindowFeatureSpec | null) {
    this.#features = features.map(accumulatorOf);
    this.#prediction = prediction ? accumulatorOf(prediction) : null;
  }

  /** Marks `rows` rows observed at time `now` (epoch ms). */
  addRows(rows: number, now: number): void {
    this.rows += rows;
    this.start ??= now;
    this.end = now;
  }

  /** Counts a present value of numeric feature `feature` (index into the specs). */
  observeNumber(feature: number, value: number): void {
    (this.#features[feature] as NumericAccumulator).add(value);
  }

  /** Counts a present category of categorical feature `feature`. */
  observeCategory(feature: number, category: string): void {
    (this.#features[feature] as CategoricalAccumulator).add(category);
  }

  /** Counts a missing value of feature `feature`. */
  observeMissing(feature: number): void {
    (this.#features[feature] as Accumulator).missing++;
  }

  /** Counts `count` missing values of feature `feature` at once. */
  observeMissingCount(feature: number, count: number): void {
    (this.#features[feature] as Accumulator).missing += count;
  }

  /** Folds a float32 column of `feature` at once (NaN-free; rows with `missing[i] === 1` count as missing). */
  observeColumn(feature: number, values: Float32Array, missing: Uint8Array | null = null): void {
    (this.#features[feature] as NumericAccumulator).addColumn(values, missing);
  }

  /** Numbers the prediction's classes in output order, so `observePredictedClass` counts by index. */
  presetClasses(classes: readonly string[]): void {
    if (this.#prediction instanceof CategoricalAccumulator) this.#prediction.preset(classes);
  }

  /** Counts one predicted class by its index in `presetClasses`. */
  observePredictedClass(index: number): void {
    if (this.#prediction instanceof CategoricalAccumulator) this.#prediction.addSlot(index);
  }

  /** Counts one prediction: a class label, or a regression output. */
  observePrediction(value: number | string): void {
    const p = this.#prediction;
    if (p === null) return;
    if (p instanceof NumericAccumulator) p.add(value as number);
    else p.add(String(value));
  }

  /** Empties the window for the next one, keeping its buffers (no reallocation per window). */
  reset(): void {
    for (const feature of this.#features) feature.reset();
    this.#prediction?.reset();
    this.rows = 0;
    this.start = null;
    this.end = null;
  }

  /** The window's aggregates so far (the window stays open). */
  snapshot(): WindowSnapshot {
    return {
      rows: this.rows,
      start: this.start ?? 0,
      end: this.end ?? 0,
      features: this.#features.map((f) => f.snapshot()),
      prediction: this.#prediction && this.#prediction.count > 0 ? this.#prediction.snapshot() : null,
    };
  }
}
