// Starts tfjs's threaded WASM build (SIMD + pthreads) so that it works inside bundled module
// workers, where tfjs's own start-up fails.
//
// Why tfjs's own start-up fails once bundled: its pthread workers load the Emscripten module from
// a Blob made of `wasmFactoryThreadedSimd.toString()` (tfjs-backend-wasm/src/backend_wasm.ts,
// `init`). After a bundler has wrapped or minified that factory, its source text refers to names
// that exist only in the bundle ("ReferenceError: e is not defined" with Vite 8 and tfjs 4.22).
// Here the pthread workers get the module's script exactly as tfjs ships it (emitted untouched by
// the bundler, see wasm-assets.ts, and fetched when threads start), and the factory the calling
// thread runs is the bundled one, which works where it was bundled. Everything else is tfjs's
// public API: `BackendWasm`, `findBackendFactory`, `registerBackend`.
import * as tf from '@tensorflow/tfjs';
import { BackendWasm, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as threadedFactoryModule from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js';
import { wasmWorkerContents } from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js';
import { WASM_ASSETS } from '#wasm-assets';
import { EdgeflowError } from '../errors.ts';

type ThreadedFactory = typeof threadedFactoryModule.default;
type WasmModule = Awaited<ReturnType<ThreadedFactory>>;
type EmscriptenCwrap = (
  name: string,
  returnType: 'number' | null,
  argTypes: readonly 'number'[],
) => (...args: number[]) => unknown;

// The CommonJS factory arrives as the default export or as the namespace itself, depending on the
// bundler's interop (tfjs's own backend_wasm.ts does the same).
const threadedFactory: ThreadedFactory =
  (threadedFactoryModule as { default?: ThreadedFactory }).default ??
  (threadedFactoryModule as unknown as ThreadedFactory);

/** Priority tfjs-backend-wasm registers 'wasm' with (base.ts, `WASM_PRIORITY`). */
const WASM_PRIORITY = 2;

let installed = false;
/** Why the last threaded start-up failed: tfjs only logs a backend factory's error. */
let lastStartFailure: unknown;

/** The error the last threaded start-up failed with, if it failed (for activateBackend's error). */
export function threadedStartFailure(): unknown {
  return lastStartFailure;
}

/**
 * Replaces tfjs's 'wasm' backend factory by one that starts the threaded build with `threadCount`
 * threads (the calling thread included; undefined: tfjs's default) when `useThreads()` resolves
 * true, and tfjs's own single-threaded start-up otherwise. Call before the wasm backend is first
 * initialised; later calls do nothing.
 */
export function installThreadedWasmBackend(
  useThreads: () => Promise<boolean>,
  threadCount: number | undefined,
): void {
  if (installed) return;
  installed = true;
  const tfjsFactory = tf.findBackendFactory('wasm');
  if (!tfjsFactory) return;
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      lastStartFailure = undefined;
      if (!(await useThreads())) return tfjsFactory();
      if (threadCount !== undefined) setThreadsCount(threadCount);
      const restore = threadCount === undefined ? () => {} : reportLogicalCores(2 * threadCount);
      try {
        return new BackendWasm(await startThreadedModule());
      } catch (error) {
        lastStartFailure = error;
        throw error;
      } finally {
        restore();
      }
    },
    WASM_PRIORITY,
  );
}

/**
 * tfjs caps its thread pool at half of `navigator.hardwareConcurrency`, read once while the module
 * starts ("Many x86-64 processors have 2 threads per core", tfjs-backend-wasm/src/cc/backend.cc),
 * so a 2-core device gets one thread: no gain at all. While the module starts, this context reports
 * `cores` logical cores; the returned function restores the browser's figure.
 */
function reportLogicalCores(cores: number): () => void {
  const nav = (globalThis as { navigator?: object }).navigator;
  if (!nav) return () => {};
  Object.defineProperty(nav, 'hardwareConcurrency', { configurable: true, get: () => cores });
  return () => {
    delete (nav as { hardwareConcurrency?: number }).hardwareConcurrency;
  };
}

/**
 * The text of the threaded build's script, served with the app. A page instead of a script (an
 * app server that answers unknown paths with its index page) counts as missing: the pthread
 * workers would fail on it with nothing but a syntax error.
 * @throws EdgeflowError `BACKEND_UNAVAILABLE` naming the URL when it cannot be fetched.
 */
export async function fetchThreadedScript(url: string): Promise<string> {
  let response: Response | undefined;
  let failure: unknown;
  try {
    response = await fetch(url);
  } catch (error) {
    failure = error;
  }
  const type = response?.headers.get('content-type') ?? '';
  if (response?.ok && !type.includes('text/html')) return response.text();
  const why = !response
    ? String(failure)
    : response.ok
      ? `an HTML page came back (${type}), not a script`
      : `HTTP ${response.status}`;
  throw new EdgeflowError(
    'BACKEND_UNAVAILABLE',
    `Backend "wasm" (threaded) is unavailable: its script ${url} could not be fetched (${why}). Serve the assets your bundler emitted with the app (a page that is not cross-origin isolated runs WASM single-threaded).`,
    {
      details: { backend: 'wasm', url, reason: why },
      ...(failure === undefined ? {} : { cause: failure }),
    },
  );
}

async function startThreadedModule(): Promise<WasmModule> {
  const { binaries, threadedModuleUrl } = WASM_ASSETS;
  if (threadedModuleUrl === null) {
    // configureWasm never installs the threaded start-up where this is null (plain Node).
    throw new EdgeflowError('BACKEND_UNAVAILABLE', "tfjs's threaded WASM build runs in browsers only.");
  }
  const threadedModuleScript = await fetchThreadedScript(threadedModuleUrl);
  const module = await threadedFactory({
    // The pthread workers' bootstrap (Emscripten's worker.js) as tfjs ships it; tfjs escapes its
    // newlines the same way, because the string was unescaped once when it was embedded.
    locateFile(path: string, prefix: string): string {
      if (path.endsWith('.worker.js')) {
        const source = (wasmWorkerContents as string).replace(/\n/g, '\\n');
        return URL.createObjectURL(new Blob([source], { type: 'application/javascript' }));
      }
      if (path.endsWith('.wasm') && binaries) return binaries['tfjs-backend-wasm-threaded-simd.wasm'];
      return prefix + path;
    },
    // What each pthread worker `importScripts` before calling `WasmBackendModuleThreadedSimd`:
    // the untouched script defines that global.
    mainScriptUrlOrBlob: new Blob([threadedModuleScript], { type: 'text/javascript' }),
  });
  // The same bridge tfjs's `init` builds; `BackendWasm` calls these. (`cwrap` is Emscripten's;
  // tfjs's declaration leaves it to @types/emscripten, which we do not install.)
  const { cwrap } = module as unknown as { cwrap: EmscriptenCwrap };
  module.tfjs = {
    init: cwrap('init', null, []),
    initWithThreadsCount: cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: cwrap('get_threads_count', 'number', []),
    registerTensor: cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: cwrap('dispose_data', null, ['number']),
    dispose: cwrap('dispose', null, []),
  } as WasmModule['tfjs'];
  return module;
}
