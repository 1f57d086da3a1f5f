import * as tf from '@tensorflow/tfjs';
import { EdgeflowError } from '../errors.ts';
import type { ModelSpec } from '../schemas/model-spec.ts';
import type { ModelShape } from './types.ts';
import { initialiseSeededWeights } from './weights.ts';

function checkShape(spec: ModelSpec, shape: ModelShape): void {
  if (!Number.isInteger(shape.featureCount) || shape.featureCount < 1) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `featureCount is ${shape.featureCount}; it must be a positive integer (values per row after the pipeline).`,
      { details: { featureCount: shape.featureCount } },
    );
  }
  if (spec.task === 'classification' && (!Number.isInteger(shape.classCount) || shape.classCount < 2)) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `classCount is ${shape.classCount}; a classifier needs an integer ≥ 2.`,
      { details: { classCount: shape.classCount } },
    );
  }
  const arch = spec.architecture;
  const declared = arch.type === 'cnn' ? arch.inputShape.reduce((a, b) => a * b, 1) : arch.inputShape?.[0];
  if (declared !== undefined && declared !== shape.featureCount) {
    throw new EdgeflowError(
      'SPEC_INVALID',
      `architecture.inputShape: the spec declares ${declared} values per row but featureCount is ${shape.featureCount}. Run checkSpecFitsData first, or fix inputShape.`,
      { details: { path: 'architecture.inputShape', declared, featureCount: shape.featureCount } },
    );
  }
}

/**
 * Builds the tfjs model a parsed spec describes, with seeded initial weights: the same spec
 * (and seed) gives the same starting weights on every backend. Classifiers end in a softmax over
 * `classCount` units, regressors in one linear unit. The model is not compiled: `trainModel`
 * runs its own loop, and `predict`/`save` need no compilation.
 *
 * Layers are named (`hidden_1`, `bn_1`, `conv_1`, `output`…), so topologies of the same spec match.
 *
 * @example
 * const spec = parseModelSpec({ task: 'classification', architecture: { type: 'mlp', hidden: [32] } });
 * const model = buildModel(spec, { featureCount: 4, classCount: 3 });
 * @throws EdgeflowError `INVALID_ARGUMENT` for a bad feature or class count; `SPEC_INVALID` when
 *   the spec's declared input width differs from `featureCount`.
 */
export function buildModel(spec: ModelSpec, shape: ModelShape): tf.LayersModel {
  checkShape(spec, shape);
  const arch = spec.architecture;
  const outputs = spec.task === 'classification' ? shape.classCount : 1;
  const outputActivation = spec.task === 'classification' ? 'softmax' : 'linear';
  const model = tf.sequential({ name: `edgeflow_${arch.type}` });
  if (arch.type === 'linear') {
    model.add(
      tf.layers.dense({
        units: outputs,
        activation: outputActivation,
        inputShape: [shape.featureCount],
        name: 'output',
      }),
    );
  } else if (arch.type === 'mlp') {
    arch.hidden.forEach((units, i) => {
      const n = i + 1;
      model.add(
        tf.layers.dense({
          units,
          // With batch norm the activation comes after normalisation, and its beta makes a bias redundant.
          activation: arch.batchNorm ? 'linear' : arch.activation,
          useBias: !arch.batchNorm,
          name: `hidden_${n}`,
          ...(i === 0 ? { inputShape: [shape.featureCount] } : {}),
        }),
      );
      if (arch.batchNorm) {
        model.add(tf.layers.batchNormalization({ name: `bn_${n}` }));
        model.add(tf.layers.activation({ activation: arch.activation, name: `act_${n}` }));
      }
      if (arch.dropout > 0) model.add(tf.layers.dropout({ rate: arch.dropout, name: `dropout_${n}` }));
    });
    model.add(tf.layers.dense({ units: outputs, activation: outputActivation, name: 'output' }));
  } else {
    arch.blocks.forEach((block, i) => {
      const n = i + 1;
      model.add(
        tf.layers.conv2d({
          filters: block.filters,
          kernelSize: block.kernelSize,
          padding: 'same',
          activation: arch.activation,
          name: `conv_${n}`,
          ...(i === 0 ? { inputShape: [...arch.inputShape] } : {}),
        }),
      );
      if (block.pool > 1) {
        model.add(tf.layers.maxPooling2d({ poolSize: block.pool, strides: block.pool, name: `pool_${n}` }));
      }
    });
    model.add(tf.layers.flatten({ name: 'flatten' }));
    arch.dense.forEach((units, i) => {
      model.add(tf.layers.dense({ units, activation: arch.activation, name: `dense_${i + 1}` }));
    });
    if (arch.dropout > 0) model.add(tf.layers.dropout({ rate: arch.dropout, name: 'dropout' }));
    model.add(tf.layers.dense({ units: outputs, activation: outputActivation, name: 'output' }));
  }
  initialiseSeededWeights(model, spec.seed);
  return model;
}
