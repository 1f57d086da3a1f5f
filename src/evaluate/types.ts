/** Inputs of `computeClassificationMetrics`: what a classifier produced for a held-out split. */
export interface ClassificationInput {
  /** True class index of each row, an integer in `0 … classNames.length - 1`. */
  readonly yTrue: ArrayLike<number>;
  /** Row-major `n × k` predicted probabilities (softmax output); each row sums to 1. */
  readonly probabilities: Float32Array;
  /** The `k` class names, in the order of the probability columns. */
  readonly classNames: readonly string[];
}

/** Tuning knobs of `computeClassificationMetrics`; the defaults are the documented ones. */
export interface ClassificationOptions {
  /** Log loss clips probabilities to `[eps, 1 - eps]`; default `LOG_LOSS_EPS` (float32 machine epsilon). */
  readonly logLossEps?: number;
  /** Number of equal-width confidence bins of the expected calibration error; default 10. */
  readonly calibrationBins?: number;
}

/** A classification input after validation: labels as integers and the argmax prediction per row. */
export interface CheckedClassificationInput {
  /** Number of rows. */
  readonly n: number;
  /** Number of classes. */
  readonly k: number;
  readonly labels: Int32Array;
  /** Argmax of each probability row (the first column on ties, as `numpy.argmax`). */
  readonly predicted: Int32Array;
  readonly probabilities: Float32Array;
  readonly classNames: readonly string[];
}

/** The value the gate reads for one metric: a finite number, or `null` when absent or undefined. */
export type MetricValue = number | null;
