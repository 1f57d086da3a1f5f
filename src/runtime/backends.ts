import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { WASM_ASSETS } from '#wasm-assets';
import { type Capabilities, isWorkerContext, probeCapabilities } from '../env.ts';
import { EdgeflowError, isEdgeflowError } from '../errors.ts';
import type { BackendName } from './types.ts';
import { installThreadedWasmBackend, threadedStartFailure } from './wasm-threads.ts';

export { BACKEND_ORDER } from './backend-order.ts';

/** Whether the WASM backend runs multi-threaded, and why not when it does not. */
export interface WasmThreadsReport {
  enabled: boolean;
  reason: string | null;
}

/** Options for `configureWasm`. */
export interface ConfigureWasmOptions {
  /** False: run single-threaded even where threads could start (a baseline, a test). Default true. */
  threads?: boolean;
  /**
   * Threads XNNPACK computes with, the calling thread included. Default: every logical core in a
   * worker (it is not the page's thread, and tfjs's own default, half the cores, is one thread on
   * a 2-core device: no gain at all); tfjs's default on the page's thread.
   */
  threadCount?: number;
  /** What this context supports (from `probeCapabilities()`); decides whether threads can start. */
  wasm?: Pick<Capabilities['wasm'], 'simd' | 'threads'>;
}

let wasmConfigured: WasmThreadsReport | undefined;

/**
 * Points the WASM backend at our own binaries and decides whether it runs multi-threaded. The
 * first call decides for this thread (tfjs starts the WASM module once); later calls return the
 * same answer whatever they pass.
 *
 * Threads need a cross-origin isolated context (SharedArrayBuffer) and WASM SIMD + threads (tfjs
 * ships a threaded build only with SIMD). Where they can start, the threaded build is started by
 * `installThreadedWasmBackend`, which works in bundled module workers, where tfjs's own start-up
 * does not (see wasm-threads.ts).
 */
export function configureWasm(options: ConfigureWasmOptions = {}): WasmThreadsReport {
  if (wasmConfigured) return wasmConfigured;
  if (WASM_ASSETS.binaries) setWasmPaths({ ...WASM_ASSETS.binaries });
  const reason = threadsUnavailableReason(options);
  if (reason !== null) {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    wasmConfigured = { enabled: false, reason };
  } else {
    const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
      ?.hardwareConcurrency;
    const threadCount = options.threadCount ?? (isWorkerContext() && cores ? cores : undefined);
    installThreadedWasmBackend(async () => {
      const [simd, threads] = await Promise.all([
        tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
        tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
      ]);
      return simd === true && threads === true;
    }, threadCount);
    wasmConfigured = { enabled: true, reason: null };
  }
  return wasmConfigured;
}

function threadsUnavailableReason(options: ConfigureWasmOptions): string | null {
  if (options.threads === false) return 'Turned off by configureWasm({ threads: false }).';
  if (WASM_ASSETS.threadedModuleUrl === null) {
    return "tfjs's threaded WASM build runs in browsers only; here the WASM backend runs single-threaded.";
  }
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  if (!isolated) {
    return 'The page is not cross-origin isolated (serve it with COOP: same-origin and COEP: require-corp).';
  }
  if (options.wasm && !options.wasm.threads) {
    return 'This browser cannot share WebAssembly memory between threads (no SharedArrayBuffer).';
  }
  if (options.wasm && !options.wasm.simd) {
    return "This browser has no WebAssembly SIMD; tfjs's threaded WASM build needs it.";
  }
  return null;
}

/**
 * Makes `name` the active tfjs backend, initialising it if needed.
 *
 * @throws EdgeflowError `BACKEND_UNAVAILABLE` with the reason it could not start.
 */
export async function activateBackend(name: BackendName): Promise<void> {
  if (name === 'wasm') configureWasm({ wasm: (await probeCapabilities()).wasm });
  if (name === 'webgpu') {
    const caps = await probeCapabilities();
    if (!caps.webgpu.available) {
      throw new EdgeflowError(
        'BACKEND_UNAVAILABLE',
        `Backend "webgpu" is unavailable: ${caps.webgpu.reason}`,
        {
          details: { backend: name, reason: caps.webgpu.reason },
        },
      );
    }
  }
  if (name === 'webgl') {
    const caps = await probeCapabilities();
    if (!caps.webgl.available) {
      throw new EdgeflowError('BACKEND_UNAVAILABLE', `Backend "webgl" is unavailable: ${caps.webgl.reason}`, {
        details: { backend: name, reason: caps.webgl.reason },
      });
    }
  }
  let ok = false;
  let failure: unknown;
  try {
    ok = await tf.setBackend(name);
    await tf.ready();
  } catch (error) {
    failure = error;
  }
  if (!ok || tf.getBackend() !== name) {
    // tfjs only logs why a backend's factory failed; the threaded WASM start-up keeps its error.
    if (failure === undefined && name === 'wasm') failure = threadedStartFailure();
    if (isEdgeflowError(failure, 'BACKEND_UNAVAILABLE')) throw failure;
    const why = failure === undefined ? 'tfjs could not initialise it' : String(failure);
    throw new EdgeflowError('BACKEND_UNAVAILABLE', `Backend "${name}" is unavailable: ${why}.`, {
      details: { backend: name, reason: why },
      ...(failure === undefined ? {} : { cause: failure }),
    });
  }
}

/**
 * Checks a user-supplied backend name.
 *
 * @throws EdgeflowError `INVALID_ARGUMENT` listing the valid names.
 */
export function parseBackendName(value: string, allowed: readonly string[]): void {
  if (!allowed.includes(value)) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `Unknown backend "${value}". Use one of: ${allowed.join(', ')}.`,
      {
        details: { backend: value, allowed },
      },
    );
  }
}
