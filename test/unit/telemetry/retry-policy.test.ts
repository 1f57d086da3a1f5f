// Issue 12: backoff ×1.5 from 1 s to 5 s with ±20 % jitter; Retry-After in seconds or as a date.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_RETRY_POLICY, parseRetryAfter } from '../../../src/telemetry/index.ts';

describe('retry policy', () => {
  it('grows ×1.5 from 1 s and caps at 5 s (no jitter at the midpoint)', () => {
    expect([0, 1, 2, 3, 4, 5, 12].map((a) => backoffDelay(a, DEFAULT_RETRY_POLICY, () => 0.5))).toEqual([
      1000, 1500, 2250, 3375, 5000, 5000, 5000,
    ]);
  });

  it('jitter stays within ±20 %', () => {
    expect(backoffDelay(0, DEFAULT_RETRY_POLICY, () => 0)).toBe(800);
    expect(backoffDelay(4, DEFAULT_RETRY_POLICY, () => 0.999999)).toBe(6000);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30 }),
        fc.double({ min: 0, max: 0.9999999, noNaN: true }),
        (attempt, r) => {
          const base = Math.min(5000, 1000 * 1.5 ** attempt);
          const d = backoffDelay(attempt, DEFAULT_RETRY_POLICY, () => r);
          return d >= Math.floor(base * 0.8) && d <= Math.ceil(base * 1.2);
        },
      ),
    );
  });

  it('parses Retry-After as seconds or an HTTP date, capped, null when unreadable', () => {
    const now = Date.parse('2026-12-02T06:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 0.5 ', now)).toBe(500);
    expect(parseRetryAfter('Wed, 02 Dec 2026 06:00:07 GMT', now)).toBe(7000);
    expect(parseRetryAfter('Wed, 02 Dec 2026 05:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('99999', now)).toBe(600_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});
