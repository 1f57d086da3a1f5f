// Bundles bench/node-webgpu.ts into one ESM file for a GPU machine without Node modules:
// `npx rolldown -c bench/node-webgpu.rolldown.config.mjs` writes bench/out/node-webgpu.mjs.
// `module` entries first, so tfjs and its webgpu backend share one tfjs-core.
export default {
  input: 'bench/node-webgpu.ts',
  platform: 'node',
  external: ['webgpu'],
  resolve: { mainFields: ['module', 'main'] },
  plugins: [
    {
      // Vite's `?url` asset imports (the WASM binaries) mean nothing in Node: empty strings.
      name: 'vite-url-imports',
      resolveId: (id) => (id.endsWith('?url') ? `\0url:${id}` : null),
      load: (id) => (id.startsWith('\0url:') ? 'export default "";' : null),
    },
  ],
  output: { file: 'bench/out/node-webgpu.mjs', format: 'esm', codeSplitting: false },
};
