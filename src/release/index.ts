// Public barrel of edgeflow/release: the signed release and channel formats, signing and
// verification (WebCrypto only: no tfjs, no DOM), shared by the edge client, the publishers and the
// collector. Named exports only (no `export *`).
export {
  CHANNEL_PAYLOAD_TYPE,
  type ChannelDocument,
  channelDocumentSchema,
  channelNameSchema,
  type EnvelopeSignature,
  envelopeSignatureSchema,
  type GoldenPair,
  goldenPairSchema,
  keyIdSchema,
  type PublicJwk,
  type PublicKeyEntry,
  type PublicKeySet,
  publicJwkSchema,
  publicKeyEntrySchema,
  publicKeySetSchema,
  RELEASE_PAYLOAD_TYPE,
  type ReleaseManifest,
  releaseManifestSchema,
  releaseNumberSchema,
  type SignatureAlgorithm,
  type SignedEnvelope,
  signatureAlgorithmSchema,
  signedEnvelopeSchema,
} from '../schemas/release.ts';
export { supportsEd25519 } from './algorithms.ts';
export { sha256Hex } from './digest.ts';
export {
  serializeEnvelope,
  signChannel,
  signReleaseManifest,
  verifyChannel,
  verifyReleaseManifest,
} from './documents.ts';
export {
  parseEnvelope,
  preAuthEncoding,
  SIGNATURE_DOMAIN,
  signDocument,
  verifyDocument,
} from './envelope.ts';
export {
  exportPublicKey,
  exportSigningKey,
  generateSigningKey,
  importPublicKeys,
  importSigningKey,
  isTrustedKeyring,
  keyIdOf,
} from './keys.ts';
export { isInRollout, rolloutBucket } from './rollout.ts';
export type {
  ExpiryOptions,
  GenerateSigningKeyOptions,
  SigningKey,
  TrustedKey,
  TrustedKeyring,
  VerifiedDocument,
} from './types.ts';
export { verifyReleaseFiles } from './verify-files.ts';
