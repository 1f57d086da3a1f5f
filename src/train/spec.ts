// Parsing a model spec and checking it against the dataset it is meant for. Pure (no tfjs), so
// the page can validate a spec before it ever reaches a worker.
import type { z } from 'zod';
import { closestNames, EdgeflowError } from '../errors.ts';
import {
  adamOptimizerSchema,
  CLASSIFICATION_LOSSES,
  cnnArchitectureSchema,
  constantScheduleSchema,
  convBlockSchema,
  DEFAULT_EPOCHS,
  earlyStoppingSchema,
  exponentialScheduleSchema,
  linearArchitectureSchema,
  type ModelSpec,
  mlpArchitectureSchema,
  modelSpecSchema,
  REGRESSION_LOSSES,
  rmspropOptimizerSchema,
  sgdOptimizerSchema,
  stepScheduleSchema,
} from '../schemas/model-spec.ts';
import type { DataShape } from './types.ts';

/** One problem found in a spec: where, what, and the values that would be accepted. */
export interface SpecIssue {
  /** Dotted path of the field, e.g. `architecture.blocks[1].filters` (`(spec)` for the root). */
  path: string;
  message: string;
  /** Accepted values or field names, when the rule has a closed list. */
  allowed?: readonly (string | number)[];
}

const TOP_LEVEL_FIELDS = [
  'task',
  'architecture',
  'optimizer',
  'learningRate',
  'schedule',
  'loss',
  'epochs',
  'batchSize',
  'earlyStopping',
  'classWeights',
  'seed',
];

const FIELDS_BY_TYPE: Record<string, Record<string, readonly string[]>> = {
  architecture: {
    linear: Object.keys(linearArchitectureSchema.shape),
    mlp: Object.keys(mlpArchitectureSchema.shape),
    cnn: Object.keys(cnnArchitectureSchema.shape),
  },
  optimizer: {
    adam: Object.keys(adamOptimizerSchema.shape),
    sgd: Object.keys(sgdOptimizerSchema.shape),
    rmsprop: Object.keys(rmspropOptimizerSchema.shape),
  },
  schedule: {
    constant: Object.keys(constantScheduleSchema.shape),
    step: Object.keys(stepScheduleSchema.shape),
    exponential: Object.keys(exponentialScheduleSchema.shape),
  },
};

/** Formats a zod path as `a.b[2].c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out === '' ? '(spec)' : out;
}

/** The field names an object at `path` accepts, found from the input (for "unknown field" messages). */
function fieldsAt(path: readonly PropertyKey[], input: unknown): readonly string[] {
  if (path.length === 0) return TOP_LEVEL_FIELDS;
  const [head, ...rest] = path;
  const value = (input as Record<string, unknown> | null)?.[head as string];
  if (rest.length === 0 && typeof head === 'string') {
    if (head === 'earlyStopping') return Object.keys(earlyStoppingSchema.shape);
    const byType = FIELDS_BY_TYPE[head];
    const type = (value as { type?: unknown } | null)?.type;
    if (byType && typeof type === 'string') return byType[type] ?? [];
  }
  if (head === 'architecture' && rest[0] === 'blocks') return Object.keys(convBlockSchema.shape);
  return [];
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): SpecIssue[] {
  const path = formatPath(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = fieldsAt(issue.path, input);
      return issue.keys.map((key) => {
        const near = closestNames(key, allowed, 1);
        const hint = near.length ? ` Did you mean "${near[0]}"?` : '';
        return {
          path: formatPath([...issue.path, key]),
          message: `Unknown field "${key}".${hint} Allowed fields here: ${allowed.join(', ')}.`,
          allowed,
        };
      });
    }
    case 'invalid_value': {
      const allowed = issue.values.map((v) => (typeof v === 'number' ? v : String(v)));
      return [{ path, message: `Invalid value. Use one of: ${allowed.join(', ')}.`, allowed }];
    }
    case 'invalid_union': {
      const options = (issue as { options?: unknown[] }).options;
      if (options) {
        const allowed = options.map(String);
        return [{ path, message: `Unknown type. Use one of: ${allowed.join(', ')}.`, allowed }];
      }
      return [{ path, message: issue.message }];
    }
    case 'custom': {
      const allowed = (issue.params as { allowed?: readonly (string | number)[] } | undefined)?.allowed;
      return [{ path, message: issue.message, ...(allowed?.length ? { allowed } : {}) }];
    }
    default:
      return [{ path, message: `${issue.message}.` }];
  }
}

/**
 * Optimizer steps a spec without `epochs` gets at least, when the training-set size is known: small
 * tables otherwise stop after a few dozen steps (10 epochs of 4 batches), far from the fit.
 */
export const MIN_DEFAULT_STEPS = 500;

/** The most epochs `MIN_DEFAULT_STEPS` may add: a 10-row table trains 200 single-batch epochs, not 500. */
export const MAX_DEFAULT_EPOCHS = 200;

/** What `parseModelSpec` may know of the data before training, to pick defaults that fit it. */
export interface SpecDataSize {
  /** Rows of the training split. */
  trainRows: number;
}

/**
 * The epochs a spec that names none trains for: `DEFAULT_EPOCHS`, raised until the run makes
 * `MIN_DEFAULT_STEPS` optimizer steps (capped at `MAX_DEFAULT_EPOCHS`). Large data keeps
 * `DEFAULT_EPOCHS`: from `MIN_DEFAULT_STEPS × batchSize / DEFAULT_EPOCHS` rows (1,600 at batch 32) on,
 * nothing is added, so training time grows with the data as before.
 */
export function defaultEpochs(trainRows: number, batchSize: number): number {
  const batches = Math.max(1, Math.ceil(trainRows / batchSize));
  return Math.min(MAX_DEFAULT_EPOCHS, Math.max(DEFAULT_EPOCHS, Math.ceil(MIN_DEFAULT_STEPS / batches)));
}

/**
 * Validates a model spec written by a user and fills in its defaults: the loss from the task,
 * adam, a learning rate suited to optimizer and architecture (`DEFAULT_LEARNING_RATES`: 0.05 for
 * a linear model with adam, 1e-3 for an mlp or cnn), batch 32, seed 42, and `DEFAULT_EPOCHS`
 * epochs, or, when `data` gives the training-set size, enough epochs for `MIN_DEFAULT_STEPS`
 * optimizer steps (`defaultEpochs`). Values the spec names are kept as written.
 *
 * @example
 * const spec = parseModelSpec({ task: 'classification', architecture: { type: 'mlp', hidden: [64] } });
 * spec.loss; // 'categoricalCrossentropy'
 * parseModelSpec({ task: 'classification', architecture: { type: 'linear' } }, { trainRows: 102 }).epochs; // 125
 * @throws EdgeflowError `SPEC_INVALID` naming each bad field's path and its allowed values
 *   (`details.issues`: `{ path, message, allowed? }[]`); `INVALID_ARGUMENT` when `data.trainRows`
 *   is not a positive whole number.
 */
export function parseModelSpec(input: unknown, data?: SpecDataSize): ModelSpec {
  if (data !== undefined && (!Number.isInteger(data.trainRows) || data.trainRows < 1)) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `data.trainRows is ${String(data.trainRows)}; it must be a positive whole number (rows of the training split).`,
      { details: { field: 'trainRows', value: String(data.trainRows) } },
    );
  }
  const result = modelSpecSchema.safeParse(input);
  if (result.success) {
    const spec = result.data;
    const namesEpochs = (input as { epochs?: unknown }).epochs !== undefined;
    if (!data || namesEpochs) return spec;
    return { ...spec, epochs: defaultEpochs(data.trainRows, spec.batchSize) };
  }
  const issues = result.error.issues.flatMap((issue) => describeIssue(issue, input));
  const shown = issues.slice(0, 5).map((i) => `${i.path}: ${i.message}`);
  const more = issues.length > shown.length ? ` (and ${issues.length - shown.length} more)` : '';
  throw new EdgeflowError('SPEC_INVALID', `Invalid model spec. ${shown.join(' ')}${more}`, {
    details: { issues, path: issues[0]?.path ?? '(spec)' },
    cause: result.error,
  });
}

function specInvalid(path: string, message: string, allowed?: readonly (string | number)[]): EdgeflowError {
  const issue: SpecIssue = { path, message, ...(allowed ? { allowed } : {}) };
  return new EdgeflowError('SPEC_INVALID', `Spec does not fit the data. ${path}: ${message}`, {
    details: { issues: [issue], path },
  });
}

function checkDataShape(data: DataShape): void {
  const bad = (field: string, value: unknown, rule: string): EdgeflowError =>
    new EdgeflowError('INVALID_ARGUMENT', `Data shape "${field}" is ${String(value)}; it must be ${rule}.`, {
      details: { field, value },
    });
  if (!Number.isInteger(data.featureCount) || data.featureCount < 1) {
    throw bad('featureCount', data.featureCount, 'a positive integer');
  }
  if (data.task === 'classification' && (!Number.isInteger(data.classCount) || data.classCount < 2)) {
    throw bad('classCount', data.classCount, 'an integer ≥ 2 for classification');
  }
  if (data.inputShape && !data.inputShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw bad('inputShape', JSON.stringify(data.inputShape), 'a list of positive integers');
  }
}

/**
 * Checks that a parsed spec can train on a dataset: same task (so the loss fits the target),
 * a `cnn` only on image rows of the same `[h, w, c]`, the declared input width equal to the
 * data's, and class weights naming existing classes.
 *
 * @throws EdgeflowError `SPEC_INVALID` naming the field (`details.path`) and what would fit;
 *   `INVALID_ARGUMENT` when `data` itself is malformed.
 */
export function checkSpecFitsData(spec: ModelSpec, data: DataShape): void {
  checkDataShape(data);
  if (spec.task !== data.task) {
    const allowed = data.task === 'classification' ? CLASSIFICATION_LOSSES : REGRESSION_LOSSES;
    throw specInvalid(
      'loss',
      `A ${spec.task} spec (loss "${spec.loss}") cannot train on a ${data.task} target. Set task to "${data.task}" and use one of these losses: ${allowed.join(', ')}.`,
      allowed,
    );
  }
  const arch = spec.architecture;
  if (arch.type === 'cnn') {
    const imageShape = data.inputShape?.length === 3 ? data.inputShape : null;
    if (!imageShape) {
      throw specInvalid(
        'architecture.type',
        `A cnn needs image rows ([height, width, channels]); this dataset is tabular (${data.featureCount} features). Use "linear" or "mlp".`,
        ['linear', 'mlp'],
      );
    }
    const declared = arch.inputShape.join('×');
    if (arch.inputShape.some((d, i) => d !== imageShape[i])) {
      throw specInvalid(
        'architecture.inputShape',
        `The spec expects ${declared} images but the data has ${imageShape.join('×')}. Set inputShape to [${imageShape.join(', ')}].`,
        [JSON.stringify(imageShape)],
      );
    }
    const width = arch.inputShape.reduce((a, b) => a * b, 1);
    if (width !== data.featureCount) {
      throw specInvalid(
        'architecture.inputShape',
        `${declared} = ${width} values per row, but the data has ${data.featureCount}. Fix inputShape or the pipeline.`,
      );
    }
  } else if (arch.inputShape && arch.inputShape[0] !== data.featureCount) {
    throw specInvalid(
      'architecture.inputShape',
      `The spec declares ${arch.inputShape[0]} input features but the data has ${data.featureCount}. Set inputShape to [${data.featureCount}] or leave it out.`,
      [data.featureCount],
    );
  }
  if (spec.classWeights && spec.classWeights !== 'balanced') {
    const labels = data.classLabels ?? [];
    for (const key of Object.keys(spec.classWeights)) {
      const index = Number(key);
      const isIndex =
        Number.isInteger(index) && String(index) === key && index >= 0 && index < data.classCount;
      if (!isIndex && !labels.includes(key)) {
        const allowed = [...Array.from({ length: data.classCount }, (_, i) => String(i)), ...labels];
        throw specInvalid(
          `classWeights.${key}`,
          `No class "${key}" in this dataset. Name a class by index (0–${data.classCount - 1})${labels.length ? ' or label' : ''}.`,
          allowed,
        );
      }
    }
  }
}
