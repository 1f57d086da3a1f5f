import * as Comlink from 'comlink';
import { EdgeflowError } from '../errors.ts';
import type { BackendRequest } from '../runtime/types.ts';
import { installEdgeflowThrowHandler } from './comlink-errors.ts';
import type { LabWorkerApi } from './worker-api.ts';

/** Starts the worker at `index`; the default uses the bundled lab worker. */
export type WorkerFactory = (index: number) => Worker;

interface Slot {
  index: number;
  worker: Worker;
  remote: Comlink.Remote<LabWorkerApi>;
  /** Rejects every call in flight on this worker; set while the worker lives. */
  pending: Set<(error: EdgeflowError) => void>;
  alive: boolean;
  ready: Promise<void>;
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
  #disposed = false;

  constructor(size: number, factory: WorkerFactory, backend: BackendRequest) {
    installEdgeflowThrowHandler();
    this.#factory = factory;
    this.#backend = backend;
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
    try {
      await Promise.race([live.ready, crashed]);
      return await Promise.race([fn(live.remote), crashed]);
    } finally {
      live.pending.delete(rejectOnCrash);
    }
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
    const slot: Slot = { index, worker, remote, pending: new Set(), alive: true, ready: Promise.resolve() };
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      const where = event.filename ? ` at ${event.filename}:${event.lineno}` : '';
      this.#kill(slot, `uncaught error in the worker: ${event.message || 'unknown error'}${where}`);
    });
    worker.addEventListener('messageerror', () =>
      this.#kill(slot, 'a message from the worker could not be read'),
    );
    slot.ready = remote.configure({ backend: this.#backend, index });
    // A failure here surfaces through the first call's race; keep it from being reported as unhandled.
    slot.ready.catch(() => undefined);
    return slot;
  }

  #kill(slot: Slot, reason: string): void {
    if (!slot.alive) return;
    slot.alive = false;
    slot.worker.terminate();
    slot.remote[Comlink.releaseProxy]();
    const error = new EdgeflowError(
      'WORKER_CRASHED',
      `Lab worker ${slot.index} stopped (${reason}); the call did not finish. Retry it: the worker restarts on the next call.`,
      { details: { worker: slot.index, reason } },
    );
    for (const reject of slot.pending) reject(error);
    slot.pending.clear();
  }
}
