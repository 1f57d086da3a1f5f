// Types for the `webgpu` npm package (Dawn for Node), which bench/node-webgpu.ts uses on GPU
// machines without a browser. It is not a dependency: it is carried to such a machine by hand.
declare module 'webgpu' {
  export function create(flags: string[]): GPU;
  export const globals: Record<string, unknown>;
}
