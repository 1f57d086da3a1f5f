// SHA-256 through WebCrypto, the one primitive every release check rests on.
import { EdgeflowError } from '../errors.ts';
import { toHex } from './encoding.ts';

/** The WebCrypto `SubtleCrypto` of this realm, read when called (pages over http(s) localhost, workers, Node 20). */
export function subtleCrypto(): SubtleCrypto {
  const subtle = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (!subtle) {
    throw new EdgeflowError(
      'INTERNAL',
      'WebCrypto (crypto.subtle) is missing: releases need SHA-256 and signatures. Serve the page over https or localhost, or use Node 20+.',
    );
  }
  return subtle;
}

/**
 * Lowercase hex SHA-256 of bytes or of a string's UTF-8.
 *
 * @example
 * await sha256Hex('abc'); // 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
 */
export async function sha256Hex(data: ArrayBuffer | Uint8Array | string): Promise<string> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return toHex(new Uint8Array(await subtleCrypto().digest('SHA-256', bytes as BufferSource)));
}
