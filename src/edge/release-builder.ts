// Builds a signed release from a registry export: the tfjs files as they are, plus a signed
// manifest naming each with size and SHA-256, and a signed channel document pointing at it.
import { EdgeflowError } from '../errors.ts';
import { toReleaseProfile } from '../monitor/release-profile.ts';
import {
  type ChannelDocument,
  type GoldenPair,
  type ReleaseManifest,
  releaseManifestSchema,
  type SigningKey,
  serializeEnvelope,
  sha256Hex,
  signChannel,
  signReleaseManifest,
} from '../release/index.ts';
import type { Profile } from '../schemas/dataset.ts';
import { type ExportManifest, exportManifestSchema } from '../schemas/registry.ts';

/** The export manifest's file name (`registry.exportVersion` writes it beside the tfjs files). */
const EXPORT_MANIFEST_FILE = 'edgeflow.json';

/** Default lifetime of a signed manifest: 90 days (clients refuse it after, so re-sign before). */
export const DEFAULT_MANIFEST_LIFETIME_MS = 90 * 24 * 60 * 60 * 1000;

/** Default lifetime of a signed channel document: 7 days (short, so a frozen mirror is noticed soon). */
export const DEFAULT_CHANNEL_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

/** Default largest difference allowed between a golden output and the device's own output. */
export const DEFAULT_GOLDEN_TOLERANCE = 1e-3;

/** A built release: what a static folder or the collector serves under `{model}/{release}/`. */
export interface BuiltRelease {
  readonly manifest: ReleaseManifest;
  /** The exact text of `manifest.json` (a signed envelope). */
  readonly manifestText: string;
  /** SHA-256 of `manifestText`'s UTF-8 bytes: what a channel document names. */
  readonly manifestSha256: string;
  /** `model.json` and the shards, by path. */
  readonly files: ReadonlyMap<string, Uint8Array>;
}

/** Input of `buildRelease`. */
export interface BuildReleaseInput {
  /** The files of `registry.exportVersion(model, version)`: model.json, shards and edgeflow.json. */
  readonly exported: readonly { path: string; data: Uint8Array }[];
  /** The model name clients ask for (default: the exported version's model name). */
  readonly model?: string;
  /** The release number (≥ 1, higher than every release of this model already published). */
  readonly release: number;
  readonly signingKey: SigningKey | readonly SigningKey[];
  /** Golden pairs computed with the Predictor at publish time (see `computeGoldenPairs`). */
  readonly golden?: readonly GoldenPair[];
  readonly goldenTolerance?: number;
  /**
   * Turns the stored reference profile into an aggregates-only one (no raw rows, rare categories
   * folded, no exact extremes). Default: the monitor's `toReleaseProfile` (categories and sketch
   * buckets under 5 rows folded).
   */
  readonly sanitizeProfile?: (profile: Profile) => Profile;
  /** Clock (epoch ms), default `Date.now()`. */
  readonly now?: number;
  /** How long the manifest stays valid (default 90 days). */
  readonly lifetimeMs?: number;
}

function readExportManifest(exported: BuildReleaseInput['exported']): ExportManifest {
  const file = exported.find((f) => f.path === EXPORT_MANIFEST_FILE);
  if (file === undefined) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `The export has no ${EXPORT_MANIFEST_FILE}; pass the files of registry.exportVersion().`,
      {
        details: { field: 'exported' },
      },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(file.data));
  } catch (cause) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `${EXPORT_MANIFEST_FILE} is not JSON; export the version again.`,
      { cause },
    );
  }
  const parsed = exportManifestSchema.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.map(String).join('.') || '(root)';
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `${EXPORT_MANIFEST_FILE} is not a valid export manifest at "${where}".`,
      { details: { field: where } },
    );
  }
  return parsed.data;
}

/**
 * Builds and signs a release from a registry export. The files are re-hashed here (not trusted from
 * the export manifest), so the signed sizes and digests are of the bytes that will be served.
 *
 * @throws {EdgeflowError} `INVALID_ARGUMENT` for an export without a valid `edgeflow.json`, a bad
 *   release number, tolerance or lifetime.
 * @example
 * const release = await buildRelease({ exported: await registry.exportVersion('iris', 'champion'), release: 4, signingKey });
 */
export async function buildRelease(input: BuildReleaseInput): Promise<BuiltRelease> {
  const source = readExportManifest(input.exported);
  const now = input.now ?? Date.now();
  const lifetime = input.lifetimeMs ?? DEFAULT_MANIFEST_LIFETIME_MS;
  if (!Number.isInteger(input.release) || input.release < 1) {
    throw new EdgeflowError('INVALID_ARGUMENT', `Release numbers are integers ≥ 1; got ${input.release}.`, {
      details: { field: 'release', value: input.release },
    });
  }
  if (!(lifetime > 0)) {
    throw new EdgeflowError('INVALID_ARGUMENT', `lifetimeMs must be positive; got ${lifetime}.`, {
      details: { field: 'lifetimeMs', value: lifetime },
    });
  }
  const files = new Map<string, Uint8Array>();
  for (const file of input.exported) {
    if (file.path !== EXPORT_MANIFEST_FILE) files.set(file.path, file.data);
  }
  const listed = await Promise.all(
    [...files].map(async ([path, data]) => ({ path, bytes: data.byteLength, sha256: await sha256Hex(data) })),
  );
  const manifest = releaseManifestSchema.safeParse({
    format: 'edgeflow-release',
    formatVersion: 1,
    model: input.model ?? source.model,
    release: input.release,
    version: source.version,
    createdAt: now,
    expiresAt: now + lifetime,
    files: listed,
    pipeline: source.pipeline,
    profile:
      source.profile === null ? null : (input.sanitizeProfile ?? toReleaseProfile)(source.profile as Profile),
    signature: source.signature,
    metrics: source.metrics,
    lineage: { runId: source.lineage.runId, datasetFingerprint: source.lineage.datasetFingerprint },
    golden: input.golden ?? [],
    goldenTolerance: input.goldenTolerance ?? DEFAULT_GOLDEN_TOLERANCE,
  });
  if (!manifest.success) {
    const where = manifest.error.issues[0]?.path.map(String).join('.') || '(root)';
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `The release manifest would not be valid at "${where}": ${manifest.error.issues[0]?.message ?? ''}`,
      {
        details: { field: where },
      },
    );
  }
  const manifestText = serializeEnvelope(await signReleaseManifest(manifest.data, input.signingKey));
  return { manifest: manifest.data, manifestText, manifestSha256: await sha256Hex(manifestText), files };
}

/** Input of `buildChannel`. */
export interface BuildChannelInput {
  readonly model: string;
  readonly channel: string;
  readonly release: number;
  /** SHA-256 of the release's `manifest.json` text (`BuiltRelease.manifestSha256`). */
  readonly manifestSha256: string;
  /** Share of devices that take the release, 0–100 (default 100). */
  readonly rolloutPercent?: number;
  /** Higher than the channel's current sequence (default: the clock, which only grows). */
  readonly sequence?: number;
  readonly signingKey: SigningKey | readonly SigningKey[];
  readonly now?: number;
  /** How long the channel document stays valid (default 7 days). */
  readonly lifetimeMs?: number;
}

/**
 * Builds and signs a channel document; returns it with the exact text of `channels/{channel}.json`.
 *
 * @throws {EdgeflowError} `INVALID_ARGUMENT` naming the field that is out of range.
 */
export async function buildChannel(
  input: BuildChannelInput,
): Promise<{ document: ChannelDocument; text: string }> {
  const now = input.now ?? Date.now();
  const document: ChannelDocument = {
    format: 'edgeflow-channel',
    formatVersion: 1,
    model: input.model,
    channel: input.channel,
    release: input.release,
    manifestSha256: input.manifestSha256,
    rolloutPercent: input.rolloutPercent ?? 100,
    sequence: input.sequence ?? now,
    updatedAt: now,
    expiresAt: now + (input.lifetimeMs ?? DEFAULT_CHANNEL_LIFETIME_MS),
  };
  return { document, text: serializeEnvelope(await signChannel(document, input.signingKey)) };
}
