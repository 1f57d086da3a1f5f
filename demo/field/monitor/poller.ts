// Polls on a timer while the page is visible: the monitor view asks the collector every few seconds,
// stops asking while the tab is hidden (no point drawing charts nobody sees, and a fleet of open
// tabs would load the collector for nothing), and asks at once when the tab comes back. After a
// failed poll it waits longer (doubling up to `maxIntervalMs`), so a collector that is down is not
// hammered; the first success returns to the normal interval.

/** What the poller reads to pause while hidden: `document` in a page. */
export interface VisibilitySource {
  readonly visibilityState: DocumentVisibilityState;
  addEventListener(type: 'visibilitychange', listener: () => void): void;
  removeEventListener(type: 'visibilitychange', listener: () => void): void;
}

/** Options of `startPolling`. */
export interface PollerOptions {
  /** Time between the end of one poll and the start of the next, ms. */
  intervalMs: number;
  /** Longest wait after failures, ms (default 8 × `intervalMs`). */
  maxIntervalMs?: number;
  /** One poll; a rejection counts as a failure (backoff). Aborted when the poller stops. */
  poll: (signal: AbortSignal) => Promise<void>;
  /** Pauses while hidden (default `globalThis.document` when there is one; none in Node). */
  visibility?: VisibilitySource | null;
  /** Told when polling pauses (tab hidden) or resumes. */
  onPausedChange?: (paused: boolean) => void;
}

/** A running poller. */
export interface Poller {
  /** Polls now (after the one in flight, if any) and restarts the timer. */
  refresh(): void;
  /** Stops for good and aborts the poll in flight. */
  stop(): void;
  /** Whether polling is paused because the page is hidden. */
  readonly paused: boolean;
}

/**
 * Starts polling: one poll at once (unless hidden), then one `intervalMs` after each poll ends.
 *
 * @example
 * const poller = startPolling({ intervalMs: 3000, poll: (signal) => refreshMonitor(api, signal) });
 * // later: poller.stop();
 */
export function startPolling(options: PollerOptions): Poller {
  const visibility =
    options.visibility === undefined
      ? ((globalThis as { document?: VisibilitySource }).document ?? null)
      : options.visibility;
  const maxInterval = options.maxIntervalMs ?? options.intervalMs * 8;
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let again = false;
  let stopped = false;
  let failures = 0;
  const hidden = (): boolean => visibility?.visibilityState === 'hidden';
  let paused = hidden();

  const schedule = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (stopped || hidden()) return;
    const delay = Math.min(maxInterval, options.intervalMs * 2 ** failures);
    timer = setTimeout(run, delay);
  };

  async function run(): Promise<void> {
    timer = undefined;
    if (stopped || hidden()) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await options.poll(controller.signal);
      failures = 0;
    } catch {
      // The poll reports its own errors; the poller only backs off.
      failures = Math.min(failures + 1, 16);
    } finally {
      running = false;
    }
    if (again) {
      again = false;
      void run();
      return;
    }
    schedule();
  }

  const onVisibility = (): void => {
    const nowHidden = hidden();
    if (nowHidden === paused) return;
    paused = nowHidden;
    options.onPausedChange?.(paused);
    if (paused) {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    } else {
      void run();
    }
  };
  visibility?.addEventListener('visibilitychange', onVisibility);
  if (!paused) void run();

  return {
    refresh() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      void run();
    },
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      visibility?.removeEventListener('visibilitychange', onVisibility);
      controller.abort();
    },
    get paused() {
      return paused;
    },
  };
}
