// Query-string time ranges for the fleet queries: `from`/`to` (epoch ms or ISO 8601), or `window`
// (a duration back from now), and `bucket` (a duration; by default the smallest round step that
// keeps the chart under 120 buckets: whole minutes up to 6 h, whole hours beyond).
import { EdgeflowError } from 'edgeflow/errors';
import type { TimeRange } from './storage/types.ts';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
// Default buckets: whole minutes up to a few hours and whole hours beyond, so default charts read
// the per-minute or per-hour rollups (see the SQLite store).
const ROUND_STEPS = [60, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400].map(
  (s) => s * 1000,
);
/** Most buckets a query may ask for. */
export const MAX_BUCKETS = 2000;

/**
 * Parses a duration such as `90s`, `5m`, `1h`, `7d` (or plain milliseconds).
 *
 * @throws EdgeflowError `INVALID_ARGUMENT` naming the parameter and the accepted forms.
 */
export function parseDuration(text: string, name: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  const ms = match ? Number(match[1]) * (UNIT_MS[match[2] ?? 'ms'] ?? 1) : Number.NaN;
  if (!Number.isFinite(ms) || ms <= 0)
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `${name}="${text.slice(0, 40)}" is not a duration. Use a number with ms, s, m, h or d, e.g. 15m.`,
      {
        details: { parameter: name },
      },
    );
  return Math.round(ms);
}

function parseInstant(text: string, name: string): number {
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms))
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `${name}="${text.slice(0, 40)}" is not a time. Use epoch milliseconds or ISO 8601.`,
      {
        details: { parameter: name },
      },
    );
  return ms;
}

/**
 * Reads `from`, `to`, `window` and `bucket` from a query.
 *
 * @throws EdgeflowError `INVALID_ARGUMENT` for a malformed value, `from` ≥ `to`, or more than
 *   `MAX_BUCKETS` buckets.
 */
export function readTimeRange(
  query: (name: string) => string | undefined,
  defaultWindowMs: number,
  now = Date.now(),
): TimeRange {
  const toText = query('to');
  const fromText = query('from');
  const windowText = query('window');
  const to = toText ? parseInstant(toText, 'to') : now;
  const from = fromText
    ? parseInstant(fromText, 'from')
    : to - (windowText ? parseDuration(windowText, 'window') : defaultWindowMs);
  if (from >= to) throw new EdgeflowError('INVALID_ARGUMENT', `from (${from}) must be before to (${to}).`);
  const bucketText = query('bucket');
  const span = to - from;
  const bucketMs = bucketText
    ? parseDuration(bucketText, 'bucket')
    : (ROUND_STEPS.find((step) => span / step <= 120 && (span <= 6 * 3_600_000 || step % 3_600_000 === 0)) ??
      86_400_000 * Math.ceil(span / 86_400_000 / 120));
  if (span / bucketMs > MAX_BUCKETS)
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `bucket=${bucketMs}ms makes ${Math.ceil(span / bucketMs)} buckets; at most ${MAX_BUCKETS}. Use a larger bucket.`,
    );
  return { from, to, bucketMs };
}
