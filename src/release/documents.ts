// Release manifests and channel documents: sign them, verify them (signature, shape, expiry) and
// serialise envelopes to the exact bytes that are served.
import { EdgeflowError } from '../errors.ts';
import {
  CHANNEL_PAYLOAD_TYPE,
  type ChannelDocument,
  channelDocumentSchema,
  type PublicKeySet,
  RELEASE_PAYLOAD_TYPE,
  type ReleaseManifest,
  releaseManifestSchema,
  type SignedEnvelope,
} from '../schemas/release.ts';
import { signDocument, verifyDocument } from './envelope.ts';
import type { ExpiryOptions, SigningKey, TrustedKeyring, VerifiedDocument } from './types.ts';

/**
 * The text of a served envelope file (`manifest.json`, `channels/{channel}.json`). A channel's
 * `manifestSha256` is the SHA-256 of exactly these bytes, so whoever stores a manifest keeps them as is.
 */
export function serializeEnvelope(envelope: SignedEnvelope): string {
  return `${JSON.stringify(envelope, null, 2)}\n`;
}

function checkShape<T>(
  schema: {
    safeParse(
      value: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  value: unknown,
  what: string,
): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.map(String).join('.') || '(root)';
  throw new EdgeflowError(
    'PARSE_ERROR',
    `The ${what} is signed but not valid at "${where}": ${issue?.message ?? 'unknown problem'}. Re-publish it with edgeflow's publisher.`,
    {
      details: { field: where },
    },
  );
}

function checkExpiry(expiresAt: number, options: ExpiryOptions, what: string): void {
  if (options.now === false) return;
  const now = options.now ?? Date.now();
  if (expiresAt <= now) {
    throw new EdgeflowError(
      'RELEASE_EXPIRED',
      `The ${what} expired at ${new Date(expiresAt).toISOString()} (now ${new Date(now).toISOString()}). Someone may be replaying old metadata; the publisher must re-sign it with a later expiresAt.`,
      { details: { expiresAt, now } },
    );
  }
}

/**
 * Signs a release manifest (checked against the schema first).
 *
 * @throws {EdgeflowError} `INVALID_ARGUMENT` naming the field when the manifest is not valid.
 */
export async function signReleaseManifest(
  manifest: ReleaseManifest,
  signer: SigningKey | readonly SigningKey[],
): Promise<SignedEnvelope> {
  const parsed = releaseManifestSchema.safeParse(manifest);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.map(String).join('.') || '(root)';
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `The release manifest is not valid at "${where}": ${issue?.message ?? ''}`,
      { details: { field: where } },
    );
  }
  return signDocument(parsed.data, RELEASE_PAYLOAD_TYPE, signer);
}

/**
 * Signs a channel document (checked against the schema first).
 *
 * @throws {EdgeflowError} `INVALID_ARGUMENT` naming the field when the document is not valid.
 */
export async function signChannel(
  channel: ChannelDocument,
  signer: SigningKey | readonly SigningKey[],
): Promise<SignedEnvelope> {
  const parsed = channelDocumentSchema.safeParse(channel);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.map(String).join('.') || '(root)';
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `The channel document is not valid at "${where}": ${issue?.message ?? ''}`,
      { details: { field: where } },
    );
  }
  return signDocument(parsed.data, CHANNEL_PAYLOAD_TYPE, signer);
}

/**
 * Verifies a signed release manifest: signature by a trusted key, payload type, shape and expiry.
 *
 * @throws {EdgeflowError} `SIGNATURE_INVALID`, `UNKNOWN_KEY` (see `verifyDocument`), `PARSE_ERROR`
 *   for a signed but malformed manifest, `RELEASE_EXPIRED` when `expiresAt` has passed.
 */
export async function verifyReleaseManifest(
  envelope: unknown,
  keys: PublicKeySet | TrustedKeyring,
  options: ExpiryOptions = {},
): Promise<VerifiedDocument<ReleaseManifest>> {
  const verified = await verifyDocument(envelope, keys, RELEASE_PAYLOAD_TYPE);
  const manifest = checkShape(releaseManifestSchema, verified.payload, 'release manifest');
  checkExpiry(
    manifest.expiresAt,
    options,
    `release manifest of ${manifest.model} release ${manifest.release}`,
  );
  return { ...verified, payload: manifest };
}

/**
 * Verifies a signed channel document: signature by a trusted key, payload type, shape and expiry.
 *
 * @throws {EdgeflowError} `SIGNATURE_INVALID`, `UNKNOWN_KEY` (see `verifyDocument`), `PARSE_ERROR`
 *   for a signed but malformed document, `RELEASE_EXPIRED` when `expiresAt` has passed.
 * @example
 * const { payload: channel } = await verifyChannel(await (await fetch(url)).text(), publicKeys);
 */
export async function verifyChannel(
  envelope: unknown,
  keys: PublicKeySet | TrustedKeyring,
  options: ExpiryOptions = {},
): Promise<VerifiedDocument<ChannelDocument>> {
  const verified = await verifyDocument(envelope, keys, CHANNEL_PAYLOAD_TYPE);
  const channel = checkShape(channelDocumentSchema, verified.payload, 'channel document');
  checkExpiry(channel.expiresAt, options, `channel "${channel.channel}" of ${channel.model}`);
  return { ...verified, payload: channel };
}
