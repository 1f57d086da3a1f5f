/**
 * What this JavaScript realm (page, worker, Node) can do, probed lazily and frozen. Nothing here
 * reads a global at import time, so the same module runs in Node, a worker and a page.
 */

/** Adapter facts WebGPU reports (`GPUAdapterInfo`), empty strings where the browser hides them. */
export interface GpuAdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
}

/** The frozen capability report. */
export interface Capabilities {
  /** Where we run: a dedicated/shared/service worker, a window, or Node. */
  context: 'window' | 'dedicated-worker' | 'shared-worker' | 'service-worker' | 'node' | 'unknown';
  userAgent: string;
  hardwareConcurrency: number;
  webgpu: { available: boolean; adapter: GpuAdapterSummary | null; reason: string | null };
  webgl: { available: boolean; version: 0 | 1 | 2; reason: string | null };
  wasm: { available: boolean; simd: boolean; threads: boolean };
  crossOriginIsolated: boolean;
  indexedDb: boolean;
  storage: { usage: number; quota: number; persisted: boolean | null } | null;
  /** Device memory in GiB where the browser reports it (`navigator.deviceMemory`). */
  deviceMemoryGiB: number | null;
}

let cached: Promise<Readonly<Capabilities>> | undefined;

/**
 * Probes the realm once and returns the same frozen report afterwards.
 *
 * @example
 * const caps = await probeCapabilities();
 * if (!caps.webgpu.available) console.info(caps.webgpu.reason);
 */
export function probeCapabilities(): Promise<Readonly<Capabilities>> {
  cached ??= runProbe();
  return cached;
}

/** Forgets the cached report (tests that stub globals use this). */
export function resetCapabilitiesForTesting(): void {
  cached = undefined;
}

async function runProbe(): Promise<Readonly<Capabilities>> {
  const nav = (globalThis as { navigator?: Navigator }).navigator;
  const [webgpu, storage] = await Promise.all([probeWebGpu(nav), probeStorage(nav)]);
  const report: Capabilities = {
    context: detectContext(),
    userAgent:
      nav?.userAgent ?? `node/${(globalThis as { process?: { version?: string } }).process?.version ?? '?'}`,
    hardwareConcurrency: nav?.hardwareConcurrency ?? 1,
    webgpu,
    webgl: probeWebGl(),
    wasm: probeWasm(),
    crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
    indexedDb: typeof (globalThis as { indexedDB?: unknown }).indexedDB !== 'undefined',
    storage,
    deviceMemoryGiB: (nav as { deviceMemory?: number } | undefined)?.deviceMemory ?? null,
  };
  return deepFreeze(report);
}

/** Whether the current realm is a worker of any kind. */
export function isWorkerContext(): boolean {
  const c = detectContext();
  return c === 'dedicated-worker' || c === 'shared-worker' || c === 'service-worker';
}

function detectContext(): Capabilities['context'] {
  const g = globalThis as Record<string, unknown>;
  const ctorName = (g.constructor as { name?: string } | undefined)?.name ?? '';
  if (ctorName === 'DedicatedWorkerGlobalScope') return 'dedicated-worker';
  if (ctorName === 'SharedWorkerGlobalScope') return 'shared-worker';
  if (ctorName === 'ServiceWorkerGlobalScope') return 'service-worker';
  if (typeof g.window !== 'undefined' && typeof g.document !== 'undefined') return 'window';
  const proc = g.process as { versions?: { node?: string } } | undefined;
  if (proc?.versions?.node) return 'node';
  return 'unknown';
}

async function probeWebGpu(nav: Navigator | undefined): Promise<Capabilities['webgpu']> {
  const gpu = (nav as { gpu?: GPU } | undefined)?.gpu;
  if (!gpu) {
    return {
      available: false,
      adapter: null,
      reason: 'navigator.gpu is missing: this browser or context has no WebGPU (or it is disabled).',
    };
  }
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) {
      return {
        available: false,
        adapter: null,
        reason: 'navigator.gpu.requestAdapter() returned null: no GPU adapter is available.',
      };
    }
    return { available: true, adapter: summarizeAdapter(adapter), reason: null };
  } catch (error) {
    return {
      available: false,
      adapter: null,
      reason: `navigator.gpu.requestAdapter() failed: ${String(error)}`,
    };
  }
}

/** Reduces a `GPUAdapter` to its plain, cloneable facts. */
export function summarizeAdapter(adapter: GPUAdapter): GpuAdapterSummary {
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
  return {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    device: info?.device ?? '',
    description: info?.description ?? '',
    isFallbackAdapter: (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter === true,
  };
}

function probeWebGl(): Capabilities['webgl'] {
  const g = globalThis as { OffscreenCanvas?: typeof OffscreenCanvas; document?: Document };
  let canvas: OffscreenCanvas | HTMLCanvasElement | undefined;
  if (typeof g.OffscreenCanvas === 'function') canvas = new g.OffscreenCanvas(1, 1);
  else if (g.document) canvas = g.document.createElement('canvas');
  if (!canvas)
    return {
      available: false,
      version: 0,
      reason: 'No OffscreenCanvas or document to create a WebGL context on.',
    };
  try {
    if (canvas.getContext('webgl2')) return { available: true, version: 2, reason: null };
    if (canvas.getContext('webgl')) return { available: true, version: 1, reason: null };
    return {
      available: false,
      version: 0,
      reason: 'getContext("webgl2") and getContext("webgl") both returned null.',
    };
  } catch (error) {
    return { available: false, version: 0, reason: `Creating a WebGL context failed: ${String(error)}` };
  }
}

// The smallest module that uses a SIMD type: one function returning `v128.const 0`. It validates
// only where the engine supports WASM SIMD.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11,
]);

function probeWasm(): Capabilities['wasm'] {
  const wasm = (globalThis as { WebAssembly?: typeof WebAssembly }).WebAssembly;
  if (!wasm) return { available: false, simd: false, threads: false };
  let simd = false;
  try {
    simd = wasm.validate(SIMD_PROBE);
  } catch {
    simd = false;
  }
  let threads = false;
  try {
    // Threads need SharedArrayBuffer, which browsers expose only to cross-origin isolated pages.
    threads =
      typeof SharedArrayBuffer === 'function' &&
      new wasm.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    threads = false;
  }
  return { available: true, simd, threads };
}

async function probeStorage(nav: Navigator | undefined): Promise<Capabilities['storage']> {
  const storage = nav?.storage;
  if (!storage?.estimate) return null;
  try {
    const estimate = await storage.estimate();
    // `persisted()` exists on the main thread only in some browsers; absent → unknown (null).
    const persisted = typeof storage.persisted === 'function' ? await storage.persisted() : null;
    return { usage: estimate.usage ?? 0, quota: estimate.quota ?? 0, persisted };
  } catch {
    return null;
  }
}

function deepFreeze<T>(value: T): Readonly<T> {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
