// Drains the outbox: one sender per origin, elected with a Web Lock, sends the oldest batch first,
// removes it only once the collector acknowledged it, backs off on 429/5xx and network errors
// (honouring Retry-After), waits for `online` while offline, and drops and counts what the collector
// refuses for good. Other contexts wait in the lock's queue and take over when the sender goes away.
import { toEdgeflowError } from '../errors.ts';
import { KEEPALIVE_BUDGET_BYTES } from './fetch-transport.ts';
import { backoffDelay, DEFAULT_RETRY_POLICY } from './retry-policy.ts';
import type {
  Outbox,
  OutboxBatch,
  RetryPolicy,
  SendResult,
  TelemetryErrorHandler,
  Transport,
} from './types.ts';

/** Options of the outbox sender. */
export interface OutboxSenderOptions {
  outbox: Outbox;
  transport: Transport;
  /** Web Lock name that elects the one sender (default `edgeflow-telemetry-sender`); null: no election. */
  lockName?: string | null;
  /** BroadcastChannel on which contexts announce new batches (default `edgeflow-telemetry`); null: none. */
  channelName?: string | null;
  retry?: Partial<RetryPolicy>;
  /** How often an idle sender looks at the outbox without being told (default 5 s). */
  pollMs?: number;
  onError?: TelemetryErrorHandler;
  /** Called after each acknowledged batch. */
  onSent?: (batch: OutboxBatch, result: SendResult) => void;
  random?: () => number;
}

/** Counters of one sender. */
export interface SenderStats {
  sent: number;
  retried: number;
  /** Batches refused for good, by reason (`rejected-400`, `rejected-413`…). */
  refused: Record<string, number>;
}

/** The draining side of the outbox. */
export interface OutboxSender {
  /** Joins the election; once elected, sends until stopped. Idempotent. */
  start(): void;
  /** Tells the sender (in this or another context) that a batch was appended. */
  notify(): void;
  /** Leaves the election and stops sending at once (an in-flight request may still complete). */
  stop(): Promise<void>;
  /** True while this context is the elected sender. */
  isSender(): boolean;
  /**
   * Sends `batches` (or the ones this sender last read) with `fetch(…, { keepalive: true })`, in
   * order, as many as fit in the 64 KiB keepalive budget; the rest stay for the next start. Returns
   * the number handed to fetch. Acknowledged ones are removed if the context lives long enough;
   * the idempotency key makes a later resend harmless.
   */
  flushKeepalive(batches?: readonly OutboxBatch[]): number;
  readonly stats: SenderStats;
}

const PEEK = 16;

/**
 * Creates the sender for an outbox.
 *
 * @example
 * const sender = createOutboxSender({ outbox, transport: createFetchTransport({ endpoint }) });
 * sender.start();
 */
export function createOutboxSender(options: OutboxSenderOptions): OutboxSender {
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const pollMs = options.pollMs ?? 5000;
  const lockName = options.lockName === undefined ? 'edgeflow-telemetry-sender' : options.lockName;
  const channelName = options.channelName === undefined ? 'edgeflow-telemetry' : options.channelName;
  const onError = options.onError ?? (() => undefined);
  const random = options.random ?? Math.random;
  const stats: SenderStats = { sent: 0, retried: 0, refused: {} };
  let running = false;
  let elected = false;
  let wake: (() => void) | null = null;
  let abort: AbortController | null = null;
  let channel: BroadcastChannel | null = null;
  let loopDone: Promise<void> = Promise.resolve();
  let recent: OutboxBatch[] = [];
  const keepaliveSent = new Set<string>();

  const rouse = (): void => {
    wake?.();
  };

  /** Resolves after `ms`, on the `online` event, on stop(), or (when `interruptible`) on `rouse()`. */
  const pause = (ms: number, interruptible: boolean): Promise<void> =>
    new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        globalThis.removeEventListener?.('online', done);
        wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      globalThis.addEventListener?.('online', done);
      // A retry wait must not be cut short by new batches, only by stop().
      wake = () => {
        if (interruptible || !running) done();
      };
    });

  const offline = (): boolean => globalThis.navigator?.onLine === false;

  async function sendLoop(): Promise<void> {
    let attempt = 0;
    while (running) {
      try {
        if (offline()) {
          await pause(30_000, false);
          continue;
        }
        recent = await options.outbox.peek(PEEK);
        const batch = recent[0];
        if (batch === undefined) {
          await pause(pollMs, true);
          continue;
        }
        const result = await options.transport.send(batch);
        if (!running && result.kind !== 'success') return;
        if (result.kind === 'success') {
          await options.outbox.remove([batch.seq]);
          stats.sent++;
          attempt = 0;
          options.onSent?.(batch, result);
        } else if (result.kind === 'failure') {
          await options.outbox.discard([batch.seq], result.reason);
          stats.refused[result.reason] = (stats.refused[result.reason] ?? 0) + 1;
          onError(result.error);
        } else {
          stats.retried++;
          const delay = Math.max(result.retryAfterMs ?? 0, backoffDelay(attempt, policy, random));
          attempt++;
          onError(result.error);
          // Offline: the `online` event ends the wait early; otherwise wait out the delay.
          await pause(delay, false);
        }
      } catch (error) {
        onError(toEdgeflowError(error));
        await pause(policy.maxDelayMs, false);
      }
    }
  }

  function run(): Promise<void> {
    loopDone = sendLoop();
    return loopDone;
  }

  return {
    stats,
    start(): void {
      if (running) return;
      running = true;
      if (channelName !== null && typeof BroadcastChannel !== 'undefined') {
        channel = new BroadcastChannel(channelName);
        channel.onmessage = () => rouse();
      }
      const locks = globalThis.navigator?.locks;
      if (lockName === null || locks === undefined) {
        elected = true;
        void run().finally(() => {
          elected = false;
        });
        return;
      }
      abort = new AbortController();
      locks
        .request(lockName, { signal: abort.signal }, async () => {
          if (!running) return;
          elected = true;
          try {
            await run();
          } finally {
            elected = false;
          }
        })
        .catch((error: unknown) => {
          // AbortError: stopped before being elected.
          if (!(error instanceof DOMException && error.name === 'AbortError'))
            onError(toEdgeflowError(error));
        });
    },
    notify(): void {
      rouse();
      channel?.postMessage('appended');
    },
    async stop(): Promise<void> {
      if (!running) return;
      running = false;
      abort?.abort();
      channel?.close();
      channel = null;
      rouse();
      await loopDone;
    },
    isSender(): boolean {
      return elected;
    },
    flushKeepalive(batches?: readonly OutboxBatch[]): number {
      let budget = KEEPALIVE_BUDGET_BYTES;
      let handed = 0;
      for (const batch of batches ?? recent) {
        if (keepaliveSent.has(batch.key)) continue;
        if (batch.bytes > budget) break;
        budget -= batch.bytes;
        handed++;
        keepaliveSent.add(batch.key);
        void options.transport
          .send(batch, { keepalive: true })
          .then(async (result) => {
            if (result.kind === 'success' && batch.seq > 0) await options.outbox.remove([batch.seq]);
          })
          .catch(() => undefined);
      }
      return handed;
    },
  };
}
