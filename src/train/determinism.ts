/**
 * How far two trainings with the same seed, data and backend may end apart (largest absolute
 * weight difference). cpu and wasm are bit-identical: every random draw (initial weights, shuffle
 * order, dropout masks) comes from `runtime/seed.ts` in JavaScript, and their kernels reduce in a
 * fixed order. webgpu and webgl promise no fixed reduction order across shader variants and
 * drivers, so a small tolerance is documented for them; on SwiftShader, runs were identical.
 */
export const REPRODUCIBILITY_TOLERANCE: Readonly<Record<string, number>> = {
  cpu: 0,
  wasm: 0,
  webgpu: 1e-5,
  webgl: 1e-5,
};
