import { describe, expect, test } from 'vitest';
import { type EdgeflowError, isEdgeflowError } from '../../../src/errors.ts';
import { jobProfileOf } from '../../../src/train/job-profile.ts';
import {
  checkSpecFitsData,
  defaultEpochs,
  MAX_DEFAULT_EPOCHS,
  MIN_DEFAULT_STEPS,
  parseModelSpec,
  type SpecIssue,
} from '../../../src/train/spec.ts';

function specError(run: () => unknown): EdgeflowError {
  try {
    run();
  } catch (error) {
    if (isEdgeflowError(error)) return error;
    throw error;
  }
  throw new Error('expected an EdgeflowError');
}

function issuesOf(error: EdgeflowError): SpecIssue[] {
  return error.details.issues as SpecIssue[];
}

const mlp = { task: 'classification', architecture: { type: 'mlp', hidden: [16] } } as const;

describe('parseModelSpec', () => {
  test('fills defaults: adam 1e-3, constant schedule, 10 epochs, batch 32, seed 42', () => {
    const spec = parseModelSpec(mlp);
    expect(spec).toEqual({
      task: 'classification',
      architecture: { type: 'mlp', hidden: [16], activation: 'relu', dropout: 0, batchNorm: false },
      optimizer: { type: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
      learningRate: 1e-3,
      schedule: { type: 'constant' },
      loss: 'categoricalCrossentropy',
      epochs: 10,
      batchSize: 32,
      seed: 42,
    });
  });

  test('defaults the loss from the task', () => {
    expect(parseModelSpec({ task: 'regression', architecture: { type: 'linear' } }).loss).toBe(
      'meanSquaredError',
    );
    expect(parseModelSpec({ task: 'regression', architecture: { type: 'linear' }, loss: 'huber' }).loss).toBe(
      'huber',
    );
  });

  test('accepts optimizer and schedule shorthands and fills their defaults', () => {
    const spec = parseModelSpec({ ...mlp, optimizer: 'sgd', schedule: 'step' });
    expect(spec.optimizer).toEqual({ type: 'sgd', momentum: 0, nesterov: false });
    expect(spec.schedule).toEqual({ type: 'step', factor: 0.5, everyEpochs: 10 });
    const rms = parseModelSpec({ ...mlp, optimizer: { type: 'rmsprop', centered: true } });
    expect(rms.optimizer).toEqual({
      type: 'rmsprop',
      decay: 0.9,
      momentum: 0,
      epsilon: 1e-7,
      centered: true,
    });
  });

  test('parses a cnn with early stopping and balanced class weights', () => {
    const spec = parseModelSpec({
      task: 'classification',
      architecture: {
        type: 'cnn',
        inputShape: [28, 28, 1],
        blocks: [{ filters: 8 }, { filters: 16, kernelSize: 5 }],
      },
      earlyStopping: { patience: 3 },
      classWeights: 'balanced',
    });
    expect(spec.architecture).toEqual({
      type: 'cnn',
      inputShape: [28, 28, 1],
      blocks: [
        { filters: 8, kernelSize: 3, pool: 2 },
        { filters: 16, kernelSize: 5, pool: 2 },
      ],
      dense: [],
      activation: 'relu',
      dropout: 0,
    });
    expect(spec.earlyStopping).toEqual({
      monitor: 'val_loss',
      patience: 3,
      minDelta: 0,
      restoreBestWeights: true,
    });
    expect(jobProfileOf(spec)).toBe('conv-train');
    expect(jobProfileOf(parseModelSpec(mlp))).toBe('dense-train');
  });

  test('an unknown architecture type names the path and the allowed types', () => {
    const error = specError(() =>
      parseModelSpec({ task: 'classification', architecture: { type: 'transformer' } }),
    );
    expect(error.code).toBe('SPEC_INVALID');
    expect(issuesOf(error)[0]).toMatchObject({
      path: 'architecture.type',
      allowed: ['linear', 'mlp', 'cnn'],
    });
    expect(error.message).toContain('architecture.type');
    expect(error.message).toContain('linear, mlp, cnn');
  });

  test('a bad enum value names the path and the allowed values', () => {
    const error = specError(() =>
      parseModelSpec({ ...mlp, architecture: { type: 'mlp', hidden: [8], activation: 'gelu' } }),
    );
    expect(error.code).toBe('SPEC_INVALID');
    expect(issuesOf(error)[0]?.path).toBe('architecture.activation');
    expect(issuesOf(error)[0]?.allowed).toEqual([
      'relu',
      'elu',
      'selu',
      'tanh',
      'sigmoid',
      'swish',
      'linear',
    ]);
    const task = specError(() => parseModelSpec({ ...mlp, task: 'ranking' }));
    expect(issuesOf(task)[0]).toMatchObject({ path: 'task', allowed: ['classification', 'regression'] });
    const optimizer = specError(() => parseModelSpec({ ...mlp, optimizer: 'adagrad' }));
    expect(issuesOf(optimizer)[0]).toMatchObject({
      path: 'optimizer.type',
      allowed: ['adam', 'sgd', 'rmsprop'],
    });
  });

  test('numbers out of range name their path, array indices included', () => {
    const error = specError(() =>
      parseModelSpec({
        task: 'classification',
        architecture: { type: 'cnn', inputShape: [8, 8, 1], blocks: [{ filters: 4 }, { filters: 0 }] },
      }),
    );
    expect(issuesOf(error).map((i) => i.path)).toEqual(['architecture.blocks[1].filters']);
    const lr = specError(() => parseModelSpec({ ...mlp, learningRate: -1 }));
    expect(issuesOf(lr)[0]?.path).toBe('learningRate');
    const dropout = specError(() =>
      parseModelSpec({ ...mlp, architecture: { type: 'mlp', hidden: [4], dropout: 1 } }),
    );
    expect(issuesOf(dropout)[0]?.path).toBe('architecture.dropout');
    const batch = specError(() => parseModelSpec({ ...mlp, batchSize: 2.5 }));
    expect(issuesOf(batch)[0]?.path).toBe('batchSize');
  });

  test('an unknown field is named with a suggestion and the allowed fields', () => {
    const error = specError(() => parseModelSpec({ ...mlp, learningrate: 0.1 }));
    expect(error.code).toBe('SPEC_INVALID');
    const issue = issuesOf(error)[0];
    expect(issue?.path).toBe('learningrate');
    expect(issue?.message).toContain('Did you mean "learningRate"?');
    expect(issue?.allowed).toContain('learningRate');
    const nested = specError(() =>
      parseModelSpec({ ...mlp, architecture: { type: 'mlp', hidden: [4], hiden: [2] } }),
    );
    expect(issuesOf(nested)[0]?.path).toBe('architecture.hiden');
    expect(issuesOf(nested)[0]?.allowed).toEqual([
      'type',
      'hidden',
      'activation',
      'dropout',
      'batchNorm',
      'inputShape',
    ]);
  });

  test('a regression loss on a classification spec names the loss and the allowed losses', () => {
    const error = specError(() => parseModelSpec({ ...mlp, loss: 'meanSquaredError' }));
    expect(error.code).toBe('SPEC_INVALID');
    expect(issuesOf(error)[0]).toMatchObject({ path: 'loss', allowed: ['categoricalCrossentropy'] });
  });

  test('early stopping may only watch the task metric', () => {
    const error = specError(() =>
      parseModelSpec({
        task: 'regression',
        architecture: { type: 'linear' },
        earlyStopping: { monitor: 'val_accuracy' },
      }),
    );
    expect(issuesOf(error)[0]).toMatchObject({
      path: 'earlyStopping.monitor',
      allowed: ['val_loss', 'loss', 'val_mae', 'mae'],
    });
  });

  test('class weights are rejected on regression', () => {
    const error = specError(() =>
      parseModelSpec({ task: 'regression', architecture: { type: 'linear' }, classWeights: 'balanced' }),
    );
    expect(issuesOf(error)[0]?.path).toBe('classWeights');
  });

  test('a cnn whose pooling shrinks the map to nothing names the block', () => {
    const error = specError(() =>
      parseModelSpec({
        task: 'classification',
        architecture: {
          type: 'cnn',
          inputShape: [4, 4, 1],
          blocks: [{ filters: 2 }, { filters: 2 }, { filters: 2 }],
        },
      }),
    );
    expect(issuesOf(error)[0]?.path).toBe('architecture.blocks[2].pool');
  });

  test('a non-object is rejected', () => {
    expect(specError(() => parseModelSpec('mlp')).code).toBe('SPEC_INVALID');
    expect(specError(() => parseModelSpec(null)).code).toBe('SPEC_INVALID');
  });
});

describe('checkSpecFitsData', () => {
  const tabular = { task: 'classification', featureCount: 4, classCount: 3 } as const;

  test('a fitting spec passes', () => {
    expect(() => checkSpecFitsData(parseModelSpec(mlp), tabular)).not.toThrow();
    const cnn = parseModelSpec({
      task: 'classification',
      architecture: { type: 'cnn', inputShape: [28, 28, 1], blocks: [{ filters: 4 }] },
    });
    expect(() =>
      checkSpecFitsData(cnn, {
        task: 'classification',
        featureCount: 784,
        classCount: 10,
        inputShape: [28, 28, 1],
      }),
    ).not.toThrow();
  });

  test('a regression spec on a classification target is SPEC_INVALID naming the loss', () => {
    const spec = parseModelSpec({ task: 'regression', architecture: { type: 'linear' } });
    const error = specError(() => checkSpecFitsData(spec, tabular));
    expect(error.code).toBe('SPEC_INVALID');
    expect(error.details.path).toBe('loss');
    expect(issuesOf(error)[0]?.allowed).toEqual(['categoricalCrossentropy']);
    expect(error.message).toContain('meanSquaredError');
  });

  test('a cnn on tabular data is SPEC_INVALID naming the architecture type', () => {
    const spec = parseModelSpec({
      task: 'classification',
      architecture: { type: 'cnn', inputShape: [2, 2, 1], blocks: [{ filters: 4, pool: 1 }] },
    });
    const error = specError(() => checkSpecFitsData(spec, tabular));
    expect(error.code).toBe('SPEC_INVALID');
    expect(error.details.path).toBe('architecture.type');
    expect(issuesOf(error)[0]?.allowed).toEqual(['linear', 'mlp']);
  });

  test('width mismatches are SPEC_INVALID naming inputShape', () => {
    const declared = parseModelSpec({ ...mlp, architecture: { type: 'mlp', hidden: [4], inputShape: [5] } });
    const error = specError(() => checkSpecFitsData(declared, tabular));
    expect(error.code).toBe('SPEC_INVALID');
    expect(error.details.path).toBe('architecture.inputShape');
    const cnn = parseModelSpec({
      task: 'classification',
      architecture: { type: 'cnn', inputShape: [28, 28, 1], blocks: [{ filters: 4 }] },
    });
    const images = specError(() =>
      checkSpecFitsData(cnn, {
        task: 'classification',
        featureCount: 2352,
        classCount: 10,
        inputShape: [28, 28, 3],
      }),
    );
    expect(images.details.path).toBe('architecture.inputShape');
  });

  test('class weights must name existing classes, by index or label', () => {
    const byIndex = parseModelSpec({ ...mlp, classWeights: { '0': 1, '7': 2 } });
    const error = specError(() => checkSpecFitsData(byIndex, tabular));
    expect(error.code).toBe('SPEC_INVALID');
    expect(error.details.path).toBe('classWeights.7');
    const byLabel = parseModelSpec({ ...mlp, classWeights: { Adelie: 2 } });
    expect(() =>
      checkSpecFitsData(byLabel, { ...tabular, classLabels: ['Adelie', 'Gentoo', 'Chinstrap'] }),
    ).not.toThrow();
  });

  test('malformed data shapes are INVALID_ARGUMENT', () => {
    expect(
      specError(() => checkSpecFitsData(parseModelSpec(mlp), { ...tabular, featureCount: 0 })).code,
    ).toBe('INVALID_ARGUMENT');
    expect(specError(() => checkSpecFitsData(parseModelSpec(mlp), { ...tabular, classCount: 1 })).code).toBe(
      'INVALID_ARGUMENT',
    );
  });
});

// Issue 16, point 12: a linear model at Adam 1e-3 for a few hundred steps barely left its start.
describe('defaults that fit the architecture and the data size', () => {
  const linear = { task: 'classification', architecture: { type: 'linear' } } as const;

  test('the learning rate follows optimizer and architecture unless the spec names one', () => {
    expect(parseModelSpec(linear).learningRate).toBe(0.05);
    expect(parseModelSpec({ ...linear, optimizer: 'rmsprop' }).learningRate).toBe(0.05);
    expect(parseModelSpec({ ...linear, optimizer: 'sgd' }).learningRate).toBe(0.1);
    expect(parseModelSpec(mlp).learningRate).toBe(1e-3);
    expect(parseModelSpec({ ...mlp, optimizer: 'sgd' }).learningRate).toBe(0.01);
    const cnn = {
      task: 'classification',
      architecture: { type: 'cnn', inputShape: [8, 8, 1], blocks: [{ filters: 4 }] },
    };
    expect(parseModelSpec(cnn).learningRate).toBe(1e-3);
    expect(parseModelSpec({ ...linear, learningRate: 1e-3 }).learningRate).toBe(1e-3);
  });

  test('without the data size, 10 epochs; with it, enough epochs for the minimum number of steps', () => {
    expect(parseModelSpec(linear).epochs).toBe(10);
    // 102 rows at batch 32: 4 batches per epoch, 125 epochs for 500 steps.
    expect(parseModelSpec(linear, { trainRows: 102 }).epochs).toBe(125);
    expect(parseModelSpec({ ...linear, batchSize: 8 }, { trainRows: 102 }).epochs).toBe(39);
    expect(MIN_DEFAULT_STEPS).toBe(500);
    for (const rows of [1, 7, 33, 102, 640, 1599, 1600, 1601, 50_000]) {
      const epochs = parseModelSpec(linear, { trainRows: rows }).epochs;
      const batches = Math.ceil(rows / 32);
      expect(epochs).toBe(defaultEpochs(rows, 32));
      expect(epochs).toBeGreaterThanOrEqual(10);
      expect(epochs).toBeLessThanOrEqual(MAX_DEFAULT_EPOCHS);
      // Enough steps unless the cap binds, and the fewest epochs that give them (or 10).
      expect(epochs * batches >= MIN_DEFAULT_STEPS || epochs === MAX_DEFAULT_EPOCHS).toBe(true);
      expect((epochs - 1) * batches < MIN_DEFAULT_STEPS || epochs === 10).toBe(true);
    }
    // A tiny table is capped, large data keeps 10 epochs (training time grows with the data as before).
    expect(parseModelSpec(linear, { trainRows: 10 }).epochs).toBe(MAX_DEFAULT_EPOCHS);
    expect(parseModelSpec(linear, { trainRows: 1600 }).epochs).toBe(10);
    expect(parseModelSpec(linear, { trainRows: 1_000_000 }).epochs).toBe(10);
  });

  test('epochs the spec names are kept whatever the data size', () => {
    expect(parseModelSpec({ ...linear, epochs: 80 }, { trainRows: 102 }).epochs).toBe(80);
    expect(parseModelSpec({ ...linear, epochs: 3 }, { trainRows: 10 }).epochs).toBe(3);
  });

  test('a training size that is not a positive whole number is INVALID_ARGUMENT', () => {
    for (const trainRows of [0, -4, 2.5, Number.NaN]) {
      const error = specError(() => parseModelSpec(linear, { trainRows }));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.details.field).toBe('trainRows');
    }
  });
});
