// Field accuracy on the device: remembers recent predictions by id so a later outcome (a correction,
// a label that arrives) joins its prediction, and keeps only aggregates of the joins: a confusion
// matrix, or absolute and squared errors. Without labels, a classifier's accuracy is estimated from
// its own probabilities (confidence-based performance estimation, CBPE as NannyML calls it): with
// calibrated probabilities, the chance a prediction is right is its top probability, so expected
// accuracy is their mean.
import { EdgeflowError } from '../errors.ts';
import type { AccuracySummary, OutcomeResult } from './types.ts';

/** Joins outcomes to predictions and keeps windowed accuracy aggregates. */
export class OutcomeTracker {
  readonly #task: 'classification' | 'regression';
  readonly #classes: readonly string[];
  readonly #classIndex: Map<string, number>;
  readonly #capacity: number;
  /**
   * The last `capacity` predictions in a ring indexed by sequence number (a prediction id carries
   * its number): O(1) and no allocation per prediction, where a Map of ids costs a hash insert and
   * delete per row. `#sequences[slot]` says which prediction a slot holds now (-1: none).
   */
  readonly #sequences: Float64Array;
  readonly #predicted: Float64Array;
  readonly #labelled: Uint8Array;
  #labelledCount = 0;
  #correct = 0;
  #confusion: number[][];
  #absError = 0;
  #squaredError = 0;
  #confidenceSum = 0;
  #predictions = 0;

  constructor(task: 'classification' | 'regression', classes: readonly string[], capacity: number) {
    this.#task = task;
    this.#classes = classes;
    this.#classIndex = new Map(classes.map((c, i) => [c, i]));
    this.#capacity = Math.max(0, Math.floor(capacity));
    this.#sequences = new Float64Array(this.#capacity).fill(-1);
    this.#predicted = new Float64Array(this.#capacity);
    this.#labelled = new Uint8Array(this.#capacity);
    this.#confusion = this.#emptyMatrix();
  }

  #emptyMatrix(): number[][] {
    return this.#classes.map(() => new Array<number>(this.#classes.length).fill(0));
  }

  /**
   * Remembers prediction number `sequence` (replacing the one `capacity` before it): its class index
   * (classification) or value (regression), and adds its top probability to the label-free estimate.
   */
  remember(sequence: number, predicted: number, confidence: number | null): void {
    this.#predictions++;
    if (confidence !== null) this.#confidenceSum += confidence;
    if (this.#capacity === 0) return;
    const slot = sequence % this.#capacity;
    this.#sequences[slot] = sequence;
    this.#predicted[slot] = predicted;
    this.#labelled[slot] = 0;
  }

  /**
   * Joins an outcome to a remembered prediction.
   *
   * @throws EdgeflowError `INVALID_ARGUMENT` for a regression outcome that is not a finite number.
   */
  record(id: string, sequence: number | null, actual: string | number): OutcomeResult {
    const value = typeof actual === 'number' ? actual : Number(actual);
    if (this.#task === 'regression' && !Number.isFinite(value)) {
      throw new EdgeflowError(
        'INVALID_ARGUMENT',
        `The outcome of a regression prediction must be a finite number; got "${String(actual).slice(0, 40)}".`,
        { details: { id } },
      );
    }
    if (sequence === null || this.#capacity === 0) return 'unknown-id';
    const slot = sequence % this.#capacity;
    if (this.#sequences[slot] !== sequence) return 'unknown-id';
    if (this.#labelled[slot] === 1) return 'duplicate';
    const predicted = this.#predicted[slot] as number;
    if (this.#task === 'regression') {
      const error = predicted - value;
      this.#absError += Math.abs(error);
      this.#squaredError += error * error;
    } else {
      const index = this.#classIndex.get(String(actual));
      if (index !== undefined && index === predicted) this.#correct++;
      if (index !== undefined && predicted >= 0) {
        const row = this.#confusion[index] as number[];
        row[predicted] = (row[predicted] as number) + 1;
      }
    }
    this.#labelled[slot] = 1;
    this.#labelledCount++;
    return 'recorded';
  }

  /** The window's figures. */
  summary(): AccuracySummary {
    const n = this.#labelledCount;
    const field: Record<string, number> = {};
    if (n > 0 && this.#task === 'regression') {
      field.mae = this.#absError / n;
      field.rmse = Math.sqrt(this.#squaredError / n);
    } else if (n > 0) {
      field.accuracy = this.#correct / n;
      field.f1 = macroF1(this.#confusion);
    }
    const classification = this.#task === 'classification';
    return {
      labelled: n,
      field,
      estimated: classification && this.#predictions > 0 ? this.#confidenceSum / this.#predictions : null,
      predictions: this.#predictions,
      confusion: classification
        ? { classes: [...this.#classes], matrix: this.#confusion.map((r) => [...r]) }
        : null,
    };
  }

  /** Starts a new window of aggregates (remembered predictions stay joinable). */
  resetWindow(): void {
    this.#labelledCount = 0;
    this.#correct = 0;
    this.#confusion = this.#emptyMatrix();
    this.#absError = 0;
    this.#squaredError = 0;
    this.#confidenceSum = 0;
    this.#predictions = 0;
  }
}

/** Macro-averaged F1 over the classes that occur as actual or predicted (sklearn's `f1_score(average='macro')` on those labels). */
export function macroF1(matrix: readonly (readonly number[])[]): number {
  const k = matrix.length;
  let total = 0;
  let classes = 0;
  for (let c = 0; c < k; c++) {
    const tp = matrix[c]?.[c] ?? 0;
    let actual = 0;
    let predicted = 0;
    for (let j = 0; j < k; j++) {
      actual += matrix[c]?.[j] ?? 0;
      predicted += matrix[j]?.[c] ?? 0;
    }
    if (actual === 0 && predicted === 0) continue;
    classes++;
    total += actual + predicted === 0 ? 0 : (2 * tp) / (actual + predicted);
  }
  return classes === 0 ? 0 : total / classes;
}
