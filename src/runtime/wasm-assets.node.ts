// The WASM backend's files in plain Node (this package's `#wasm-assets` import under the "node"
// condition): Node has no bundler to turn `?url` and `?raw` imports into assets, and needs none.
// tfjs's Node build reads its binaries from its own folder in node_modules, and the threaded
// build never starts (it needs a browser's workers and a cross-origin isolated page).
import type { WasmAssets } from './wasm-assets-types.ts';

export const WASM_ASSETS: WasmAssets = { binaries: null, threadedModuleUrl: null };
