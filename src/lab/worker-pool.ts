import * as Comlink from 'comlink';
import { EdgeflowError } from '../errors.ts';
import type { BackendRequest } from '../runtime/types.ts';
import { installEdgeflowThrowHandler } from './comlink-errors.ts';
import type { LabWorkerApi } from './worker-api.ts';

/** Starts the worker at `index`; the default uses the bundled lab worker. */
export type WorkerFactory = (index: number) => Worker;

/**
 * Liveness checks while calls are in flight: a worker can die without an `error` event (it closed
 * itself, the browser killed it for memory), and then no reply ever comes. Every `intervalMs` the
 * pool pings a busy worker; one that has not answered for `timeoutMs` is declared dead.
 */
export interface HeartbeatOptions {
  /** Default 2000 ms. */
  intervalMs?: number;
  /**
   * Default 120 000 ms: far above the longest synchronous stretch a healthy worker has (a WebGPU
   * shader compile or the backend probe take a few seconds on an idle machine, but ten times that
   * on a loaded one: 30 s killed live workers in the demo on a busy 2-core machine), since a live
   * worker declared dead loses its run and the datasets it held.
   */
  timeoutMs?: number;
}

/** Options of `WorkerPool`. */
export interface WorkerPoolOptions {
  heartbeat?: HeartbeatOptions;
  /** Told when a worker is found dead (crashed, silent, or terminated), after its calls were rejected. */
  onWorkerLost?: (index: number, error: EdgeflowError) => void;
}

interface Slot {
  index: number;
  worker: Worker;
  remote: Comlink.Remote<LabWorkerApi>;
  /** Rejects every call in flight on this worker; set while the worker lives. */
  pending: Set<(error: EdgeflowError) => void>;
  alive: boolean;
  ready: Promise<void>;
  /** The liveness timer while calls are in flight. */
  heartbeat: ReturnType<typeof setInterval> | null;
  /** When the worker last answered (or was asked first), for the liveness timeout. */
  lastAnswer: number;
  /** Whether the worker finished starting (module loaded, configured): only then can it answer pings. */
  started: boolean;
}

/**
 * A fixed number of lab workers with crash detection: when a worker dies (terminated, uncaught
 * error) every call in flight on it rejects with `WORKER_CRASHED` at once instead of hanging, and
 * the next call on that slot starts a fresh worker.
 */
export class WorkerPool {
  readonly #slots: Slot[] = [];
  readonly #factory: WorkerFactory;
  readonly #backend: BackendRequest;
  readonly #options: WorkerPoolOptions;
  readonly #lostListeners = new Set<(index: number, error: EdgeflowError) => void>();
  #disposed = false;

  constructor(
    size: number,
    factory: WorkerFactory,
    backend: BackendRequest,
    options: WorkerPoolOptions = {},
  ) {
    installEdgeflowThrowHandler();
    this.#factory = factory;
    this.#backend = backend;
    this.#options = options;
    for (let i = 0; i < size; i++) this.#slots.push(this.#spawn(i));
  }

  get size(): number {
    return this.#slots.length;
  }

  /**
   * Runs `fn` against worker `index`, racing it against the worker's death.
   *
   * @throws EdgeflowError `WORKER_CRASHED` when the worker dies before answering; `DISPOSED` after dispose().
   */
  async call<T>(index: number, fn: (remote: Comlink.Remote<LabWorkerApi>) => Promise<T>): Promise<T> {
    if (this.#disposed)
      throw new EdgeflowError('DISPOSED', 'This lab was disposed; create a new one with createLab().');
    let slot = this.#slots[index];
    if (!slot) {
      throw new EdgeflowError(
        'INVALID_ARGUMENT',
        `No worker ${index}: this lab has workers 0–${this.size - 1}.`,
      );
    }
    if (!slot.alive) {
      slot = this.#spawn(index);
      this.#slots[index] = slot;
    }
    const live = slot;
    let rejectOnCrash: (error: EdgeflowError) => void = () => undefined;
    const crashed = new Promise<never>((_, reject) => {
      rejectOnCrash = reject;
    });
    live.pending.add(rejectOnCrash);
    this.#watch(live);
    try {
      await Promise.race([live.ready, crashed]);
      return await Promise.race([fn(live.remote), crashed]);
    } finally {
      live.pending.delete(rejectOnCrash);
      if (live.pending.size === 0) this.#unwatch(live);
    }
  }

  /** Adds a listener told when a worker is found dead (after its calls were rejected). */
  onLost(listener: (index: number, error: EdgeflowError) => void): void {
    this.#lostListeners.add(listener);
  }

  /** Calls in flight on worker `index` (0 for a dead or unknown slot). */
  load(index: number): number {
    const slot = this.#slots[index];
    return slot?.alive ? slot.pending.size : 0;
  }

  /** Index of the worker with the fewest calls in flight (ties go to the lowest index). */
  leastBusy(): number {
    let best = 0;
    let load = Number.POSITIVE_INFINITY;
    this.#slots.forEach((slot, i) => {
      const l = slot.alive ? slot.pending.size : 0;
      if (l < load) {
        best = i;
        load = l;
      }
    });
    return best;
  }

  /** Ends worker `index` now; its calls in flight reject with `WORKER_CRASHED`. A later call restarts it. */
  terminate(index: number, reason = 'terminated by the application'): void {
    const slot = this.#slots[index];
    if (slot?.alive) this.#kill(slot, reason);
  }

  /** Ends every worker; calls in flight reject with `WORKER_CRASHED`, later calls with `DISPOSED`. */
  dispose(): void {
    this.#disposed = true;
    for (const slot of this.#slots) if (slot.alive) this.#kill(slot, 'the lab was disposed');
  }

  #spawn(index: number): Slot {
    const worker = this.#factory(index);
    const remote = Comlink.wrap<LabWorkerApi>(worker);
    const slot: Slot = {
      index,
      worker,
      remote,
      pending: new Set(),
      alive: true,
      ready: Promise.resolve(),
      heartbeat: null,
      lastAnswer: Date.now(),
      started: false,
    };
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      const where = event.filename ? ` at ${event.filename}:${event.lineno}` : '';
      this.#kill(slot, `uncaught error in the worker: ${event.message || 'unknown error'}${where}`);
    });
    worker.addEventListener('messageerror', () =>
      this.#kill(slot, 'a message from the worker could not be read'),
    );
    slot.ready = remote.configure({ backend: this.#backend, index });
    // Starting (loading the module, tfjs included) can take seconds with no way to answer a ping;
    // the liveness timeout counts from the moment the worker is up.
    slot.ready.then(
      () => {
        slot.started = true;
        slot.lastAnswer = Date.now();
      },
      () => undefined,
    );
    // A failure here surfaces through the first call's race; keep it from being reported as unhandled.
    slot.ready.catch(() => undefined);
    return slot;
  }

  /** Starts pinging a worker that has calls in flight (once per slot). */
  #watch(slot: Slot): void {
    if (slot.heartbeat !== null || !slot.alive) return;
    const intervalMs = this.#options.heartbeat?.intervalMs ?? 2000;
    const timeoutMs = this.#options.heartbeat?.timeoutMs ?? 120_000;
    slot.lastAnswer = Date.now();
    let asking = false;
    slot.heartbeat = setInterval(() => {
      if (!slot.alive || !slot.started) return;
      if (Date.now() - slot.lastAnswer > timeoutMs) {
        this.#kill(slot, `it stopped answering: no reply to a liveness check for ${timeoutMs} ms`);
        return;
      }
      if (asking) return;
      asking = true;
      slot.remote.ping().then(
        () => {
          asking = false;
          slot.lastAnswer = Date.now();
        },
        () => {
          asking = false;
        },
      );
    }, intervalMs);
  }

  #unwatch(slot: Slot): void {
    if (slot.heartbeat !== null) clearInterval(slot.heartbeat);
    slot.heartbeat = null;
  }

  #kill(slot: Slot, reason: string): void {
    if (!slot.alive) return;
    slot.alive = false;
    this.#unwatch(slot);
    slot.worker.terminate();
    slot.remote[Comlink.releaseProxy]();
    const error = new EdgeflowError(
      'WORKER_CRASHED',
      `Lab worker ${slot.index} stopped (${reason}); the call did not finish. Retry it: the worker restarts on the next call.`,
      { details: { worker: slot.index, reason } },
    );
    for (const reject of slot.pending) reject(error);
    slot.pending.clear();
    this.#options.onWorkerLost?.(slot.index, error);
    for (const listener of this.#lostListeners) listener(slot.index, error);
  }
}
