// Issue 15 (monitor view): the monitor polls the collector every few seconds, stops while the tab
// is hidden, asks at once when it comes back, and backs off while polls fail.
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { startPolling, type VisibilitySource } from '../../../demo/field/monitor/poller.ts';

class FakeDocument extends EventTarget implements VisibilitySource {
  visibilityState: DocumentVisibilityState = 'visible';
  set(state: DocumentVisibilityState): void {
    this.visibilityState = state;
    this.dispatchEvent(new Event('visibilitychange'));
  }
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

test('polls at once, then every interval after a poll ends; pauses while hidden and polls on return', async () => {
  const doc = new FakeDocument();
  const paused: boolean[] = [];
  let polls = 0;
  const poller = startPolling({
    intervalMs: 1000,
    poll: async () => {
      polls++;
    },
    visibility: doc,
    onPausedChange: (p) => paused.push(p),
  });
  await vi.advanceTimersByTimeAsync(0);
  expect(polls).toBe(1);
  await vi.advanceTimersByTimeAsync(3000);
  expect(polls).toBe(4);

  doc.set('hidden');
  expect(poller.paused).toBe(true);
  await vi.advanceTimersByTimeAsync(10_000);
  expect(polls).toBe(4);
  poller.refresh();
  await vi.advanceTimersByTimeAsync(0);
  expect(polls).toBe(4);

  doc.set('visible');
  await vi.advanceTimersByTimeAsync(0);
  expect(polls).toBe(5);
  expect(paused).toEqual([true, false]);

  poller.stop();
  await vi.advanceTimersByTimeAsync(10_000);
  expect(polls).toBe(5);
});

test('a hidden tab starts paused; failures double the wait up to the maximum, a success resets it', async () => {
  const doc = new FakeDocument();
  doc.visibilityState = 'hidden';
  const at: number[] = [];
  let fail = true;
  const start = Date.now();
  const poller = startPolling({
    intervalMs: 100,
    maxIntervalMs: 400,
    poll: async () => {
      at.push(Date.now() - start);
      if (fail) throw new Error('collector down');
    },
    visibility: doc,
  });
  await vi.advanceTimersByTimeAsync(1000);
  expect(at).toEqual([]);
  doc.set('visible');
  await vi.advanceTimersByTimeAsync(1500);
  // At 1000 (on return), then waits of 200, 400, 400, … (100 × 2^failures, capped at 400).
  expect(at.slice(0, 5)).toEqual([1000, 1200, 1600, 2000, 2400]);
  fail = false;
  await vi.advanceTimersByTimeAsync(500);
  // The poll at 2800 succeeds: back to the 100 ms interval.
  expect(at.slice(5)).toEqual([2800, 2900, 3000]);
  poller.stop();
});

test('stopping aborts the poll in flight; a refresh during a poll runs once more after it', async () => {
  const signals: AbortSignal[] = [];
  let release: (() => void) | undefined;
  let polls = 0;
  const poller = startPolling({
    intervalMs: 1000,
    visibility: null,
    poll: (signal) => {
      polls++;
      signals.push(signal);
      return new Promise<void>((resolve) => {
        release = resolve;
      });
    },
  });
  await vi.advanceTimersByTimeAsync(0);
  expect(polls).toBe(1);
  poller.refresh();
  await vi.advanceTimersByTimeAsync(0);
  expect(polls).toBe(1);
  release?.();
  await vi.advanceTimersByTimeAsync(0);
  expect(polls).toBe(2);
  poller.stop();
  expect(signals[1]?.aborted).toBe(true);
});
