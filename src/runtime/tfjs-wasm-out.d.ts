// tfjs-backend-wasm ships the pthread bootstrap as a CommonJS module exporting one string and no
// type declaration; this is its shape (wasm-out/tfjs-backend-wasm-threaded-simd.worker.js).
declare module '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js' {
  /** Emscripten's pthread worker script, as text. */
  export const wasmWorkerContents: string;
}
