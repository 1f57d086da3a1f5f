// Types of edgeflow/release: signing keys, trusted keyrings and verification results.
import type { SignatureAlgorithm } from '../schemas/release.ts';

/** A key that signs release and channel documents (WebCrypto keys; the private one may be non-extractable). */
export interface SigningKey {
  /** First 32 hex digits of SHA-256 over the raw public key bytes. */
  readonly keyId: string;
  readonly algorithm: SignatureAlgorithm;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
}

/** One imported, trusted verification key. */
export interface TrustedKey {
  readonly keyId: string;
  readonly algorithm: SignatureAlgorithm;
  readonly publicKey: CryptoKey;
}

/** Trusted verification keys by key id, imported once and reused for every verification. */
export interface TrustedKeyring {
  readonly kind: 'edgeflow-keyring';
  readonly keys: ReadonlyMap<string, TrustedKey>;
}

/** What `verifyDocument` returns: the parsed payload, its exact text and the key that vouched for it. */
export interface VerifiedDocument<T = unknown> {
  readonly payload: T;
  readonly payloadText: string;
  readonly payloadType: string;
  readonly keyId: string;
}

/** Options of `generateSigningKey`. */
export interface GenerateSigningKeyOptions {
  /**
   * `auto` (default) picks Ed25519 where `crypto.subtle` supports it and ECDSA P-256 otherwise.
   */
  algorithm?: SignatureAlgorithm | 'auto';
  /**
   * Whether the private key can be exported (a Node key file needs it). Default `false`: in a browser
   * the private key stays a non-extractable `CryptoKey` (stored as is in IndexedDB).
   */
  extractable?: boolean;
}

/** Options of the verifications that look at expiry. */
export interface ExpiryOptions {
  /** The time to compare `expiresAt` with (default `Date.now()`); `false` skips the expiry check. */
  now?: number | false;
}
