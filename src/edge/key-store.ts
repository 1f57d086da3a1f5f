// Signing keys in the browser: the CryptoKey pair itself goes into IndexedDB (structured clone keeps
// a non-extractable private key usable but never readable), so a page can sign releases across
// sessions without the private key ever existing as bytes.
import { openDB } from 'idb';
import { EdgeflowError } from '../errors.ts';
import type { SigningKey } from '../release/index.ts';

/** The IndexedDB database holding signing keys. */
export const SIGNING_KEY_DB_NAME = 'edgeflow-signing-keys';
const STORE = 'keys';

function open() {
  if (typeof (globalThis as { indexedDB?: unknown }).indexedDB === 'undefined') {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      'Storing a signing key needs IndexedDB (a page or a worker); in Node use createKeyFile() from edgeflow/edge/node.',
    );
  }
  return openDB(SIGNING_KEY_DB_NAME, 1, {
    upgrade(db) {
      db.createObjectStore(STORE);
    },
  });
}

/**
 * Keeps a signing key under `name` in IndexedDB (replacing one of that name).
 *
 * @throws {EdgeflowError} `INVALID_ARGUMENT` outside a browser realm; `QUOTA_EXCEEDED`.
 * @example
 * await storeSigningKey('publisher', await generateSigningKey()); // private key non-extractable
 */
export async function storeSigningKey(name: string, key: SigningKey): Promise<void> {
  const db = await open();
  try {
    await db.put(
      STORE,
      { keyId: key.keyId, algorithm: key.algorithm, privateKey: key.privateKey, publicKey: key.publicKey },
      name,
    );
  } catch (cause) {
    throw new EdgeflowError(
      cause instanceof DOMException && cause.name === 'QuotaExceededError' ? 'QUOTA_EXCEEDED' : 'INTERNAL',
      `Could not store signing key "${name}": ${String(cause)}`,
      {
        cause,
      },
    );
  } finally {
    db.close();
  }
}

/** The signing key stored under `name`, or undefined. */
export async function loadStoredSigningKey(name: string): Promise<SigningKey | undefined> {
  const db = await open();
  try {
    return (await db.get(STORE, name)) as SigningKey | undefined;
  } finally {
    db.close();
  }
}

/** Removes the signing key stored under `name`; true when there was one. */
export async function deleteStoredSigningKey(name: string): Promise<boolean> {
  const db = await open();
  try {
    const had = (await db.get(STORE, name)) !== undefined;
    await db.delete(STORE, name);
    return had;
  } finally {
    db.close();
  }
}
