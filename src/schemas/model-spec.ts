// The model spec: what a data scientist writes to describe one candidate model. It is plain JSON
// (it crosses the worker boundary and is stored on every run), validated here with zod; the
// trainer (`src/train/`) turns a parsed spec into a tfjs model and a training loop.
import { z } from 'zod';

/** What the model predicts: a class (softmax over `classCount` outputs) or one number. */
export const modelTaskSchema = z.enum(['classification', 'regression']);

/** Activations a hidden layer may use (tfjs-layers names). */
export const activationSchema = z.enum(['relu', 'elu', 'selu', 'tanh', 'sigmoid', 'swish', 'linear']);

/** Losses for classification targets (the model ends in a softmax over the classes). */
export const CLASSIFICATION_LOSSES = ['categoricalCrossentropy'] as const;
/** Losses for regression targets (the model ends in one linear unit). */
export const REGRESSION_LOSSES = ['meanSquaredError', 'meanAbsoluteError', 'huber'] as const;

/** Every loss a spec may name; which ones fit depends on `task`. */
export const lossSchema = z.enum([...CLASSIFICATION_LOSSES, ...REGRESSION_LOSSES]);

/** Quantities early stopping can watch: training or validation loss, or the task's metric. */
export const monitorSchema = z.enum(['val_loss', 'loss', 'val_accuracy', 'accuracy', 'val_mae', 'mae']);

const positiveInt = z.number().int().positive();

/** Logistic regression (classification) or linear regression: one dense layer, no hidden layers. */
export const linearArchitectureSchema = z.strictObject({
  type: z.literal('linear'),
  /** Optional `[features]`; when given, `checkSpecFitsData` insists the data has this width. */
  inputShape: z.tuple([positiveInt]).optional(),
});

/** A multi-layer perceptron: dense hidden layers, each optionally batch-normalised and dropped out. */
export const mlpArchitectureSchema = z.strictObject({
  type: z.literal('mlp'),
  /** Units of each hidden layer, input side first. */
  hidden: z.array(positiveInt.max(65_536)).min(1).max(32),
  activation: activationSchema.default('relu'),
  /** Dropout rate after each hidden layer; 0 turns it off. */
  dropout: z.number().min(0).lt(1).default(0),
  /** Batch normalisation between each dense layer and its activation. */
  batchNorm: z.boolean().default(false),
  /** Optional `[features]`; when given, `checkSpecFitsData` insists the data has this width. */
  inputShape: z.tuple([positiveInt]).optional(),
});

/** One convolution block: a same-padded 2-D convolution, its activation, then optional max pooling. */
export const convBlockSchema = z.strictObject({
  filters: positiveInt.max(4096),
  /** Square kernel side length. */
  kernelSize: positiveInt.max(15).default(3),
  /** Max-pooling window and stride after the convolution; 1 means no pooling. */
  pool: positiveInt.max(8).default(2),
});

/** A small convolutional net over `[height, width, channels]` inputs: conv blocks, flatten, dense head. */
export const cnnArchitectureSchema = z.strictObject({
  type: z.literal('cnn'),
  /** `[height, width, channels]` of one example; rows are stored flattened in that order (NHWC). */
  inputShape: z.tuple([positiveInt, positiveInt, positiveInt]),
  blocks: z.array(convBlockSchema).min(1).max(8),
  /** Dense hidden layers between the flattened conv output and the output layer. */
  dense: z.array(positiveInt.max(65_536)).max(8).default([]),
  activation: activationSchema.default('relu'),
  /** Dropout rate before the output layer; 0 turns it off. */
  dropout: z.number().min(0).lt(1).default(0),
});

/** The network's shape; `type` picks one of `linear`, `mlp`, `cnn`. */
export const architectureSchema = z.discriminatedUnion('type', [
  linearArchitectureSchema,
  mlpArchitectureSchema,
  cnnArchitectureSchema,
]);

/** Adam (Kingma & Ba), tfjs defaults except epsilon, which follows Keras (1e-7). */
export const adamOptimizerSchema = z.strictObject({
  type: z.literal('adam'),
  beta1: z.number().gt(0).lt(1).default(0.9),
  beta2: z.number().gt(0).lt(1).default(0.999),
  epsilon: z.number().positive().default(1e-7),
});

/** Stochastic gradient descent, with optional (Nesterov) momentum. */
export const sgdOptimizerSchema = z.strictObject({
  type: z.literal('sgd'),
  momentum: z.number().min(0).lt(1).default(0),
  nesterov: z.boolean().default(false),
});

/** RMSProp (Hinton), optionally centred and with momentum. */
export const rmspropOptimizerSchema = z.strictObject({
  type: z.literal('rmsprop'),
  /** Discounting factor of the running mean square ("rho" in Keras). */
  decay: z.number().gt(0).lt(1).default(0.9),
  momentum: z.number().min(0).lt(1).default(0),
  epsilon: z.number().positive().default(1e-7),
  centered: z.boolean().default(false),
});

/** The optimizer; a bare name (`'adam'`) is shorthand for `{ type: 'adam' }` with defaults. */
export const optimizerSchema = z.preprocess(
  (value) => (typeof value === 'string' ? { type: value } : value),
  z.discriminatedUnion('type', [adamOptimizerSchema, sgdOptimizerSchema, rmspropOptimizerSchema]),
);

/** The learning rate stays `learningRate` every epoch. */
export const constantScheduleSchema = z.strictObject({ type: z.literal('constant') });

/** Multiplies the learning rate by `factor` every `everyEpochs` epochs (step decay). */
export const stepScheduleSchema = z.strictObject({
  type: z.literal('step'),
  factor: z.number().gt(0).max(1).default(0.5),
  everyEpochs: positiveInt.default(10),
});

/** Learning rate at epoch e is `learningRate × rate^e` (exponential decay, epochs counted from 0). */
export const exponentialScheduleSchema = z.strictObject({
  type: z.literal('exponential'),
  rate: z.number().gt(0).max(1).default(0.95),
});

/** How the learning rate changes per epoch; a bare name (`'constant'`) is shorthand. */
export const scheduleSchema = z.preprocess(
  (value) => (typeof value === 'string' ? { type: value } : value),
  z.discriminatedUnion('type', [constantScheduleSchema, stepScheduleSchema, exponentialScheduleSchema]),
);

/** Stop when `monitor` has not improved by more than `minDelta` for `patience` epochs (Keras semantics). */
export const earlyStoppingSchema = z.strictObject({
  monitor: monitorSchema.default('val_loss'),
  patience: z.number().int().min(0).max(10_000).default(5),
  minDelta: z.number().min(0).default(0),
  /** Put the best epoch's weights back on the model when training ends. */
  restoreBestWeights: z.boolean().default(true),
});

/**
 * Per-class loss weights: `'balanced'` (n / (k × count of the class), as scikit-learn) or a map
 * from class index (`"0"`, `"1"`, …) or class label to a weight. Classes not named weigh 1.
 */
export const classWeightsSchema = z.union([
  z.literal('balanced'),
  z.record(z.string().min(1), z.number().min(0).finite()),
]);

/**
 * The learning rate a spec gets when it names none, by optimizer and architecture (issue 16,
 * point 12). Keras's 1e-3 suits Adam on deep nets, but a single dense layer on standardised
 * features sits in a shallow, convex bowl: at 1e-3 a few hundred Adam steps barely leave the start
 * (a linear classifier on a 150-row, 4-feature, 3-class table stayed at 55 % training accuracy
 * after 10 epochs and 75 % after 80, where logistic regression reaches 99 %), while 0.05 gets
 * there in a few hundred steps without oscillating. Plain SGD needs larger steps than the adaptive
 * optimizers; 0.01 is Keras's SGD default.
 */
export const DEFAULT_LEARNING_RATES: Readonly<
  Record<OptimizerSpecType, Readonly<Record<ArchitectureType, number>>>
> = {
  adam: { linear: 0.05, mlp: 1e-3, cnn: 1e-3 },
  rmsprop: { linear: 0.05, mlp: 1e-3, cnn: 1e-3 },
  sgd: { linear: 0.1, mlp: 0.01, cnn: 0.01 },
};

/** Epochs when a spec names none and the training-set size is not known (see `parseModelSpec`). */
export const DEFAULT_EPOCHS = 10;

type OptimizerSpecType = 'adam' | 'sgd' | 'rmsprop';
type ArchitectureType = 'linear' | 'mlp' | 'cnn';

const specObjectSchema = z.strictObject({
  task: modelTaskSchema,
  architecture: architectureSchema,
  optimizer: optimizerSchema.default({ type: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }),
  /** Defaults by optimizer and architecture: `DEFAULT_LEARNING_RATES`. */
  learningRate: z.number().positive().finite().optional(),
  schedule: scheduleSchema.default({ type: 'constant' }),
  /** Defaults to `categoricalCrossentropy` for classification, `meanSquaredError` for regression. */
  loss: lossSchema.optional(),
  /** Defaults to `DEFAULT_EPOCHS`, or to enough for a minimum number of steps when the data is known. */
  epochs: positiveInt.max(100_000).optional(),
  batchSize: positiveInt.max(65_536).default(32),
  earlyStopping: earlyStoppingSchema.optional(),
  classWeights: classWeightsSchema.optional(),
  /** Seeds weight initialisation, shuffling and dropout: same seed, data and backend → same model. */
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .default(42),
});

const CLASSIFICATION_MONITORS: readonly string[] = ['val_loss', 'loss', 'val_accuracy', 'accuracy'];
const REGRESSION_MONITORS: readonly string[] = ['val_loss', 'loss', 'val_mae', 'mae'];

/**
 * A model spec. Cross-field rules: the loss must suit the task, early stopping may only watch the
 * task's metric, class weights apply to classification only. The parsed output always names its
 * loss (defaulted from the task), learning rate (from optimizer and architecture) and epochs.
 */
export const modelSpecSchema = specObjectSchema
  .superRefine((spec, ctx) => {
    if (spec.loss !== undefined) {
      const allowed: readonly string[] =
        spec.task === 'classification' ? CLASSIFICATION_LOSSES : REGRESSION_LOSSES;
      if (!allowed.includes(spec.loss)) {
        ctx.addIssue({
          code: 'custom',
          path: ['loss'],
          message: `Loss "${spec.loss}" does not fit a ${spec.task} task. Use one of: ${allowed.join(', ')}.`,
          params: { allowed },
        });
      }
    }
    if (spec.earlyStopping) {
      const allowed = spec.task === 'classification' ? CLASSIFICATION_MONITORS : REGRESSION_MONITORS;
      if (!allowed.includes(spec.earlyStopping.monitor)) {
        ctx.addIssue({
          code: 'custom',
          path: ['earlyStopping', 'monitor'],
          message: `Early stopping cannot watch "${spec.earlyStopping.monitor}" on a ${spec.task} task. Use one of: ${allowed.join(', ')}.`,
          params: { allowed },
        });
      }
    }
    if (spec.architecture.type === 'cnn') {
      // Pooling uses 'valid' padding, so each block divides the spatial size (rounding down).
      let [height, width] = spec.architecture.inputShape;
      spec.architecture.blocks.forEach((block, i) => {
        const before = `${height}×${width}`;
        height = Math.floor(height / block.pool);
        width = Math.floor(width / block.pool);
        if (height < 1 || width < 1) {
          ctx.addIssue({
            code: 'custom',
            path: ['architecture', 'blocks', i, 'pool'],
            message: `Pooling by ${block.pool} shrinks a ${before} feature map to nothing. Use a smaller pool (1 turns it off) or fewer blocks.`,
            params: { allowed: [1] },
          });
        }
      });
    }
    if (spec.classWeights !== undefined && spec.task !== 'classification') {
      ctx.addIssue({
        code: 'custom',
        path: ['classWeights'],
        message:
          'Class weights apply to classification only. Remove classWeights or set task to classification.',
        params: { allowed: [] },
      });
    }
  })
  .transform((spec) => ({
    ...spec,
    learningRate: spec.learningRate ?? DEFAULT_LEARNING_RATES[spec.optimizer.type][spec.architecture.type],
    epochs: spec.epochs ?? DEFAULT_EPOCHS,
    loss: spec.loss ?? (spec.task === 'classification' ? 'categoricalCrossentropy' : 'meanSquaredError'),
  }));

/** A parsed, defaulted model spec (what the trainer consumes). */
export type ModelSpec = z.output<typeof modelSpecSchema>;
/** What a user may write: defaults and shorthands allowed. */
export type ModelSpecInput = z.input<typeof modelSpecSchema>;
/** The task of a spec. */
export type ModelTask = z.infer<typeof modelTaskSchema>;
/** A parsed architecture. */
export type Architecture = ModelSpec['architecture'];
/** A parsed optimizer config. */
export type OptimizerSpec = ModelSpec['optimizer'];
/** A parsed learning-rate schedule. */
export type ScheduleSpec = ModelSpec['schedule'];
/** A loss name. */
export type LossName = z.infer<typeof lossSchema>;
/** A quantity early stopping can monitor. */
export type MonitorName = z.infer<typeof monitorSchema>;
/** Early stopping settings, defaults applied. */
export type EarlyStoppingSpec = z.output<typeof earlyStoppingSchema>;
/** Class weights as written in a spec. */
export type ClassWeightsSpec = z.output<typeof classWeightsSchema>;
