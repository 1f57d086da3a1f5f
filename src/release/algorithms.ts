// WebCrypto parameters of the two signature algorithms and the probe that picks one.
import type { SignatureAlgorithm } from '../schemas/release.ts';
import { subtleCrypto } from './digest.ts';

/** The `importKey`/`generateKey` parameters of an algorithm. */
export function keyParams(algorithm: SignatureAlgorithm): AlgorithmIdentifier | EcKeyImportParams {
  return algorithm === 'Ed25519' ? { name: 'Ed25519' } : { name: 'ECDSA', namedCurve: 'P-256' };
}

/** The `sign`/`verify` parameters of an algorithm (ECDSA signatures are P1363 `r‖s`, 64 bytes). */
export function signParams(algorithm: SignatureAlgorithm): AlgorithmIdentifier | EcdsaParams {
  return algorithm === 'Ed25519' ? { name: 'Ed25519' } : { name: 'ECDSA', hash: 'SHA-256' };
}

/** The signature length each algorithm produces. */
export const SIGNATURE_BYTES: Readonly<Record<SignatureAlgorithm, number>> = {
  Ed25519: 64,
  'ECDSA-P256-SHA256': 64,
};

/** The raw public key length of each algorithm (Ed25519: 32; P-256: 65-byte uncompressed point). */
export const RAW_PUBLIC_KEY_BYTES: Readonly<Record<SignatureAlgorithm, number>> = {
  Ed25519: 32,
  'ECDSA-P256-SHA256': 65,
};

let ed25519Probe: Promise<boolean> | undefined;

/**
 * Whether this realm's `crypto.subtle` can generate and use Ed25519 keys (Chromium 137+, Firefox
 * 129+, Safari 17+, Node 20). Probed once, on first call, by generating a throwaway key.
 */
export function supportsEd25519(): Promise<boolean> {
  ed25519Probe ??= (async () => {
    try {
      const pair = (await subtleCrypto().generateKey({ name: 'Ed25519' }, false, [
        'sign',
        'verify',
      ])) as CryptoKeyPair;
      const probe = new Uint8Array([1, 2, 3]);
      const signature = await subtleCrypto().sign({ name: 'Ed25519' }, pair.privateKey, probe);
      return await subtleCrypto().verify({ name: 'Ed25519' }, pair.publicKey, signature, probe);
    } catch {
      return false;
    }
  })();
  return ed25519Probe;
}
