// Signed envelopes: the pre-authentication encoding that binds the payload type, signing with one
// or more keys (key rotation), and verification against a trusted keyring.
import { EdgeflowError } from '../errors.ts';
import {
  type EnvelopeSignature,
  type PublicKeySet,
  type SignedEnvelope,
  signedEnvelopeSchema,
} from '../schemas/release.ts';
import { SIGNATURE_BYTES, signParams } from './algorithms.ts';
import { subtleCrypto } from './digest.ts';
import { fromBase64, toBase64 } from './encoding.ts';
import { importPublicKeys } from './keys.ts';
import type { SigningKey, TrustedKeyring, VerifiedDocument } from './types.ts';

/** The prefix of every signed byte string; a new signing scheme gets a new prefix. */
export const SIGNATURE_DOMAIN = 'edgeflow-sig-v1';

/**
 * The bytes a signature covers: UTF-8 of `"edgeflow-sig-v1\n" + payloadType + "\n" + payload`. Binding
 * the type (as DSSE's PAE does) stops a signed channel document from passing as a manifest.
 */
export function preAuthEncoding(payloadType: string, payload: string): Uint8Array {
  return new TextEncoder().encode(`${SIGNATURE_DOMAIN}\n${payloadType}\n${payload}`);
}

/**
 * Signs a payload: a JSON value is serialised with `JSON.stringify`; a string is taken as the exact
 * JSON text to sign (it must parse). Several signers add several signatures (rotate keys by signing
 * with the old and the new one for a while).
 *
 * @throws {EdgeflowError} `INVALID_ARGUMENT` when the payload type is empty, a string payload is not
 *   JSON, or no signer is given.
 * @example
 * const envelope = await signDocument(manifest, RELEASE_PAYLOAD_TYPE, key);
 * const text = JSON.stringify(envelope); // this is manifest.json
 */
export async function signDocument(
  payload: unknown,
  payloadType: string,
  signer: SigningKey | readonly SigningKey[],
): Promise<SignedEnvelope> {
  if (typeof payloadType !== 'string' || payloadType.length === 0) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      'payloadType must be a non-empty string such as "application/vnd.edgeflow.release+json".',
      {
        details: { field: 'payloadType' },
      },
    );
  }
  let text: string;
  if (typeof payload === 'string') {
    try {
      JSON.parse(payload);
    } catch (cause) {
      throw new EdgeflowError(
        'INVALID_ARGUMENT',
        'A string payload must be JSON text (it is signed as is). Pass the object to sign it serialised.',
        {
          cause,
          details: { field: 'payload' },
        },
      );
    }
    text = payload;
  } else {
    const serialised = JSON.stringify(payload);
    if (serialised === undefined) {
      throw new EdgeflowError('INVALID_ARGUMENT', 'The payload must be a JSON value (an object, usually).', {
        details: { field: 'payload' },
      });
    }
    text = serialised;
  }
  const signers = Array.isArray(signer) ? (signer as readonly SigningKey[]) : [signer as SigningKey];
  if (signers.length === 0) {
    throw new EdgeflowError('INVALID_ARGUMENT', 'Give at least one signing key.', {
      details: { field: 'signer' },
    });
  }
  const bytes = preAuthEncoding(payloadType, text);
  const signatures: EnvelopeSignature[] = [];
  for (const key of signers) {
    const signature = new Uint8Array(
      await subtleCrypto().sign(signParams(key.algorithm), key.privateKey, bytes as BufferSource),
    );
    signatures.push({ keyId: key.keyId, algorithm: key.algorithm, signature: toBase64(signature) });
  }
  return { payloadType, payload: text, signatures };
}

/** Parses an envelope (object or JSON text), refusing anything malformed as `SIGNATURE_INVALID`. */
export function parseEnvelope(envelope: unknown): SignedEnvelope {
  let value = envelope;
  if (typeof envelope === 'string') {
    try {
      value = JSON.parse(envelope);
    } catch (cause) {
      throw new EdgeflowError(
        'SIGNATURE_INVALID',
        'The signed document is not JSON; it cannot be verified. Re-download or re-publish it.',
        { cause },
      );
    }
  } else if (envelope instanceof Uint8Array) {
    return parseEnvelope(new TextDecoder().decode(envelope));
  }
  const parsed = signedEnvelopeSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || '(root)';
    throw new EdgeflowError(
      'SIGNATURE_INVALID',
      `The signed envelope is malformed at "${where}": ${issue?.message ?? 'unknown problem'}. Expected { payloadType, payload, signatures: [{ keyId, algorithm, signature }] }.`,
      { details: { field: where } },
    );
  }
  return parsed.data;
}

/**
 * Verifies an envelope against trusted keys and returns its parsed payload. It passes when at least
 * one signature by a trusted key verifies; signatures by keys not in the set are ignored (that is how
 * keys rotate).
 *
 * @throws {EdgeflowError} `SIGNATURE_INVALID` when the envelope is malformed, the payload type is not
 *   `payloadType`, a trusted key's signature does not verify, or the payload is not JSON;
 *   `UNKNOWN_KEY` when no signature is by a trusted key; `INVALID_ARGUMENT` for a bad key set.
 * @example
 * const { payload } = await verifyDocument(text, publicKeys, RELEASE_PAYLOAD_TYPE);
 */
export async function verifyDocument<T = unknown>(
  envelope: unknown,
  keys: PublicKeySet | TrustedKeyring,
  payloadType: string,
): Promise<VerifiedDocument<T>> {
  const parsed = parseEnvelope(envelope);
  const keyring = await importPublicKeys(keys);
  if (parsed.payloadType !== payloadType) {
    throw new EdgeflowError(
      'SIGNATURE_INVALID',
      `Expected a document of type "${payloadType}" but this one is "${parsed.payloadType}"; a signature over one type never vouches for another.`,
      { details: { expected: payloadType, actual: parsed.payloadType } },
    );
  }
  const bytes = preAuthEncoding(parsed.payloadType, parsed.payload);
  let trustedSeen = 0;
  let verifiedBy: string | undefined;
  for (const entry of parsed.signatures) {
    const key = keyring.keys.get(entry.keyId);
    if (key === undefined) continue;
    trustedSeen++;
    if (key.algorithm !== entry.algorithm) continue;
    const signature = fromBase64(entry.signature);
    if (signature === null || signature.byteLength !== SIGNATURE_BYTES[key.algorithm]) continue;
    const ok = await subtleCrypto().verify(
      signParams(key.algorithm),
      key.publicKey,
      signature as BufferSource,
      bytes as BufferSource,
    );
    if (ok) {
      verifiedBy = key.keyId;
      break;
    }
  }
  const keyIds = parsed.signatures.map((s) => s.keyId);
  if (trustedSeen === 0) {
    throw new EdgeflowError(
      'UNKNOWN_KEY',
      `The document is signed only by key(s) ${keyIds.join(', ')}, none of which is trusted. Add the publisher's public key to the trusted set (trusted: ${[...keyring.keys.keys()].join(', ') || 'none'}).`,
      { details: { keyIds, trusted: [...keyring.keys.keys()] } },
    );
  }
  if (verifiedBy === undefined) {
    throw new EdgeflowError(
      'SIGNATURE_INVALID',
      `The signature by trusted key(s) ${keyIds.filter((id) => keyring.keys.has(id)).join(', ')} does not match this "${payloadType}" document: it was changed after signing. Refuse it and re-download or re-publish.`,
      { details: { keyIds, payloadType } },
    );
  }
  let payload: T;
  try {
    payload = JSON.parse(parsed.payload) as T;
  } catch (cause) {
    throw new EdgeflowError('SIGNATURE_INVALID', 'The signed payload is not JSON text.', { cause });
  }
  return { payload, payloadText: parsed.payload, payloadType: parsed.payloadType, keyId: verifiedBy };
}
