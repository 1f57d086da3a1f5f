import type { BackendName } from './types.ts';

/** The order `'first'` tries backends in, fastest class of hardware first. (No imports with side effects.) */
export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
