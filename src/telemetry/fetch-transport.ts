// Sends one batch as OTLP/HTTP JSON with `fetch`: gzip through CompressionStream when available,
// the idempotency key header, and a classified result instead of a thrown error.
import { EdgeflowError } from '../errors.ts';
import { BATCH_KEY_HEADER } from '../schemas/telemetry.ts';
import { parseRetryAfter, RETRYABLE_STATUSES } from './retry-policy.ts';
import type { OutboxBatch, SendOptions, SendResult, Transport } from './types.ts';

/** The fetch keepalive budget (Fetch spec: in-flight keepalive bodies may total at most 64 KiB). */
export const KEEPALIVE_BUDGET_BYTES = 64 * 1024;

const CONFIG_STATUSES: Readonly<Record<number, 'UNAUTHORIZED' | 'FORBIDDEN' | 'NOT_FOUND'>> = {
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
};

/** Options of the fetch transport. */
export interface FetchTransportOptions {
  /** Collector base URL; batches go to `{endpoint}/v1/metrics` (OTLP/HTTP's path). */
  endpoint: string;
  /** Extra headers (e.g. an API key). */
  headers?: Record<string, string>;
  /** Gzip bodies with CompressionStream when the runtime has it (default true). */
  compress?: boolean;
  /** Maximum Retry-After honoured, ms. */
  maxRetryAfterMs?: number;
  /** The fetch to use (default: the global one, read at call time). */
  fetch?: typeof fetch;
}

/** Gzips `text` with CompressionStream; null when the runtime has none. */
export async function gzipText(text: string): Promise<Uint8Array | null> {
  if (typeof CompressionStream === 'undefined') return null;
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** `{endpoint}/v1/metrics`, tolerating a trailing slash or a full path already given. */
export function metricsUrl(endpoint: string): string {
  if (/\/v1\/metrics\/?$/.test(endpoint)) return endpoint;
  return `${endpoint.replace(/\/+$/, '')}/v1/metrics`;
}

async function rejectedPoints(response: Response): Promise<number> {
  try {
    const text = await response.text();
    if (text === '') return 0;
    const json = JSON.parse(text) as { partialSuccess?: { rejectedDataPoints?: string | number } };
    return Number(json.partialSuccess?.rejectedDataPoints ?? 0) || 0;
  } catch {
    return 0;
  }
}

/**
 * Creates a transport that POSTs batches to an OTLP/HTTP endpoint. 2xx is success (a
 * `partialSuccess` is reported, not retried); 429/502/503/504 and network errors are retryable
 * (with the server's Retry-After); anything else (400, 413, 415…) is a failure not to be retried.
 *
 * @example
 * const transport = createFetchTransport({ endpoint: 'https://collector.example:4318' });
 * const result = await transport.send({ key: crypto.randomUUID(), body: '{"resourceMetrics":[]}' });
 */
export function createFetchTransport(options: FetchTransportOptions): Transport {
  const url = metricsUrl(options.endpoint);
  return {
    async send(batch: Pick<OutboxBatch, 'key' | 'body'>, sendOptions: SendOptions = {}): Promise<SendResult> {
      const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
      const headers: Record<string, string> = {
        ...options.headers,
        'content-type': 'application/json',
        [BATCH_KEY_HEADER]: batch.key,
      };
      let body: BodyInit = batch.body;
      // A keepalive send happens while the page goes away: no time for async compression.
      if (options.compress !== false && sendOptions.keepalive !== true) {
        const gzipped = await gzipText(batch.body);
        if (gzipped !== null) {
          body = gzipped as Uint8Array<ArrayBuffer>;
          headers['content-encoding'] = 'gzip';
        }
      }
      let response: Response;
      try {
        response = await doFetch(url, {
          method: 'POST',
          headers,
          body,
          keepalive: sendOptions.keepalive === true,
        });
      } catch (cause) {
        return {
          kind: 'retryable',
          status: null,
          retryAfterMs: null,
          error: new EdgeflowError('NETWORK_ERROR', `Could not reach ${url}: ${String(cause)}. Will retry.`, {
            cause,
          }),
        };
      }
      if (response.ok)
        return {
          kind: 'success',
          status: response.status,
          rejectedDataPoints: await rejectedPoints(response),
        };
      const retryAfterMs = parseRetryAfter(
        response.headers.get('retry-after'),
        Date.now(),
        options.maxRetryAfterMs,
      );
      if (RETRYABLE_STATUSES.has(response.status)) {
        return {
          kind: 'retryable',
          status: response.status,
          retryAfterMs,
          error: new EdgeflowError(
            response.status === 429 ? 'RATE_LIMITED' : 'OVERLOADED',
            `The collector answered ${response.status}; retrying${retryAfterMs === null ? '' : ` after ${retryAfterMs} ms (Retry-After)`}.`,
            { details: { status: response.status } },
          ),
        };
      }
      // A wrong key or URL is the app's configuration, not the batch's fault: keep the batch and
      // keep trying at the slowest pace instead of throwing the data away.
      const configCode = CONFIG_STATUSES[response.status];
      if (configCode !== undefined) {
        return {
          kind: 'retryable',
          status: response.status,
          retryAfterMs,
          error: new EdgeflowError(
            configCode,
            `The collector answered ${response.status} at ${url}: check the endpoint and headers (API key). Batches stay in the outbox.`,
            { details: { status: response.status } },
          ),
        };
      }
      const code =
        response.status === 413
          ? 'PAYLOAD_TOO_LARGE'
          : response.status === 415
            ? 'UNSUPPORTED_MEDIA_TYPE'
            : 'INVALID_ARGUMENT';
      const detail = (await response.text().catch(() => '')).slice(0, 200);
      return {
        kind: 'failure',
        status: response.status,
        reason: `rejected-${response.status}`,
        error: new EdgeflowError(
          code,
          `The collector refused batch ${batch.key} with ${response.status}${detail === '' ? '' : ` (${detail})`}; it is dropped and counted, not retried.`,
          { details: { status: response.status, key: batch.key } },
        ),
      };
    },
  };
}
