// Per-key token buckets: each API key (or, without keys, each client address) may send
// `pointsPerSecond` points a second on average, with bursts up to twice that.

/** A rate limiter over points. */
export interface RateLimiter {
  /** Takes `points` tokens for `who`; returns 0 when allowed, else the seconds to wait. */
  take(who: string, points: number, now?: number): number;
}

/** Creates a limiter; `pointsPerSecond` ≤ 0 switches limiting off. */
export function createRateLimiter(pointsPerSecond: number): RateLimiter {
  const capacity = pointsPerSecond * 2;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(who, points, now = Date.now()) {
      if (pointsPerSecond <= 0) return 0;
      let bucket = buckets.get(who);
      if (!bucket) {
        if (buckets.size > 100_000) buckets.clear();
        bucket = { tokens: capacity, at: now };
        buckets.set(who, bucket);
      }
      bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * pointsPerSecond);
      bucket.at = now;
      if (bucket.tokens >= points) {
        bucket.tokens -= points;
        return 0;
      }
      return Math.max(1, Math.ceil((points - bucket.tokens) / pointsPerSecond));
    },
  };
}
