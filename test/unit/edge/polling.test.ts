// Issue 14: background polling backs off exponentially with jitter after failures, honours
// Retry-After as a floor, and returns to the interval after a success.
import { afterEach, expect, test, vi } from 'vitest';
import { createEdgeClient, parseRetryAfter } from '../../../src/edge/index.ts';
import { MemoryModelStore } from '../../../src/registry/index.ts';
import { exportPublicKey, generateSigningKey } from '../../../src/release/index.ts';

afterEach(() => {
  vi.useRealTimers();
});

test('parseRetryAfter reads seconds and HTTP dates; junk is null', () => {
  const now = Date.UTC(2026, 0, 1, 0, 0, 0);
  expect(parseRetryAfter('120', now)).toBe(120_000);
  expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
  expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
  expect(parseRetryAfter('soon', now)).toBeNull();
  expect(parseRetryAfter(null, now)).toBeNull();
});

test('503 + Retry-After 30 s, then a 500, then 304s: polls at 0, 30 s, 34 s, then every second', async () => {
  const key = await generateSigningKey();
  const calls: { at: number }[] = [];
  const answers = [
    () => new Response('busy', { status: 503, headers: { 'Retry-After': '30' } }),
    () => new Response('oops', { status: 500 }),
    () => new Response(null, { status: 304 }),
  ];
  vi.useFakeTimers({ now: 0 });
  const client = await createEdgeClient({
    baseUrl: 'http://releases.invalid',
    model: 'm',
    channel: 'stable',
    publicKeys: { keys: [await exportPublicKey(key)] },
    store: new MemoryModelStore(),
    pollIntervalMs: 1000,
    random: () => 0.5,
    fetch: async () => {
      calls.push({ at: Date.now() });
      return (answers[Math.min(calls.length - 1, answers.length - 1)] as () => Response)();
    },
  });
  client.start();
  await vi.advanceTimersByTimeAsync(36_500);
  client.stop();
  // Failure 1: backoff 2 s (×2¹, jitter factor 1.0) but Retry-After says 30 s. Failure 2: 4 s (×2²).
  // Then success: back to the 1 s interval.
  expect(calls.map((c) => c.at)).toEqual([0, 30_000, 34_000, 35_000, 36_000]);
  await client.close();
});

test('jitter spreads the backoff ±20 %', async () => {
  const key = await generateSigningKey();
  const times: number[] = [];
  vi.useFakeTimers({ now: 0 });
  const client = await createEdgeClient({
    baseUrl: 'http://releases.invalid',
    model: 'm',
    channel: 'stable',
    publicKeys: { keys: [await exportPublicKey(key)] },
    store: new MemoryModelStore(),
    pollIntervalMs: 1000,
    random: () => 0,
    fetch: async () => {
      times.push(Date.now());
      throw new TypeError('fetch failed');
    },
  });
  client.start();
  await vi.advanceTimersByTimeAsync(10_000);
  client.stop();
  // random 0 → factor 0.8: 1.6 s, then 3.2 s, then 6.4 s.
  expect(times).toEqual([0, 1600, 4800]);
  await client.close();
});
