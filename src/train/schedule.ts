import type { ModelSpec } from '../schemas/model-spec.ts';

/**
 * The learning rate of epoch `epoch` (from 0) under the spec's schedule: constant, step decay
 * (× factor every `everyEpochs`) or exponential decay (× rate each epoch).
 */
export function learningRateAt(spec: Pick<ModelSpec, 'learningRate' | 'schedule'>, epoch: number): number {
  const schedule = spec.schedule;
  switch (schedule.type) {
    case 'constant':
      return spec.learningRate;
    case 'step':
      return spec.learningRate * schedule.factor ** Math.floor(epoch / schedule.everyEpochs);
    case 'exponential':
      return spec.learningRate * schedule.rate ** epoch;
  }
}
