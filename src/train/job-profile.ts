import type { JobProfile } from '../runtime/types.ts';
import type { ModelSpec } from '../schemas/model-spec.ts';

/**
 * The runtime job a spec's training is: `conv-train` for a cnn (it needs the convolution gradient
 * kernels, which tfjs 4.22's wasm backend lacks), `dense-train` otherwise. Hand it to the
 * runtime's backend selection so each spec lands on a backend that can train it.
 */
export function jobProfileOf(spec: Pick<ModelSpec, 'architecture'>): JobProfile {
  return spec.architecture.type === 'cnn' ? 'conv-train' : 'dense-train';
}
