// Signing key generation, public key export (with key ids) and the import of trusted key sets.
import { EdgeflowError } from '../errors.ts';
import {
  type PublicKeyEntry,
  type PublicKeySet,
  publicKeySetSchema,
  type SignatureAlgorithm,
  signatureAlgorithmSchema,
} from '../schemas/release.ts';
import { keyParams, RAW_PUBLIC_KEY_BYTES, supportsEd25519 } from './algorithms.ts';
import { sha256Hex, subtleCrypto } from './digest.ts';
import type { GenerateSigningKeyOptions, SigningKey, TrustedKey, TrustedKeyring } from './types.ts';

/** The key id of a raw public key: the first 32 lowercase hex digits of its SHA-256. */
export async function keyIdOf(rawPublicKey: Uint8Array | ArrayBuffer): Promise<string> {
  return (await sha256Hex(rawPublicKey)).slice(0, 32);
}

async function resolveAlgorithm(wanted: GenerateSigningKeyOptions['algorithm']): Promise<SignatureAlgorithm> {
  if (wanted === undefined || wanted === 'auto') {
    return (await supportsEd25519()) ? 'Ed25519' : 'ECDSA-P256-SHA256';
  }
  const parsed = signatureAlgorithmSchema.safeParse(wanted);
  if (!parsed.success) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `Unknown signature algorithm "${String(wanted)}". Use one of: auto, Ed25519, ECDSA-P256-SHA256.`,
      { details: { field: 'algorithm', value: String(wanted) } },
    );
  }
  return parsed.data;
}

/**
 * Generates a key pair for signing releases and channels: Ed25519 where `crypto.subtle` supports it,
 * else ECDSA P-256 (both verify everywhere edgeflow runs). The private key is non-extractable unless
 * `extractable: true` (needed to write a Node key file).
 *
 * @throws {EdgeflowError} `INVALID_ARGUMENT` for an unknown algorithm; `BACKEND_UNAVAILABLE` when
 *   the platform cannot generate the algorithm asked for.
 * @example
 * const key = await generateSigningKey();
 * const trusted = { keys: [await exportPublicKey(key)] }; // ship this with the app
 */
export async function generateSigningKey(options: GenerateSigningKeyOptions = {}): Promise<SigningKey> {
  const algorithm = await resolveAlgorithm(options.algorithm);
  let pair: CryptoKeyPair;
  try {
    pair = (await subtleCrypto().generateKey(keyParams(algorithm), options.extractable ?? false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
  } catch (cause) {
    throw new EdgeflowError(
      'BACKEND_UNAVAILABLE',
      `This platform's WebCrypto cannot generate ${algorithm} keys. Use algorithm "auto" or "ECDSA-P256-SHA256".`,
      { cause, details: { algorithm } },
    );
  }
  const raw = new Uint8Array(await subtleCrypto().exportKey('raw', pair.publicKey));
  return { keyId: await keyIdOf(raw), algorithm, privateKey: pair.privateKey, publicKey: pair.publicKey };
}

/**
 * The public half of a signing key as a trusted-key entry (`{ keyId, algorithm, jwk }`), ready to put
 * in a public key set.
 */
export async function exportPublicKey(
  key: Pick<SigningKey, 'keyId' | 'algorithm' | 'publicKey'>,
): Promise<PublicKeyEntry> {
  const jwk = await subtleCrypto().exportKey('jwk', key.publicKey);
  const publicJwk =
    key.algorithm === 'Ed25519'
      ? { kty: 'OKP' as const, crv: 'Ed25519' as const, x: jwk.x ?? '' }
      : { kty: 'EC' as const, crv: 'P-256' as const, x: jwk.x ?? '', y: jwk.y ?? '' };
  return { keyId: key.keyId, algorithm: key.algorithm, jwk: publicJwk };
}

function algorithmMatchesJwk(algorithm: SignatureAlgorithm, jwk: PublicKeyEntry['jwk']): boolean {
  return algorithm === 'Ed25519'
    ? jwk.kty === 'OKP' && jwk.crv === 'Ed25519'
    : jwk.kty === 'EC' && jwk.crv === 'P-256' && jwk.y !== undefined;
}

async function importTrustedKey(entry: PublicKeyEntry, index: number): Promise<TrustedKey> {
  if (!algorithmMatchesJwk(entry.algorithm, entry.jwk)) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `Trusted key ${index} ("${entry.keyId}") says ${entry.algorithm} but its JWK is ${entry.jwk.kty}/${entry.jwk.crv}. Export it again with exportPublicKey().`,
      { details: { field: `keys[${index}].jwk`, keyId: entry.keyId } },
    );
  }
  let publicKey: CryptoKey;
  try {
    // Only the public parts go in: a stray "d" (private scalar) in the file is never imported.
    const { kty, crv, x, y } = entry.jwk;
    publicKey = await subtleCrypto().importKey(
      'jwk',
      y === undefined ? { kty, crv, x } : { kty, crv, x, y },
      keyParams(entry.algorithm),
      true,
      ['verify'],
    );
  } catch (cause) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `Trusted key ${index} ("${entry.keyId}") is not a valid ${entry.algorithm} public key. Export it again with exportPublicKey().`,
      { cause, details: { field: `keys[${index}].jwk`, keyId: entry.keyId } },
    );
  }
  const raw = new Uint8Array(await subtleCrypto().exportKey('raw', publicKey));
  const actual = await keyIdOf(raw);
  if (raw.byteLength !== RAW_PUBLIC_KEY_BYTES[entry.algorithm] || actual !== entry.keyId) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `Trusted key ${index} names key id "${entry.keyId}" but its public key hashes to "${actual}". Fix the keyId (it is the first 32 hex digits of SHA-256 of the raw public key).`,
      { details: { field: `keys[${index}].keyId`, keyId: entry.keyId, actual } },
    );
  }
  return { keyId: entry.keyId, algorithm: entry.algorithm, publicKey };
}

/** True when `value` is an imported keyring (from `importPublicKeys`). */
export function isTrustedKeyring(value: unknown): value is TrustedKeyring {
  return (
    typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'edgeflow-keyring'
  );
}

/**
 * Imports a trusted public key set once (checking each key id against its key), so repeated
 * verifications skip the JWK import.
 *
 * @throws {EdgeflowError} `INVALID_ARGUMENT` naming the key whose JWK, algorithm or key id is wrong.
 */
export async function importPublicKeys(
  set: PublicKeySet | TrustedKeyring | unknown,
): Promise<TrustedKeyring> {
  if (isTrustedKeyring(set)) return set;
  const parsed = publicKeySetSchema.safeParse(set);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || '(root)';
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `The public key set is not valid at "${where}": ${issue?.message ?? 'unknown problem'}. Expected { keys: [{ keyId, algorithm, jwk }] }.`,
      { details: { field: where } },
    );
  }
  const keys = new Map<string, TrustedKey>();
  const imported = await Promise.all(parsed.data.keys.map((entry, i) => importTrustedKey(entry, i)));
  for (const key of imported) keys.set(key.keyId, key);
  return { kind: 'edgeflow-keyring', keys };
}

/**
 * The private key as a JWK, for a Node key file. Only works on keys generated with
 * `extractable: true`.
 *
 * @throws {EdgeflowError} `INVALID_ARGUMENT` when the private key is not extractable.
 */
export async function exportSigningKey(
  key: SigningKey,
): Promise<{ keyId: string; algorithm: SignatureAlgorithm; jwk: JsonWebKey }> {
  if (!key.privateKey.extractable) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `Signing key "${key.keyId}" is not extractable, so it cannot be written to a key file. Generate it with { extractable: true }.`,
      { details: { keyId: key.keyId } },
    );
  }
  return {
    keyId: key.keyId,
    algorithm: key.algorithm,
    jwk: await subtleCrypto().exportKey('jwk', key.privateKey),
  };
}

/**
 * Rebuilds a signing key from `exportSigningKey` output (a Node key file). The private key comes back
 * non-extractable unless `extractable` is set.
 *
 * @throws {EdgeflowError} `INVALID_ARGUMENT` when the JWK is not a private key of the algorithm, or
 *   its public half does not hash to `keyId`.
 */
export async function importSigningKey(
  stored: { keyId: string; algorithm: SignatureAlgorithm; jwk: JsonWebKey },
  options: { extractable?: boolean } = {},
): Promise<SigningKey> {
  const algorithm = await resolveAlgorithm(stored.algorithm);
  const { d, ...publicParts } = stored.jwk;
  if (d === undefined) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `Key "${stored.keyId}" has no private part ("d"); it cannot sign.`,
      {
        details: { keyId: stored.keyId },
      },
    );
  }
  let privateKey: CryptoKey;
  let publicKey: CryptoKey;
  try {
    privateKey = await subtleCrypto().importKey(
      'jwk',
      { ...stored.jwk, key_ops: ['sign'] },
      keyParams(algorithm),
      options.extractable ?? false,
      ['sign'],
    );
    const { key_ops: _ops, ext: _ext, ...rest } = publicParts;
    publicKey = await subtleCrypto().importKey(
      'jwk',
      { ...rest, key_ops: ['verify'] },
      keyParams(algorithm),
      true,
      ['verify'],
    );
  } catch (cause) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `Key "${stored.keyId}" is not a valid ${algorithm} private key JWK. Write it with exportSigningKey().`,
      { cause, details: { keyId: stored.keyId } },
    );
  }
  const keyId = await keyIdOf(new Uint8Array(await subtleCrypto().exportKey('raw', publicKey)));
  if (keyId !== stored.keyId) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `Key file names key id "${stored.keyId}" but its public key hashes to "${keyId}".`,
      { details: { keyId: stored.keyId, actual: keyId } },
    );
  }
  return { keyId, algorithm, privateKey, publicKey };
}
