import { type Capabilities, probeCapabilities } from '../env.ts';
import { EdgeflowError } from '../errors.ts';
import { defaultBackendCache } from './backend-cache.ts';
import { activateBackend, BACKEND_ORDER, configureWasm, parseBackendName } from './backends.ts';
import { missingKernels } from './kernels.ts';
import { measureTrainingThroughput } from './probe.ts';
import type {
  BackendChoiceCache,
  BackendName,
  BackendRequest,
  JobProfile,
  ProbeFigure,
  RuntimeReport,
  SelectBackendOptions,
} from './types.ts';

const REQUESTS: readonly string[] = [...BACKEND_ORDER, 'first', 'auto'];

/** The key under which an `'auto'` choice is cached: same browser, same adapter, same kind of job. */
export function deviceKey(caps: Readonly<Capabilities>, job: JobProfile): string {
  const a = caps.webgpu.adapter;
  const adapter = a ? [a.vendor, a.architecture, a.device, a.description].join('/') : 'no-webgpu';
  return `${caps.userAgent}|${adapter}|webgl${caps.webgl.version}|${job}`;
}

/**
 * Chooses and activates the tfjs backend for a job: exactly the one named, the first that starts
 * (`'first'`), or the fastest by a short training probe (`'auto'`, the default), remembered per
 * device. A backend qualifies only when it has every kernel the job needs.
 *
 * @throws EdgeflowError `INVALID_ARGUMENT` for an unknown name; `BACKEND_UNAVAILABLE` when the
 *   named backend (or, for 'first'/'auto', every backend) cannot run the job, with the reasons.
 * @example
 * const report = await selectBackend({ backend: 'auto', job: 'dense-train' });
 * console.log(report.backend, report.reason);
 */
export async function selectBackend(options: SelectBackendOptions = {}): Promise<RuntimeReport> {
  const request: BackendRequest = options.backend ?? 'auto';
  parseBackendName(request, REQUESTS);
  const job: JobProfile = options.job ?? 'dense-train';
  const caps = await probeCapabilities();
  const wasmThreads = configureWasm({ wasm: caps.wasm });
  const base = { request, job, adapter: caps.webgpu.adapter, capabilities: caps, wasmThreads };

  if (request !== 'first' && request !== 'auto') {
    await activateQualified(request, job);
    return {
      ...base,
      backend: request,
      reason: `Requested explicitly.`,
      probe: null,
      fromCache: false,
      rejected: [],
    };
  }

  if (request === 'first') {
    const rejected: RuntimeReport['rejected'] = [];
    for (const name of BACKEND_ORDER) {
      const why = await tryActivate(name, job);
      if (why === null) {
        const passed = rejected.length
          ? ` (passed over: ${rejected.map((r) => `${r.backend}: ${r.reason}`).join('; ')})`
          : '';
        return {
          ...base,
          backend: name,
          reason: `First backend that started${passed}.`,
          probe: null,
          fromCache: false,
          rejected,
        };
      }
      rejected.push({ backend: name, reason: why });
    }
    throw noBackend(rejected, job);
  }

  const cache: BackendChoiceCache | null =
    options.cache === undefined ? defaultBackendCache() : options.cache;
  // One probe at a time per origin: workers starting together would otherwise all measure at
  // once, each disturbing the others' figures, and each pay for it. The first measures; the
  // others then find its choice in the cache.
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  const run = () => chooseAuto(options, job, caps, base, cache);
  return cache && locks ? locks.request('edgeflow-backend-probe', run) : run();
}

async function chooseAuto(
  options: SelectBackendOptions,
  job: JobProfile,
  caps: Readonly<Capabilities>,
  base: Pick<RuntimeReport, 'request' | 'job' | 'adapter' | 'capabilities' | 'wasmThreads'>,
  cache: BackendChoiceCache | null,
): Promise<RuntimeReport> {
  const key = deviceKey(caps, job);
  if (cache && !options.reprobe) {
    const cached = await cache.get(key).catch(() => undefined);
    if (cached && (await tryActivate(cached.backend, job)) === null) {
      return {
        ...base,
        backend: cached.backend,
        reason: `Fastest in the probe of ${new Date(cached.measuredAt).toISOString()} on this device (cached; pass reprobe to measure again).`,
        probe: cached.probe,
        fromCache: true,
        rejected: cached.probe
          .filter((p) => p.skipped)
          .map((p) => ({ backend: p.backend, reason: p.skipped ?? '' })),
      };
    }
  }

  const probe: ProbeFigure[] = [];
  for (const name of BACKEND_ORDER) {
    const why = await tryActivate(name, job);
    if (why !== null) {
      probe.push({ backend: name, samplesPerSecond: null, warmupMs: null, skipped: why });
      continue;
    }
    try {
      const figure = await measureTrainingThroughput();
      probe.push({ backend: name, ...figure, skipped: null });
    } catch (error) {
      probe.push({
        backend: name,
        samplesPerSecond: null,
        warmupMs: null,
        skipped: `probe failed: ${String(error)}`,
      });
    }
  }
  const measured = probe.filter(
    (p): p is ProbeFigure & { samplesPerSecond: number } => p.samplesPerSecond !== null,
  );
  const rejected = probe
    .filter((p) => p.skipped)
    .map((p) => ({ backend: p.backend, reason: p.skipped ?? '' }));
  const best = measured.sort((a, b) => b.samplesPerSecond - a.samplesPerSecond)[0];
  if (!best) throw noBackend(rejected, job);
  await activateBackend(best.backend);
  if (cache)
    await cache.set(key, { backend: best.backend, probe, measuredAt: Date.now() }).catch(() => undefined);
  const figures = measured.map((p) => `${p.backend} ${Math.round(p.samplesPerSecond)}/s`).join(', ');
  return {
    ...base,
    backend: best.backend,
    reason: `Fastest in a training probe just now (${figures}).`,
    probe,
    fromCache: false,
    rejected,
  };
}

async function activateQualified(name: BackendName, job: JobProfile): Promise<void> {
  await activateBackend(name);
  const missing = missingKernels(name, job);
  if (missing.length) {
    throw new EdgeflowError(
      'BACKEND_UNAVAILABLE',
      `Backend "${name}" cannot run a ${job} job: it has no ${missing.join(', ')} kernel. Use another backend or 'auto'.`,
      { details: { backend: name, job, missingKernels: missing } },
    );
  }
}

/** Activates `name` if it qualifies for `job`; returns null on success, else the reason. */
async function tryActivate(name: BackendName, job: JobProfile): Promise<string | null> {
  try {
    await activateQualified(name, job);
    return null;
  } catch (error) {
    const reason = error instanceof EdgeflowError ? (error.details.reason as string | undefined) : undefined;
    const missing =
      error instanceof EdgeflowError ? (error.details.missingKernels as string[] | undefined) : undefined;
    if (missing) return `missing kernels for ${job}: ${missing.join(', ')}`;
    return reason ?? String(error);
  }
}

function noBackend(rejected: RuntimeReport['rejected'], job: JobProfile): EdgeflowError {
  return new EdgeflowError(
    'BACKEND_UNAVAILABLE',
    `No tfjs backend can run a ${job} job here: ${rejected.map((r) => `${r.backend}: ${r.reason}`).join('; ')}.`,
    { details: { job, rejected } },
  );
}
