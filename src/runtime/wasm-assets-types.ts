// What the two variants of `#wasm-assets` (wasm-assets.ts for bundlers, wasm-assets.node.ts for
// plain Node) provide.

/** The WASM backend's files as this realm loads them. */
export interface WasmAssets {
  /**
   * URLs of the three WASM builds, keyed by the file names `setWasmPaths` expects; null where tfjs
   * finds its own binaries (Node: next to its own script in node_modules).
   */
  binaries: {
    'tfjs-backend-wasm.wasm': string;
    'tfjs-backend-wasm-simd.wasm': string;
    'tfjs-backend-wasm-threaded-simd.wasm': string;
  } | null;
  /**
   * URL of the threaded build's script as tfjs ships it (fetched when threads start, for the
   * pthread workers); null where threads never start.
   */
  threadedModuleUrl: string | null;
}
