import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { isWorkerContext, probeCapabilities } from '../env.ts';
import { EdgeflowError } from '../errors.ts';
import type { BackendName } from './types.ts';
import { WASM_BINARY_URLS } from './wasm-binaries.ts';

export { BACKEND_ORDER } from './backend-order.ts';

let wasmConfigured: { enabled: boolean; reason: string | null } | undefined;

/**
 * Points the WASM backend at our own binaries and decides whether it may use threads. Idempotent.
 *
 * The threaded build fails inside a bundled module worker: its pthread workers are started from
 * a script that references the Emscripten module by a name the bundle renamed ("ReferenceError:
 * e is not defined", seen with Vite 8 and tfjs 4.22, ENVIRONMENT.md). Until that is solved we run
 * WASM single-threaded (SIMD still on) inside workers and say so in the runtime report.
 */
export function configureWasm(): { enabled: boolean; reason: string | null } {
  if (wasmConfigured) return wasmConfigured;
  setWasmPaths({ ...WASM_BINARY_URLS });
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  if (!isolated) {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    wasmConfigured = {
      enabled: false,
      reason:
        'The page is not cross-origin isolated (serve it with COOP: same-origin and COEP: require-corp).',
    };
  } else if (isWorkerContext()) {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    wasmConfigured = {
      enabled: false,
      reason:
        "tfjs 4.22's threaded WASM build cannot start its pthreads from a bundled module worker; running single-threaded.",
    };
  } else {
    wasmConfigured = { enabled: true, reason: null };
  }
  return wasmConfigured;
}

/**
 * Makes `name` the active tfjs backend, initialising it if needed.
 *
 * @throws EdgeflowError `BACKEND_UNAVAILABLE` with the reason it could not start.
 */
export async function activateBackend(name: BackendName): Promise<void> {
  if (name === 'wasm') configureWasm();
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
