// The training loop. It is a custom loop over `optimizer.minimize` rather than `model.fit` or
// `model.trainOnBatch`:
// - `trainOnBatch` awaits `data()` on the loss after every batch: one GPU readback per step, which
//   costs milliseconds each on WebGPU (ENVIRONMENT.md);
// - `model.fit` shuffles with `Math.random` (no seed), applies class weights only through its own
//   API, and offers no way to stop within a batch or to keep the last finite weights;
// - `minimize` is what `fit` runs per batch internally (tfjs-layers' `makeTrainFunction`), so the
//   maths is the same, while the loop decides when to read numbers back: at most once per
//   `progressIntervalMs` (asynchronously, overlapped with the next batches) and once per epoch
//   (every epoch's end is reported, whatever the interval).
import * as tf from '@tensorflow/tfjs';
import { EdgeflowError, isEdgeflowError } from '../errors.ts';
import { BACKEND_ORDER } from '../runtime/backend-order.ts';
import { missingKernels } from '../runtime/kernels.ts';
import { createPrng, shuffledIndices } from '../runtime/seed.ts';
import type { BackendName } from '../runtime/types.ts';
import type { ModelSpec, MonitorName } from '../schemas/model-spec.ts';
import { countClasses, resolveClassWeights } from './class-weights.ts';
import { EarlyStoppingTracker } from './early-stopping.ts';
import { jobProfileOf } from './job-profile.ts';
import { batchLoss, metricName, metricSum, perExampleLoss } from './losses.ts';
import { createOptimizer, disposeOptimizer, setLearningRate } from './optimizer.ts';
import { learningRateAt } from './schedule.ts';
import type {
  EpochRecord,
  TrainModelOptions,
  TrainProgress,
  TrainResult,
  TrainSplit,
  TrainTimings,
} from './types.ts';
import { disposeSnapshot, restoreWeights, snapshotWeights, type WeightSnapshot } from './weights.ts';
import { createEventLoopYielder } from './yield-to-event-loop.ts';

/** Default smallest gap between progress reports (and mid-epoch loss readbacks): 10 per second. */
export const DEFAULT_PROGRESS_INTERVAL_MS = 100;

/**
 * The loop yields to the event loop when this long has passed since it last did, so a cancel
 * posted from another thread (or a readback that resolved) is seen after the current batch when
 * batches are slower than this, and within this many milliseconds when they are faster.
 */
const YIELD_EVERY_MS = 8;

/** Rows per forward pass when evaluating the validation split. */
const VALIDATION_CHUNK = 1024;

interface ModelIo {
  /** Shape of one example, e.g. `[784]` or `[28, 28, 1]`. */
  featureShape: number[];
  featureCount: number;
  outputs: number;
}

function describeModelIo(model: tf.LayersModel): ModelIo {
  const input = model.inputs[0];
  const output = model.outputs[0];
  if (model.inputs.length !== 1 || model.outputs.length !== 1 || !input || !output) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `trainModel needs a model with one input and one output; this one has ${model.inputs.length} and ${model.outputs.length}. Build it with buildModel(spec, …).`,
      { details: { inputs: model.inputs.length, outputs: model.outputs.length } },
    );
  }
  const featureShape = input.shape.slice(1);
  const outputs = output.shape[output.shape.length - 1];
  if (featureShape.some((d) => d === null) || typeof outputs !== 'number') {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `The model's input shape ${JSON.stringify(input.shape)} must be fixed apart from the batch size.`,
      { details: { inputShape: input.shape } },
    );
  }
  const fixed = featureShape as number[];
  return { featureShape: fixed, featureCount: fixed.reduce((a, b) => a * b, 1), outputs };
}

function checkSplit(name: string, split: TrainSplit, io: ModelIo, spec: ModelSpec): number[] {
  const { x, y, count } = split;
  if (!Number.isInteger(count) || count < 1) {
    throw new EdgeflowError('INVALID_ARGUMENT', `${name}.count is ${count}; it must be a positive integer.`, {
      details: { split: name, count },
    });
  }
  if (!(x instanceof Float32Array) || x.length !== count * io.featureCount) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `${name}.x must be a Float32Array of count × features = ${count} × ${io.featureCount} = ${count * io.featureCount} values; it has ${x?.length}.`,
      { details: { split: name, length: x?.length, count, featureCount: io.featureCount } },
    );
  }
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i] as number)) {
      const row = Math.floor(i / io.featureCount);
      const column = i % io.featureCount;
      throw new EdgeflowError(
        'INVALID_ARGUMENT',
        `${name}.x has ${x[i]} at row ${row}, feature ${column}. Impute or drop missing values in the pipeline before training.`,
        { details: { split: name, row, column, value: String(x[i]) } },
      );
    }
  }
  if (!(y instanceof Float32Array)) {
    throw new EdgeflowError('INVALID_ARGUMENT', `${name}.y must be a Float32Array.`, {
      details: { split: name },
    });
  }
  if (spec.task === 'classification') return countClasses(y, count, io.outputs);
  if (y.length !== count * io.outputs) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `${name}.y must hold ${count * io.outputs} targets (${io.outputs} per row); it has ${y.length}.`,
      { details: { split: name, length: y.length, count } },
    );
  }
  const bad = y.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `${name}.y has ${y[bad]} at row ${Math.floor(bad / io.outputs)}. Drop rows with a missing target.`,
      { details: { split: name, row: Math.floor(bad / io.outputs), value: String(y[bad]) } },
    );
  }
  // Stryker disable next-line ArrayDeclaration: equivalent, a regression split's class counts are never read
  return [];
}

function uploadSplit(split: TrainSplit, io: ModelIo, spec: ModelSpec): { x: tf.Tensor; y: tf.Tensor2D } {
  const x = tf.tensor(split.x, [split.count, ...io.featureShape], 'float32');
  const y = tf.tidy(() => {
    if (spec.task === 'classification' && split.y.length === split.count) {
      return tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from(split.y), 'int32'), io.outputs), 'float32');
    }
    return tf.tensor2d(split.y, [split.count, io.outputs], 'float32');
  }) as tf.Tensor2D;
  return { x, y };
}

/** One scalar: the sum of every weight. Finite exactly when no weight is NaN or ±Infinity (or overflows). */
function weightSum(model: tf.LayersModel): tf.Scalar {
  return tf.tidy(() => tf.addN(model.weights.map((w) => tf.sum(w.read()))) as tf.Scalar);
}

function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason.message : String(reason);
}

interface Divergence {
  epoch: number;
  batch: number;
  loss: number;
}

/**
 * Trains `model` in place on `train` (and evaluates `validation` after every epoch), following
 * the spec: optimizer and learning-rate schedule, epochs, batch size, class weights, early
 * stopping, seed. Shuffling and dropout masks come from the spec's seed, so the same seed, data
 * and backend give the same weights (bit-identical on cpu and wasm).
 *
 * Nothing is read back synchronously: the running loss is read with `await data()` at most once
 * per `progressIntervalMs`, overlapped with the next batches (at most one readback in flight),
 * and once per epoch. `bestEpoch` is the epoch with the best `earlyStopping.monitor` (or, without
 * early stopping, the lowest validation loss, else training loss). With `restoreBestWeights`,
 * the best epoch's weights are put back at the end whenever a later epoch was worse.
 * Every tensor it creates is disposed: `tf.memory().numTensors` ends where it started.
 *
 * @example
 * const model = buildModel(spec, { featureCount: 4, classCount: 3 });
 * const { history, bestEpoch } = await trainModel({ model, spec, train, validation, onProgress, signal });
 * @throws EdgeflowError `CANCELLED` when `signal` aborts (checked before every batch; the model
 *   keeps the weights reached so far), `TRAINING_DIVERGED` when the loss or a weight turns NaN or
 *   ±Infinity (the last weights that gave a finite loss are restored on the model),
 *   `BACKEND_UNAVAILABLE` when the active backend lacks a kernel the spec's job needs (a cnn on
 *   wasm), `INVALID_ARGUMENT` for splits that do not match the model or hold non-finite values, or a
 *   `val_*` monitor without a validation split, `SPEC_INVALID` for class weights naming no class.
 */
export async function trainModel(options: TrainModelOptions): Promise<TrainResult> {
  const started = performance.now();
  const { model, spec, train, validation, signal } = options;
  const interval = Math.max(0, options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS);
  if (signal?.aborted) {
    throw new EdgeflowError('CANCELLED', 'Training was cancelled before it started.', {
      details: { epoch: 0, batch: 0, batchesRun: 0, reason: abortReason(signal) },
    });
  }
  const io = describeModelIo(model);
  if (spec.task === 'classification' ? io.outputs < 2 : false) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `A classification spec needs a model with one output per class; this one has ${io.outputs}. Build it with buildModel(spec, …).`,
      { details: { outputs: io.outputs } },
    );
  }
  const classCounts = checkSplit('train', train, io, spec);
  if (validation) checkSplit('validation', validation, io, spec);
  const monitor: MonitorName = spec.earlyStopping?.monitor ?? (validation ? 'val_loss' : 'loss');
  if (monitor.startsWith('val_') && !validation) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `earlyStopping.monitor is "${monitor}" but no validation split was given. Pass validation, or monitor "${monitor.slice(4)}".`,
      { details: { monitor } },
    );
  }
  const classWeights =
    spec.task === 'classification'
      ? resolveClassWeights(spec.classWeights, classCounts, options.classLabels ?? [])
      : null;

  const backend = tf.getBackend();
  if ((BACKEND_ORDER as readonly string[]).includes(backend)) {
    const job = jobProfileOf(spec);
    const missing = missingKernels(backend as BackendName, job);
    if (missing.length) {
      throw new EdgeflowError(
        'BACKEND_UNAVAILABLE',
        `The ${backend} backend cannot run a ${job} job (missing kernels: ${missing.join(', ')}). Activate a backend chosen for jobProfileOf(spec), e.g. webgpu, webgl or cpu.`,
        { details: { backend, job, missing } },
      );
    }
  }
  const metric = metricName(spec.task);
  const batchesPerEpoch = Math.ceil(train.count / spec.batchSize);
  const totalSamples = spec.epochs * train.count;
  const trainables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const dropoutLayers = model.layers.filter((layer) => layer.getClassName() === 'Dropout');
  const shuffleRng = createPrng(spec.seed, 'shuffle');
  const dropoutRng = createPrng(spec.seed, 'dropout');
  const restoreBest = spec.earlyStopping?.restoreBestWeights === true;
  const earlyStopping = spec.earlyStopping ? new EarlyStoppingTracker(spec.earlyStopping) : null;
  const bestTracker =
    earlyStopping ??
    new EarlyStoppingTracker({
      monitor,
      patience: Number.MAX_SAFE_INTEGER,
      minDelta: 0,
      // Stryker disable next-line BooleanLiteral: equivalent, the tracker never reads restoreBestWeights
      restoreBestWeights: false,
    });

  const timings: TrainTimings = { totalMs: 0, setupMs: 0, trainMs: 0, validationMs: 0, readbackMs: 0 };
  const history: EpochRecord[] = [];
  // Stryker disable next-line ArrayDeclaration: equivalent, tf.dispose skips a string
  const owned: tf.Tensor[] = [];
  let optimizer: tf.Optimizer | null = null;
  let lastGood: WeightSnapshot | null = null;
  let best: WeightSnapshot | null = null;
  let pending: Promise<void> | null = null;
  let divergence: Divergence | null = null;
  let callbackError: { error: unknown } | null = null;
  let lossSum: tf.Scalar | null = null;
  let metricTotal: tf.Scalar | null = null;
  let samplesDone = 0;
  let batchesRun = 0;
  let lastEmitAt = Number.NEGATIVE_INFINITY;
  let loopStart = performance.now();
  let learningRate = spec.learningRate;
  const yielder = createEventLoopYielder();

  // Batch updates are throttled to one per interval; an epoch's end is always sent (`force`), so the
  // last event of a run names its last epoch and a live curve ends where training did (issue 18,
  // point 3: a finished run showed "8 / 12" when epoch 12 ended within the interval of a batch update).
  const emit = (
    progress: Omit<TrainProgress, 'backend' | 'epochs' | 'batchesPerEpoch'>,
    force = false,
  ): void => {
    const now = performance.now();
    if (!options.onProgress || (!force && now - lastEmitAt < interval)) return;
    lastEmitAt = now;
    try {
      options.onProgress({ ...progress, epochs: spec.epochs, batchesPerEpoch, backend });
    } catch (error) {
      callbackError ??= { error };
    }
  };
  const rate = (samples: number): number => (samples * 1000) / Math.max(performance.now() - loopStart, 1e-3);
  const throwIfStopped = (epoch: number, batch: number): void => {
    if (callbackError) throw callbackError.error;
    if (divergence) {
      const d = divergence;
      throw new EdgeflowError(
        'TRAINING_DIVERGED',
        `Training diverged at epoch ${d.epoch}, batch ${d.batch}: the loss became ${d.loss}. The last weights that gave a finite loss were restored. Lower learningRate (now ${learningRate}), use adam, or standardise the features.`,
        { details: { epoch: d.epoch, batch: d.batch, loss: String(d.loss), learningRate } },
      );
    }
    if (signal?.aborted) {
      throw new EdgeflowError(
        'CANCELLED',
        `Training was cancelled at epoch ${epoch}, batch ${batch} after ${batchesRun} batches.`,
        { details: { epoch, batch, batchesRun, reason: abortReason(signal) } },
      );
    }
  };

  // Reads the running epoch sums asynchronously. `before` holds the weights the last batch
  // started from: a finite running loss proves them good, so they become the restore point.
  const startCheck = (before: WeightSnapshot, epoch: number, batch: number, samplesInEpoch: number): void => {
    const probe = tf.tidy(() => tf.stack([lossSum as tf.Scalar, metricTotal as tf.Scalar]));
    const samplesAtCheck = samplesDone;
    const lr = learningRate;
    pending = probe
      .data()
      .then(
        (values) => {
          const loss = (values[0] ?? Number.NaN) / samplesInEpoch;
          if (!Number.isFinite(loss)) {
            disposeSnapshot(before);
            divergence ??= { epoch, batch, loss };
            return;
          }
          disposeSnapshot(lastGood);
          lastGood = before;
          const perSecond = rate(samplesAtCheck);
          emit({
            epoch,
            batch,
            loss,
            metrics: { [metric]: (values[1] ?? Number.NaN) / samplesInEpoch },
            samplesPerSecond: perSecond,
            etaMs: ((totalSamples - samplesAtCheck) / Math.max(perSecond, 1e-9)) * 1000,
            learningRate: lr,
          });
        },
        (error: unknown) => {
          disposeSnapshot(before);
          callbackError ??= { error };
        },
      )
      .finally(() => {
        probe.dispose();
        pending = null;
      });
  };
  const settlePending = async (): Promise<void> => {
    while (pending) await pending;
  };

  const evaluate = async (split: { x: tf.Tensor; y: tf.Tensor2D; count: number }, epoch: number) => {
    // Stryker disable next-line ArrayDeclaration: equivalent, a zero scalar broadcasts to the same sums
    let sums: tf.Tensor1D = tf.zeros([2]);
    try {
      // Stryker disable next-line EqualityOperator: equivalent for `<=`, an empty last chunk adds zero sums
      for (let start = 0; start < split.count; start += VALIDATION_CHUNK) {
        throwIfStopped(epoch, batchesPerEpoch - 1);
        const size = Math.min(VALIDATION_CHUNK, split.count - start);
        const next = tf.tidy(() => {
          const xb = split.x.slice(start, size);
          const yb = split.y.slice(start, size);
          const prediction = model.apply(xb, { training: false }) as tf.Tensor;
          const loss = tf.sum(perExampleLoss(spec.loss, yb, prediction));
          return tf.add(sums, tf.stack([loss, metricSum(spec.task, yb, prediction)])) as tf.Tensor1D;
        });
        sums.dispose();
        sums = next;
      }
      const values = await sums.data();
      return {
        loss: (values[0] ?? Number.NaN) / split.count,
        metric: (values[1] ?? Number.NaN) / split.count,
      };
    } finally {
      sums.dispose();
    }
  };

  let stoppedEarly = false;
  let restoredBestWeights = false;
  try {
    const trainData = uploadSplit(train, io, spec);
    owned.push(trainData.x, trainData.y);
    const valData = validation ? { ...uploadSplit(validation, io, spec), count: validation.count } : null;
    if (valData) owned.push(valData.x, valData.y);
    const classWeightTensor = classWeights ? tf.tensor1d(classWeights, 'float32') : null;
    // Stryker disable next-line ConditionalExpression: equivalent when true, tf.dispose skips a null
    if (classWeightTensor) owned.push(classWeightTensor);
    optimizer = createOptimizer(spec);
    lastGood = snapshotWeights(model);
    loopStart = performance.now();
    timings.setupMs = loopStart - started;
    let lastCheckAt = Number.NEGATIVE_INFINITY;
    let lastYieldAt = loopStart;
    const opt = optimizer;

    for (let epoch = 0; epoch < spec.epochs; epoch++) {
      const epochStart = performance.now();
      learningRate = learningRateAt(spec, epoch);
      setLearningRate(opt, learningRate);
      const order = tf.tensor1d(shuffledIndices(train.count, shuffleRng), 'int32');
      lossSum = tf.scalar(0);
      metricTotal = tf.scalar(0);
      try {
        for (let batch = 0; batch < batchesPerEpoch; batch++) {
          throwIfStopped(epoch, batch);
          const due = performance.now() - lastCheckAt >= interval;
          // Stryker disable next-line ConditionalExpression,LogicalOperator: equivalent, settling with nothing pending (or before it is due) only waits sooner
          if (due && pending) {
            // Back-pressure: at most one readback in flight, so the CPU never queues more than
            // about one interval of work ahead of the GPU.
            await settlePending();
            throwIfStopped(epoch, batch);
          }
          const start = batch * spec.batchSize;
          const size = Math.min(spec.batchSize, train.count - start);
          // tfjs's Dropout layer passes its `seed` to tf.dropout, which draws the mask on the CPU;
          // a fresh seed per batch gives a new mask each step and the same sequence every run.
          for (const layer of dropoutLayers)
            (layer as unknown as { seed?: number }).seed = dropoutRng.nextUint32();
          const before = due ? snapshotWeights(model) : null;
          const [loss, correct] = tf.tidy(() => {
            const indices = order.slice(start, size);
            const xb = tf.gather(trainData.x, indices);
            const yb = tf.gather(trainData.y, indices);
            // Stryker disable next-line UnaryOperator: equivalent, axis 1 is axis -1 of the 2-D labels
            const exampleWeights = classWeightTensor ? tf.sum(tf.mul(yb, classWeightTensor), -1) : null;
            let prediction: tf.Tensor | null = null;
            const value = opt.minimize(
              () => {
                prediction = tf.keep(model.apply(xb, { training: true }) as tf.Tensor);
                return batchLoss(spec.loss, yb, prediction, exampleWeights);
              },
              true,
              trainables,
            ) as tf.Scalar;
            const kept = prediction as tf.Tensor | null;
            // Stryker disable next-line ConditionalExpression,StringLiteral: unreachable, minimize always calls the loss function, which sets prediction
            if (!kept) throw new EdgeflowError('INTERNAL', 'The training step produced no prediction.');
            const batchMetric = metricSum(spec.task, yb, kept);
            kept.dispose();
            return [value, batchMetric];
          });
          const nextLoss = tf.tidy(() => tf.add(lossSum as tf.Scalar, tf.mul(loss, size)) as tf.Scalar);
          const nextMetric = tf.tidy(() => tf.add(metricTotal as tf.Scalar, correct) as tf.Scalar);
          tf.dispose([loss, correct, lossSum, metricTotal]);
          lossSum = nextLoss;
          metricTotal = nextMetric;
          samplesDone += size;
          batchesRun += 1;
          if (before) {
            lastCheckAt = performance.now();
            startCheck(before, epoch, batch, start + size);
          }
          if (performance.now() - lastYieldAt >= YIELD_EVERY_MS) {
            await yielder.yield();
            lastYieldAt = performance.now();
          }
        }
      } finally {
        order.dispose();
      }

      await settlePending();
      throwIfStopped(epoch, batchesPerEpoch - 1);
      const summary = tf.tidy(() =>
        tf.stack([lossSum as tf.Scalar, metricTotal as tf.Scalar, weightSum(model)]),
      );
      tf.dispose([lossSum, metricTotal]);
      lossSum = null;
      metricTotal = null;
      const readStart = performance.now();
      const values = await summary.data().finally(() => summary.dispose());
      timings.readbackMs += performance.now() - readStart;
      const loss = (values[0] ?? Number.NaN) / train.count;
      if (!Number.isFinite(loss) || !Number.isFinite(values[2] ?? Number.NaN)) {
        divergence = { epoch, batch: batchesPerEpoch - 1, loss: Number.isFinite(loss) ? Number.NaN : loss };
        // Stryker disable next-line ArithmeticOperator: equivalent, a divergence error takes its batch from `divergence`
        throwIfStopped(epoch, batchesPerEpoch - 1);
      }
      let valLoss: number | null = null;
      let valMetrics: Record<string, number> | null = null;
      if (valData) {
        const valStart = performance.now();
        const result = await evaluate(valData, epoch);
        timings.validationMs += performance.now() - valStart;
        if (!Number.isFinite(result.loss)) {
          divergence = { epoch, batch: batchesPerEpoch - 1, loss: result.loss };
          // Stryker disable next-line ArithmeticOperator: equivalent, a divergence error takes its batch from `divergence`
          throwIfStopped(epoch, batchesPerEpoch - 1);
        }
        valLoss = result.loss;
        valMetrics = { [metric]: result.metric };
      }
      disposeSnapshot(lastGood);
      lastGood = snapshotWeights(model);

      const record: EpochRecord = {
        epoch,
        loss,
        metrics: { [metric]: (values[1] ?? Number.NaN) / train.count },
        valLoss,
        valMetrics,
        learningRate,
        durationMs: performance.now() - epochStart,
      };
      history.push(record);
      try {
        options.onEpochEnd?.(record);
      } catch (error) {
        callbackError ??= { error };
      }
      const perSecond = rate(samplesDone);
      emit(
        {
          epoch,
          batch: batchesPerEpoch - 1,
          loss: record.loss,
          metrics: record.metrics,
          samplesPerSecond: perSecond,
          etaMs: ((totalSamples - samplesDone) / Math.max(perSecond, 1e-9)) * 1000,
          learningRate,
        },
        true,
      );
      throwIfStopped(epoch, batchesPerEpoch - 1);
      const verdict = bestTracker.update(record);
      if (verdict.improved && restoreBest) {
        disposeSnapshot(best);
        best = snapshotWeights(model);
      }
      if (earlyStopping && verdict.stop && epoch < spec.epochs - 1) {
        stoppedEarly = true;
        break;
      }
    }

    const lastEpoch = history[history.length - 1]?.epoch;
    // Stryker disable next-line LogicalOperator: equivalent, `best` is set only when restoreBest is true
    if (restoreBest && best && bestTracker.bestEpoch !== lastEpoch) {
      restoreWeights(model, best);
      restoredBestWeights = true;
    }
    const finished = performance.now();
    timings.trainMs = finished - loopStart;
    timings.totalMs = finished - started;
    return {
      history,
      bestEpoch: bestTracker.bestEpoch,
      stoppedEarly,
      restoredBestWeights,
      timings,
      samplesPerSecond: rate(samplesDone),
      backend,
    };
  } catch (error) {
    await settlePending();
    if (isEdgeflowError(error, 'TRAINING_DIVERGED') && lastGood) restoreWeights(model, lastGood);
    throw error;
  } finally {
    await settlePending();
    yielder.close();
    // Stryker disable next-line ArrayDeclaration: equivalent, tf.dispose skips a string
    tf.dispose([...owned, ...(lossSum ? [lossSum] : []), ...(metricTotal ? [metricTotal] : [])]);
    disposeSnapshot(lastGood);
    disposeSnapshot(best);
    if (optimizer) disposeOptimizer(optimizer);
  }
}
