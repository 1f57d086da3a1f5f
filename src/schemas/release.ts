// The release contract as zod schemas: signed envelopes, release manifests, channel documents and
// trusted public key sets. The edge client, the publishers and the collector (through
// `edgeflow/release`) all parse downloaded or uploaded documents with these.
import { z } from 'zod';
import {
  jsonValueSchema,
  manifestFileSchema,
  metricsSchema,
  modelNameSchema,
  sha256HexSchema,
  versionNumberSchema,
} from './registry.ts';

/** Milliseconds since the epoch. */
const timestampSchema = z.number().int().nonnegative();

/** The payload type of a signed release manifest. */
export const RELEASE_PAYLOAD_TYPE = 'application/vnd.edgeflow.release+json';

/** The payload type of a signed channel document. */
export const CHANNEL_PAYLOAD_TYPE = 'application/vnd.edgeflow.channel+json';

/** The signature algorithms a release may be signed with. */
export const signatureAlgorithmSchema = z.enum(['Ed25519', 'ECDSA-P256-SHA256']);

/** A key id: the first 32 lowercase hex digits of SHA-256 over the raw public key bytes. */
export const keyIdSchema = z
  .string()
  .regex(
    /^[0-9a-f]{32}$/,
    'A key id is 32 lowercase hex digits (the start of SHA-256 of the raw public key).',
  );

/** Standard base64 (with padding), as the signatures are written. */
const base64Schema = z
  .string()
  .min(1)
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'Expected standard base64 (A–Z, a–z, 0–9, "+", "/", "=" padding).');

/** Release numbers: integers ≥ 1 per model that only grow and are never reused. */
export const releaseNumberSchema = z.number().int().min(1);

/** Channel names (`stable`, `beta`, …): a letter first, then letters, digits, `.`, `_`, `-` (file-safe). */
export const channelNameSchema = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9._-]{0,63}$/,
    'Use 1–64 letters, digits, ".", "_" or "-", starting with a letter.',
  );

/** One signature over an envelope's pre-authentication encoding. */
export const envelopeSignatureSchema = z.object({
  keyId: keyIdSchema,
  algorithm: signatureAlgorithmSchema,
  signature: base64Schema,
});

/**
 * A signed envelope. `payload` is the exact JSON text that was signed; the bytes signed are the
 * UTF-8 of `"edgeflow-sig-v1\n" + payloadType + "\n" + payload`.
 */
export const signedEnvelopeSchema = z.object({
  payloadType: z.string().min(1),
  payload: z.string(),
  signatures: z.array(envelopeSignatureSchema).min(1),
});

/** One golden input/output pair computed at publish time and re-run on the device. */
export const goldenPairSchema = z.object({
  input: z.record(z.string(), jsonValueSchema),
  output: jsonValueSchema,
});

/** The payload of `manifest.json`: every file of a release plus the metadata a client needs. */
export const releaseManifestSchema = z
  .object({
    format: z.literal('edgeflow-release'),
    formatVersion: z.literal(1),
    model: modelNameSchema,
    release: releaseNumberSchema,
    /** The registry version this release was published from. */
    version: versionNumberSchema,
    createdAt: timestampSchema,
    expiresAt: timestampSchema,
    /** `model.json` and every shard it names. */
    files: z.array(manifestFileSchema).min(1),
    pipeline: jsonValueSchema.nullable(),
    /** Aggregates only: no raw rows, rare categories folded, no exact extremes. */
    profile: jsonValueSchema.nullable(),
    /** The input columns and their types. */
    signature: jsonValueSchema.nullable(),
    metrics: metricsSchema,
    lineage: z.object({
      runId: z.string().nullable(),
      datasetFingerprint: z.string().nullable(),
    }),
    golden: z.array(goldenPairSchema),
    /** The largest absolute difference allowed between a golden output and the device's output. */
    goldenTolerance: z.number().nonnegative(),
  })
  .superRefine((manifest, ctx) => {
    const seen = new Set<string>();
    manifest.files.forEach((file, index) => {
      if (seen.has(file.path)) {
        ctx.addIssue({
          code: 'custom',
          path: ['files', index, 'path'],
          message: `File "${file.path}" is listed twice; list each file once.`,
        });
      }
      seen.add(file.path);
    });
    if (!seen.has('model.json')) {
      ctx.addIssue({
        code: 'custom',
        path: ['files'],
        message: 'A release lists "model.json" (the tfjs Layers model) among its files.',
      });
    }
    if (manifest.expiresAt <= manifest.createdAt) {
      ctx.addIssue({
        code: 'custom',
        path: ['expiresAt'],
        message: `expiresAt (${manifest.expiresAt}) must be later than createdAt (${manifest.createdAt}).`,
      });
    }
  });

/** The payload of `channels/{channel}.json`: which release a channel serves, to what share of devices. */
export const channelDocumentSchema = z.object({
  format: z.literal('edgeflow-channel'),
  formatVersion: z.literal(1),
  model: modelNameSchema,
  channel: channelNameSchema,
  release: releaseNumberSchema,
  /** SHA-256 of the `manifest.json` file bytes (the whole signed envelope as served). */
  manifestSha256: sha256HexSchema,
  /** The share of devices (by rollout bucket) that take this release, 0–100. */
  rolloutPercent: z.number().min(0).max(100),
  /** Grows with every change of this channel; a lower or equal one is refused. */
  sequence: z.number().int().nonnegative(),
  updatedAt: timestampSchema,
  expiresAt: timestampSchema,
});

/** A JSON Web Key as stored in a public key set (public parts only). */
export const publicJwkSchema = z.looseObject({
  kty: z.enum(['OKP', 'EC']),
  crv: z.enum(['Ed25519', 'P-256']),
  x: z.string().min(1),
  y: z.string().min(1).optional(),
});

/** One trusted public key. */
export const publicKeyEntrySchema = z.object({
  keyId: keyIdSchema,
  algorithm: signatureAlgorithmSchema,
  jwk: publicJwkSchema,
});

/** The trusted public keys (edge client option `publicKeys`; collector `--release-keys-file`). */
export const publicKeySetSchema = z.object({
  keys: z.array(publicKeyEntrySchema),
});

/** A signature algorithm name. */
export type SignatureAlgorithm = z.infer<typeof signatureAlgorithmSchema>;
/** One signature of an envelope. */
export type EnvelopeSignature = z.infer<typeof envelopeSignatureSchema>;
/** A signed envelope. */
export type SignedEnvelope = z.infer<typeof signedEnvelopeSchema>;
/** One golden input/output pair. */
export type GoldenPair = z.infer<typeof goldenPairSchema>;
/** A release manifest payload. */
export type ReleaseManifest = z.infer<typeof releaseManifestSchema>;
/** A channel document payload. */
export type ChannelDocument = z.infer<typeof channelDocumentSchema>;
/** A public JSON Web Key. */
export type PublicJwk = z.infer<typeof publicJwkSchema>;
/** One trusted public key. */
export type PublicKeyEntry = z.infer<typeof publicKeyEntrySchema>;
/** A set of trusted public keys. */
export type PublicKeySet = z.infer<typeof publicKeySetSchema>;
