// Signing keys in a Node key file: the private JWK in a JSON file readable by its owner only (0600),
// and the public key set beside it for clients and the collector.
import { readFile, writeFile } from 'node:fs/promises';
import { EdgeflowError } from '../../errors.ts';
import {
  exportPublicKey,
  exportSigningKey,
  type GenerateSigningKeyOptions,
  generateSigningKey,
  importSigningKey,
  type PublicKeySet,
  type SigningKey,
} from '../../release/index.ts';

/**
 * Generates a signing key and writes it to `path` (mode 0600, refusing to overwrite), returning the
 * key and its public key set (to ship with apps and give the collector as `--release-keys-file`).
 *
 * @throws {EdgeflowError} `VERSION_CONFLICT` when `path` exists.
 */
export async function createKeyFile(
  path: string,
  options: Omit<GenerateSigningKeyOptions, 'extractable'> = {},
): Promise<{ key: SigningKey; publicKeys: PublicKeySet }> {
  const key = await generateSigningKey({ ...options, extractable: true });
  const stored = await exportSigningKey(key);
  try {
    await writeFile(path, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (cause) {
    throw new EdgeflowError(
      'VERSION_CONFLICT',
      `Key file ${path} exists (or cannot be created); a key file is never overwritten. Pick another path.`,
      { cause, details: { path } },
    );
  }
  return { key: await importSigningKey(stored), publicKeys: { keys: [await exportPublicKey(key)] } };
}

/**
 * Reads a key file written by `createKeyFile` (the private key comes back non-extractable).
 *
 * @throws {EdgeflowError} `NOT_FOUND` when the file is missing; `INVALID_ARGUMENT` when it is not a key file.
 */
export async function readKeyFile(path: string): Promise<SigningKey> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new EdgeflowError('NOT_FOUND', `No key file at ${path}; create one with createKeyFile().`, {
      cause,
      details: { path },
    });
  }
  let json: { keyId?: unknown; algorithm?: unknown; jwk?: unknown };
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new EdgeflowError('INVALID_ARGUMENT', `${path} is not JSON; it is not an edgeflow key file.`, {
      cause,
      details: { path },
    });
  }
  if (
    typeof json.keyId !== 'string' ||
    (json.algorithm !== 'Ed25519' && json.algorithm !== 'ECDSA-P256-SHA256') ||
    typeof json.jwk !== 'object' ||
    json.jwk === null
  ) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `${path} is not an edgeflow key file ({ keyId, algorithm, jwk }).`,
      { details: { path } },
    );
  }
  return importSigningKey({ keyId: json.keyId, algorithm: json.algorithm, jwk: json.jwk as JsonWebKey });
}
