// Issue 14: signed envelopes (the release contract): sign → verify, tampering, key ids, payload type.
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { isEdgeflowError } from '../../../src/errors.ts';
import {
  CHANNEL_PAYLOAD_TYPE,
  exportPublicKey,
  exportSigningKey,
  generateSigningKey,
  importPublicKeys,
  importSigningKey,
  keyIdOf,
  preAuthEncoding,
  RELEASE_PAYLOAD_TYPE,
  type SignatureAlgorithm,
  type SignedEnvelope,
  sha256Hex,
  signDocument,
  supportsEd25519,
  verifyDocument,
} from '../../../src/release/index.ts';
import { codeOf } from '../../helpers/error-code.ts';

const ALGORITHMS: SignatureAlgorithm[] = ['Ed25519', 'ECDSA-P256-SHA256'];

test('sha256Hex matches the FIPS 180-2 "abc" vector, for text and bytes', async () => {
  const abc = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
  expect(await sha256Hex('abc')).toBe(abc);
  expect(await sha256Hex(new Uint8Array([0x61, 0x62, 0x63]))).toBe(abc);
});

test('Node 20 has Ed25519, so auto picks it', async () => {
  expect(await supportsEd25519()).toBe(true);
  const key = await generateSigningKey();
  expect(key.algorithm).toBe('Ed25519');
  expect(key.privateKey.extractable).toBe(false);
});

test('the pre-authentication encoding is exactly the contract bytes', () => {
  const bytes = preAuthEncoding('application/x', '{"a":1}');
  expect(new TextDecoder().decode(bytes)).toBe('edgeflow-sig-v1\napplication/x\n{"a":1}');
});

describe.each(ALGORITHMS)('%s', (algorithm) => {
  test('key id = first 32 hex digits of SHA-256 of the raw public key', async () => {
    const key = await generateSigningKey({ algorithm });
    const raw = new Uint8Array(await crypto.subtle.exportKey('raw', key.publicKey));
    expect(raw.byteLength).toBe(algorithm === 'Ed25519' ? 32 : 65);
    expect(key.keyId).toBe((await sha256Hex(raw)).slice(0, 32));
    expect(key.keyId).toBe(await keyIdOf(raw));
    expect(key.keyId).toMatch(/^[0-9a-f]{32}$/);
  });

  test('sign → verify round trip returns the payload, its exact text and the key id', async () => {
    const key = await generateSigningKey({ algorithm });
    const keys = { keys: [await exportPublicKey(key)] };
    const payload = { model: 'penguins', release: 4, note: 'ünïcödé ✓' };
    const envelope = await signDocument(payload, RELEASE_PAYLOAD_TYPE, key);
    expect(envelope.payload).toBe(JSON.stringify(payload));
    expect(envelope.signatures).toHaveLength(1);
    expect(envelope.signatures[0]?.keyId).toBe(key.keyId);
    expect(envelope.signatures[0]?.algorithm).toBe(algorithm);
    // Survives a JSON round trip (what goes over the wire).
    const verified = await verifyDocument(JSON.stringify(envelope), keys, RELEASE_PAYLOAD_TYPE);
    expect(verified.payload).toEqual(payload);
    expect(verified.payloadText).toBe(envelope.payload);
    expect(verified.keyId).toBe(key.keyId);
  });

  test('a signature verifies with node:crypto over the contract bytes (independent check)', async () => {
    const key = await generateSigningKey({ algorithm });
    const entry = await exportPublicKey(key);
    const envelope = await signDocument({ a: 1 }, CHANNEL_PAYLOAD_TYPE, key);
    const publicKey = createPublicKey({ key: entry.jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
    const signature = Buffer.from(envelope.signatures[0]?.signature ?? '', 'base64');
    const data = Buffer.from(`edgeflow-sig-v1\n${CHANNEL_PAYLOAD_TYPE}\n{"a":1}`, 'utf8');
    const ok =
      algorithm === 'Ed25519'
        ? nodeVerify(null, data, publicKey, signature)
        : nodeVerify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature);
    expect(ok).toBe(true);
    expect(
      nodeVerify(
        algorithm === 'Ed25519' ? null : 'sha256',
        Buffer.from('other'),
        algorithm === 'Ed25519' ? publicKey : { key: publicKey, dsaEncoding: 'ieee-p1363' },
        signature,
      ),
    ).toBe(false);
  });

  test('a payload changed after signing → SIGNATURE_INVALID', async () => {
    const key = await generateSigningKey({ algorithm });
    const keys = { keys: [await exportPublicKey(key)] };
    const envelope = await signDocument({ release: 4, rolloutPercent: 10 }, CHANNEL_PAYLOAD_TYPE, key);
    const tampered: SignedEnvelope = { ...envelope, payload: envelope.payload.replace('10', '100') };
    expect(tampered.payload).toBe('{"release":4,"rolloutPercent":100}');
    expect(await codeOf(verifyDocument(tampered, keys, CHANNEL_PAYLOAD_TYPE))).toBe('SIGNATURE_INVALID');
    // Whitespace counts too: the exact text is what was signed.
    const spaced: SignedEnvelope = { ...envelope, payload: `${envelope.payload} ` };
    expect(await codeOf(verifyDocument(spaced, keys, CHANNEL_PAYLOAD_TYPE))).toBe('SIGNATURE_INVALID');
  });

  test('a flipped bit in the signature → SIGNATURE_INVALID', async () => {
    const key = await generateSigningKey({ algorithm });
    const keys = { keys: [await exportPublicKey(key)] };
    const envelope = await signDocument({ a: 1 }, RELEASE_PAYLOAD_TYPE, key);
    const raw = Buffer.from(envelope.signatures[0]?.signature ?? '', 'base64');
    raw[10] = (raw[10] ?? 0) ^ 1;
    const flipped = {
      ...envelope,
      signatures: [{ ...envelope.signatures[0], signature: raw.toString('base64') }],
    };
    expect(await codeOf(verifyDocument(flipped, keys, RELEASE_PAYLOAD_TYPE))).toBe('SIGNATURE_INVALID');
    const short = { ...envelope, signatures: [{ ...envelope.signatures[0], signature: 'AAAA' }] };
    expect(await codeOf(verifyDocument(short, keys, RELEASE_PAYLOAD_TYPE))).toBe('SIGNATURE_INVALID');
  });

  test('signed by another key under the trusted key id → SIGNATURE_INVALID', async () => {
    const trusted = await generateSigningKey({ algorithm });
    const other = await generateSigningKey({ algorithm });
    const keys = { keys: [await exportPublicKey(trusted)] };
    const envelope = await signDocument({ a: 1 }, RELEASE_PAYLOAD_TYPE, other);
    const forged = { ...envelope, signatures: [{ ...envelope.signatures[0], keyId: trusted.keyId }] };
    expect(await codeOf(verifyDocument(forged, keys, RELEASE_PAYLOAD_TYPE))).toBe('SIGNATURE_INVALID');
  });

  test('signed only by a key that is not trusted → UNKNOWN_KEY naming it', async () => {
    const trusted = await generateSigningKey({ algorithm });
    const other = await generateSigningKey({ algorithm });
    const keys = { keys: [await exportPublicKey(trusted)] };
    const envelope = await signDocument({ a: 1 }, RELEASE_PAYLOAD_TYPE, other);
    const error = await verifyDocument(envelope, keys, RELEASE_PAYLOAD_TYPE).catch((e: unknown) => e);
    expect(isEdgeflowError(error, 'UNKNOWN_KEY')).toBe(true);
    expect((error as Error).message).toContain(other.keyId);
    expect(await codeOf(verifyDocument(envelope, { keys: [] }, RELEASE_PAYLOAD_TYPE))).toBe('UNKNOWN_KEY');
  });

  test('a signature over one payload type never passes as another → SIGNATURE_INVALID', async () => {
    const key = await generateSigningKey({ algorithm });
    const keys = { keys: [await exportPublicKey(key)] };
    const channel = await signDocument({ a: 1 }, CHANNEL_PAYLOAD_TYPE, key);
    expect(await codeOf(verifyDocument(channel, keys, RELEASE_PAYLOAD_TYPE))).toBe('SIGNATURE_INVALID');
    // Relabelled: the type is inside the signed bytes, so the signature breaks.
    const relabelled = { ...channel, payloadType: RELEASE_PAYLOAD_TYPE };
    expect(await codeOf(verifyDocument(relabelled, keys, RELEASE_PAYLOAD_TYPE))).toBe('SIGNATURE_INVALID');
  });

  test('key rotation: old + new signature verifies with either key trusted', async () => {
    const oldKey = await generateSigningKey({ algorithm });
    const newKey = await generateSigningKey({ algorithm: 'ECDSA-P256-SHA256' });
    const envelope = await signDocument({ a: 1 }, RELEASE_PAYLOAD_TYPE, [oldKey, newKey]);
    expect(envelope.signatures.map((s) => s.keyId)).toEqual([oldKey.keyId, newKey.keyId]);
    const onlyNew = { keys: [await exportPublicKey(newKey)] };
    expect((await verifyDocument(envelope, onlyNew, RELEASE_PAYLOAD_TYPE)).keyId).toBe(newKey.keyId);
    const onlyOld = await importPublicKeys({ keys: [await exportPublicKey(oldKey)] });
    expect((await verifyDocument(envelope, onlyOld, RELEASE_PAYLOAD_TYPE)).keyId).toBe(oldKey.keyId);
  });

  test('a Node key file round trip signs verifiably, and a non-extractable key refuses export', async () => {
    const key = await generateSigningKey({ algorithm, extractable: true });
    const stored = JSON.parse(JSON.stringify(await exportSigningKey(key)));
    const restored = await importSigningKey(stored);
    expect(restored.keyId).toBe(key.keyId);
    expect(restored.privateKey.extractable).toBe(false);
    const envelope = await signDocument({ a: 2 }, RELEASE_PAYLOAD_TYPE, restored);
    expect(
      (await verifyDocument(envelope, { keys: [await exportPublicKey(key)] }, RELEASE_PAYLOAD_TYPE)).payload,
    ).toEqual({ a: 2 });
    expect(await codeOf(exportSigningKey(restored))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(importSigningKey({ ...stored, keyId: '0'.repeat(32) }))).toBe('INVALID_ARGUMENT');
  });
});

test('a trusted key set whose key id does not match its key is refused at import', async () => {
  const key = await generateSigningKey();
  const entry = await exportPublicKey(key);
  const error = await importPublicKeys({ keys: [{ ...entry, keyId: 'f'.repeat(32) }] }).catch(
    (e: unknown) => e,
  );
  expect(isEdgeflowError(error, 'INVALID_ARGUMENT')).toBe(true);
  expect((error as Error).message).toContain(key.keyId);
  expect(await codeOf(importPublicKeys({ keys: [{ ...entry, algorithm: 'ECDSA-P256-SHA256' }] }))).toBe(
    'INVALID_ARGUMENT',
  );
  expect(await codeOf(importPublicKeys({ nope: true }))).toBe('INVALID_ARGUMENT');
});

test('malformed envelopes → SIGNATURE_INVALID, naming the field', async () => {
  const key = await generateSigningKey();
  const keys = { keys: [await exportPublicKey(key)] };
  expect(await codeOf(verifyDocument('not json', keys, RELEASE_PAYLOAD_TYPE))).toBe('SIGNATURE_INVALID');
  expect(
    await codeOf(
      verifyDocument(
        { payloadType: RELEASE_PAYLOAD_TYPE, payload: '{}', signatures: [] },
        keys,
        RELEASE_PAYLOAD_TYPE,
      ),
    ),
  ).toBe('SIGNATURE_INVALID');
  const error = await verifyDocument(
    { payloadType: RELEASE_PAYLOAD_TYPE, payload: 3, signatures: [] },
    keys,
    RELEASE_PAYLOAD_TYPE,
  ).catch((e: unknown) => e);
  expect((error as Error).message).toContain('"payload"');
  expect(await codeOf(signDocument('{not json', RELEASE_PAYLOAD_TYPE, key))).toBe('INVALID_ARGUMENT');
});
