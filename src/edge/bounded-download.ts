// Downloads with a hard size limit: the body is read chunk by chunk and the read stops as soon as it
// passes the size the signed manifest states (the "endless data" attack of TUF's threat model).
import { EdgeflowError } from '../errors.ts';

/** The fetch function the client uses (the global one by default; tests and proxies pass their own). */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** An HTTP answer the client did not expect: the status and, for 429/503, the server's `Retry-After`. */
export class HttpStatusError extends EdgeflowError {
  readonly status: number;
  readonly retryAfterMs: number | null;
  constructor(url: string, status: number, retryAfterMs: number | null) {
    super(
      status === 404 ? 'NOT_FOUND' : 'NETWORK_ERROR',
      `GET ${url} answered ${status}.${status === 404 ? ' Check baseUrl, model and channel.' : ' Retrying later.'}`,
      {
        details: { url, status, ...(retryAfterMs === null ? {} : { retryAfterMs }) },
      },
    );
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

/** Parses `Retry-After` (seconds or an HTTP date) into milliseconds from `now`; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Fetches `url`, mapping network failures to `NETWORK_ERROR`. */
export async function fetchOrFail(
  fetchImpl: FetchLike,
  url: string,
  init: RequestInit = {},
): Promise<Response> {
  try {
    return await fetchImpl(url, init);
  } catch (cause) {
    throw new EdgeflowError(
      'NETWORK_ERROR',
      `GET ${url} failed (${cause instanceof Error ? cause.message : String(cause)}); the device may be offline. Retrying later.`,
      {
        cause,
        details: { url },
      },
    );
  }
}

/**
 * Reads a response body of at most `maxBytes`, stopping the read (and cancelling the stream) as soon
 * as more arrives. A stated `Content-Length` above the limit is refused before reading anything.
 *
 * @throws {EdgeflowError} `INTEGRITY_FAILED` when the body is larger than `maxBytes` (`details.path`).
 */
export async function readBounded(response: Response, maxBytes: number, path: string): Promise<Uint8Array> {
  const tooLarge = (seen: number) =>
    new EdgeflowError(
      'INTEGRITY_FAILED',
      `File "${path}" is larger than the ${maxBytes} bytes its signed manifest states (${seen} bytes or more); the download was stopped.`,
      {
        details: { path, reason: 'size', expected: maxBytes, actual: seen },
      },
    );
  const stated = Number(response.headers.get('content-length'));
  // A compressed transfer states the compressed size; only an identity body's length is comparable.
  if (response.headers.get('content-encoding') === null && Number.isFinite(stated) && stated > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(stated);
  }
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const out = new Uint8Array(maxBytes);
  let filled = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (cause) {
      // The connection dropped mid-body (network lost, server gone, page navigating away).
      throw new EdgeflowError(
        'NETWORK_ERROR',
        `The download of "${path}" broke off after ${filled} bytes (${cause instanceof Error ? cause.message : String(cause)}); nothing was stored. Retrying later.`,
        {
          cause,
          details: { path, received: filled },
        },
      );
    }
    const { done, value } = chunk;
    if (done) break;
    if (filled + value.byteLength > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(filled + value.byteLength);
    }
    out.set(value, filled);
    filled += value.byteLength;
  }
  return filled === maxBytes ? out : out.slice(0, filled);
}
