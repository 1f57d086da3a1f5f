// When to try again: exponential backoff with jitter, and the server's `Retry-After`.
import type { RetryPolicy } from './types.ts';

/** Defaults from DESIGN.md: ×1.5 from 1 s to 5 s, ±20 % jitter; Retry-After honoured up to 10 minutes. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  initialDelayMs: 1000,
  maxDelayMs: 5000,
  multiplier: 1.5,
  jitter: 0.2,
  maxRetryAfterMs: 10 * 60 * 1000,
};

/**
 * The wait before retry number `attempt` (0 for the first retry): initial × multiplier^attempt,
 * capped at the maximum, then moved by up to ±jitter. `random` is in [0, 1).
 */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  random: () => number = Math.random,
): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** Math.max(0, attempt));
  return Math.round(base * (1 + policy.jitter * (2 * random() - 1)));
}

/**
 * Parses a `Retry-After` header (delay in seconds, or an HTTP date) into milliseconds from `nowMs`,
 * capped at `maxMs`; null when absent or unreadable.
 */
export function parseRetryAfter(
  header: string | null,
  nowMs: number,
  maxMs = DEFAULT_RETRY_POLICY.maxRetryAfterMs,
): number | null {
  if (header === null) return null;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.min(maxMs, Math.round(Number(text) * 1000));
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.min(maxMs, Math.max(0, date - nowMs));
}

/** HTTP statuses worth retrying (the OTLP spec's list for OTLP/HTTP). */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);
