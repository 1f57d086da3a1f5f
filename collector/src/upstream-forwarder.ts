// Forwards accepted OTLP requests to an upstream OTLP/HTTP endpoint (an OpenTelemetry Collector
// gateway, and from there any metrics backend). The queue lives in the SQLite file, written in the
// same transaction as the points, so a restart resumes forwarding where it stopped. Retries follow
// the OTLP spec: 429, 502, 503, 504 and network errors are retried with backoff (Retry-After
// honoured); other 4xx answers mean the upstream will never take the batch, so it is dropped and counted.
import type { MetricStore } from './storage/types.ts';

/** Forwarding counters, for `/healthz` and tests. */
export interface ForwarderStats {
  forwarded: number;
  retried: number;
  dropped: number;
  backlog: number;
}

/** A running forwarder. */
export interface UpstreamForwarder {
  stats(): ForwarderStats;
  /** Runs one pass now (tests, shutdown). */
  pump(): Promise<void>;
  stop(): void;
}

const RETRYABLE = new Set([429, 502, 503, 504]);

/** Starts forwarding the store's queue to `url` every `intervalMs`. */
export function startUpstreamForwarder(
  store: MetricStore,
  options: {
    url: string;
    intervalMs?: number;
    headers?: Record<string, string>;
    log?: (line: string) => void;
  },
): UpstreamForwarder {
  const stats = { forwarded: 0, retried: 0, dropped: 0 };
  let running: Promise<void> | null = null;
  let stopped = false;
  const pass = async (): Promise<void> => {
    for (const item of store.dueForwards(Date.now(), 50)) {
      if (stopped) return;
      let retryAfterMs: number | null = null;
      try {
        const response = await fetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...options.headers },
          body: item.body as BufferSource,
          signal: AbortSignal.timeout(10_000),
        });
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) {
          store.removeForward(item.id);
          stats.forwarded++;
          continue;
        }
        if (!RETRYABLE.has(response.status)) {
          store.removeForward(item.id);
          stats.dropped++;
          options.log?.(`upstream refused a batch with ${response.status}; dropped it`);
          continue;
        }
        const header = Number(response.headers.get('retry-after'));
        if (Number.isFinite(header) && header >= 0) retryAfterMs = header * 1000;
      } catch {
        // Network error or timeout: retried below.
      }
      stats.retried++;
      const backoff = Math.min(60_000, 1000 * 1.5 ** item.attempts) * (0.8 + Math.random() * 0.4);
      store.deferForward(item.id, Date.now() + Math.max(retryAfterMs ?? 0, backoff));
    }
  };
  const pump = (): Promise<void> => {
    running ??= pass().finally(() => {
      running = null;
    });
    return running;
  };
  const timer = setInterval(() => {
    void pump();
  }, options.intervalMs ?? 1000);
  timer.unref();
  return {
    stats: () => ({ ...stats, backlog: store.forwardBacklog() }),
    pump,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
