// Per-worker admission for jobs that use tfjs. tfjs has one global active backend per realm, so a
// job that switches it (the parity check runs the model on cpu, a conv job may need another
// backend than a dense one) must not interleave with a job that expects the other one. Jobs that
// hold the same key (the same job profile, hence the same backend) run side by side; a job with
// another key waits until they are done, in arrival order.

/** Runs tfjs jobs so that only jobs with the same key overlap. */
export interface BackendGate {
  /**
   * Runs `fn` once every job holding another key has finished (in arrival order); jobs with the same
   * key overlap. A unique key makes `fn` exclusive.
   */
  use<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /** The key held now (null when idle) and how many jobs hold it: for tests and diagnostics. */
  readonly state: { key: string | null; holders: number; waiting: number };
}

interface Waiter {
  key: string;
  grant: () => void;
}

/** Creates an idle gate (one per worker). */
export function createBackendGate(): BackendGate {
  let key: string | null = null;
  let holders = 0;
  const queue: Waiter[] = [];

  const acquire = (wanted: string): Promise<void> => {
    // Joining the current holders is fair only while nobody waits: otherwise a stream of same-key
    // jobs would starve a waiting one.
    if (holders === 0 || (key === wanted && queue.length === 0)) {
      key = wanted;
      holders++;
      return Promise.resolve();
    }
    return new Promise<void>((grant) => queue.push({ key: wanted, grant }));
  };

  const release = (): void => {
    holders--;
    if (holders > 0) return;
    key = null;
    const next = queue[0];
    if (!next) return;
    // Admit the next waiter and every waiter right behind it with the same key.
    key = next.key;
    while (queue[0]?.key === key) {
      holders++;
      (queue.shift() as Waiter).grant();
    }
  };

  return {
    async use<T>(wanted: string, fn: () => Promise<T>): Promise<T> {
      await acquire(wanted);
      try {
        return await fn();
      } finally {
        release();
      }
    },
    get state() {
      return { key, holders, waiting: queue.length };
    },
  };
}
