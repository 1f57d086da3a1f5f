// Reads a request body within limits: the bytes on the wire (413 past `maxBytes`), then gzip or
// deflate decompressed with zlib's `maxOutputLength` (a gzip bomb stops at the limit instead of
// filling memory), then strict UTF-8 (invalid sequences are a 400, not silently replaced).
import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import { EdgeflowError } from 'edgeflow/errors';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

/**
 * Reads the raw body of a Node request.
 *
 * @throws EdgeflowError `PAYLOAD_TOO_LARGE` past `maxBytes` (by Content-Length or while reading).
 */
export async function readRawBody(incoming: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(incoming.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    incoming.resume();
    throw tooLarge(maxBytes);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      incoming.resume();
      throw tooLarge(maxBytes);
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
}

function tooLarge(maxBytes: number): EdgeflowError {
  return new EdgeflowError(
    'PAYLOAD_TOO_LARGE',
    `The body is larger than ${maxBytes} bytes. Send smaller batches (edgeflow sends 512 points a request).`,
    { details: { maxBytes } },
  );
}

/**
 * Decodes `Content-Encoding` (identity, gzip, deflate) and the UTF-8 text.
 *
 * @throws EdgeflowError `PAYLOAD_TOO_LARGE` when it decompresses past `maxDecoded`,
 *   `UNSUPPORTED_MEDIA_TYPE` for another encoding, `PARSE_ERROR` for corrupt gzip or invalid UTF-8.
 */
export async function decodeBody(
  raw: Buffer,
  encoding: string | undefined,
  maxDecoded: number,
): Promise<{ bytes: Buffer; text: string }> {
  const name = (encoding ?? 'identity').trim().toLowerCase();
  let bytes: Buffer;
  try {
    if (name === 'identity' || name === '') bytes = raw;
    else if (name === 'gzip' || name === 'x-gzip')
      bytes = await gunzipAsync(raw, { maxOutputLength: maxDecoded });
    else if (name === 'deflate') bytes = await inflateAsync(raw, { maxOutputLength: maxDecoded });
    else
      throw new EdgeflowError(
        'UNSUPPORTED_MEDIA_TYPE',
        `Content-Encoding "${name.slice(0, 40)}" is not supported; use gzip or none.`,
      );
  } catch (cause) {
    if (cause instanceof EdgeflowError) throw cause;
    if ((cause as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      throw new EdgeflowError(
        'PAYLOAD_TOO_LARGE',
        `The body decompresses to more than ${maxDecoded} bytes; refused.`,
        {
          details: { maxDecoded },
        },
      );
    throw new EdgeflowError(
      'PARSE_ERROR',
      `The ${name} body could not be decompressed (${(cause as Error).message}).`,
      { cause },
    );
  }
  if (bytes.length > maxDecoded)
    throw new EdgeflowError('PAYLOAD_TOO_LARGE', `The body is larger than ${maxDecoded} bytes; refused.`, {
      details: { maxDecoded },
    });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new EdgeflowError('PARSE_ERROR', 'The body is not valid UTF-8.', { cause });
  }
  return { bytes, text };
}
