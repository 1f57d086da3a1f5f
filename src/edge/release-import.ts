// Turns a verified release into the files `registry.importVersion` takes: the tfjs files plus an
// `edgeflow.json` export manifest built from the release manifest, so the version is stored under
// the release number with its pipeline, profile and signature, and the verified release manifest
// itself travels with it (metrics key `edgeflow.release`) for offline starts, without the pipeline,
// profile and signature the version record already holds: the record is read on every cold start,
// and storing those twice doubled its size (≈ 70 KB → 36 KB for a 9-column model).
import { manifestContentDigest } from '../registry/manifest-digest.ts';
import type { ReleaseManifest } from '../release/index.ts';
import type { ExportManifest, ModelVersion } from '../schemas/registry.ts';

/**
 * The metrics key under which a stored version keeps its verified release manifest, minus
 * `pipeline`, `profile` and `signature` (the version's own fields hold them; `storedManifest` puts
 * them back).
 */
export const RELEASE_METRIC_KEY = 'edgeflow.release';

const SHARED_FIELDS = ['pipeline', 'profile', 'signature'] as const;

/**
 * The release manifest a stored version carries, whole again: the stored metric plus the pipeline,
 * profile and signature of the version record (a metric stored whole by older clients is used as is).
 */
export function storedManifest(version: ModelVersion, stored: unknown): ReleaseManifest {
  const manifest = { ...(stored as ReleaseManifest) } as Record<string, unknown>;
  for (const field of SHARED_FIELDS) if (!(field in manifest)) manifest[field] = version[field];
  return manifest as unknown as ReleaseManifest;
}

function withoutShared(manifest: ReleaseManifest): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...manifest };
  for (const field of SHARED_FIELDS) delete rest[field];
  return rest;
}

/** Files for `registry.importVersion(files, { version: 'keep' })`: the version number is the release number. */
export async function releaseToImportFiles(
  manifest: ReleaseManifest,
  files: ReadonlyMap<string, Uint8Array>,
  at: number,
): Promise<{ path: string; data: Uint8Array }[]> {
  const weightBytes = manifest.files
    .filter((f) => f.path !== 'model.json')
    .reduce((sum, f) => sum + f.bytes, 0);
  const exportManifest: ExportManifest = {
    format: 'edgeflow-version',
    formatVersion: 1,
    model: manifest.model,
    version: manifest.release,
    createdAt: manifest.createdAt,
    exportedAt: at,
    description: `Release ${manifest.release} of ${manifest.model} (registry version ${manifest.version}).`,
    tags: [`release:${manifest.release}`, `source-version:${manifest.version}`],
    files: manifest.files,
    weights: { bytes: weightBytes },
    pipeline: manifest.pipeline,
    profile: manifest.profile,
    signature: manifest.signature,
    metrics: {
      ...manifest.metrics,
      [RELEASE_METRIC_KEY]: withoutShared(manifest) as unknown as ExportManifest['pipeline'],
    },
    lineage: {
      runId: manifest.lineage.runId,
      datasetFingerprint: manifest.lineage.datasetFingerprint,
      run: null,
    },
  };
  // The registry seals an export manifest with the digest of its content; this one is built from a
  // verified, signed release manifest, so sealing it here vouches for nothing new.
  const sealed = { ...exportManifest, contentSha256: await manifestContentDigest(exportManifest) };
  return [
    ...[...files].map(([path, data]) => ({ path, data })),
    { path: 'edgeflow.json', data: new TextEncoder().encode(JSON.stringify(sealed)) },
  ];
}
