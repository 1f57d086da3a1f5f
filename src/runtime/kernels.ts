import * as tf from '@tensorflow/tfjs';
import type { BackendName, JobProfile } from './types.ts';

// Kernels each kind of job touches. Forward passes need the first group; training adds the
// gradient kernels and what Adam's update uses. tfjs 4.22's wasm backend lacks
// Conv2DBackpropFilter, which is what keeps it from training a CNN (ENVIRONMENT.md).
const DENSE_FORWARD = ['BatchMatMul', 'Add', 'Relu', 'Sigmoid', 'Softmax', 'Reshape'];
const DENSE_BACKWARD = [
  'Sum',
  'Multiply',
  'Sub',
  'RealDiv',
  'Sqrt',
  'Square',
  'Maximum',
  'Log',
  'Exp',
  'Neg',
  'Transpose',
];
const CONV_FORWARD = ['Conv2D', 'MaxPool', 'AvgPool'];
const CONV_BACKWARD = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPoolGrad', 'AvgPoolGrad'];

/** The kernel names a job of this profile needs on its backend. */
export function requiredKernels(job: JobProfile): string[] {
  switch (job) {
    case 'dense-infer':
      return [...DENSE_FORWARD];
    case 'dense-train':
      return [...DENSE_FORWARD, ...DENSE_BACKWARD];
    case 'conv-infer':
      return [...DENSE_FORWARD, ...CONV_FORWARD];
    case 'conv-train':
      return [...DENSE_FORWARD, ...DENSE_BACKWARD, ...CONV_FORWARD, ...CONV_BACKWARD];
  }
}

/** Kernels of `job` that `backend` has not registered (empty when it qualifies). */
export function missingKernels(backend: BackendName, job: JobProfile): string[] {
  return requiredKernels(job).filter((kernel) => tf.getKernel(kernel, backend) === undefined);
}
