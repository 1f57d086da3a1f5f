// Builds the files of an exported version: tfjs Layers `model.json` + weight shards (what plain
// `tf.loadLayersModel(url)` reads) and `edgeflow.json`, which names every file with its size and
// SHA-256 and carries the pipeline, profile, signature, metrics and lineage.
import { EdgeflowError } from '../errors.ts';
import type { ExportManifest, ManifestFile, ModelVersion } from '../schemas/registry.ts';
import { sha256Hex } from './content-hash.ts';
import { manifestContentDigest } from './manifest-digest.ts';
import type { ExportedFile } from './types.ts';

/** tfjs's own default shard size (4 MiB): static hosts and CDNs cache such files well. */
export const DEFAULT_SHARD_BYTES = 4 * 1024 * 1024;

/** The manifest's file name. */
export const MANIFEST_FILE = 'edgeflow.json';

/** The tfjs model file's name. */
export const MODEL_FILE = 'model.json';

function shardViews(weights: readonly ArrayBuffer[], shardBytes: number): Uint8Array[] {
  const total = weights.reduce((sum, b) => sum + b.byteLength, 0);
  const joined = weights.length === 1 ? new Uint8Array(weights[0] as ArrayBuffer) : new Uint8Array(total);
  if (weights.length !== 1) {
    let offset = 0;
    for (const buffer of weights) {
      joined.set(new Uint8Array(buffer), offset);
      offset += buffer.byteLength;
    }
  }
  const shards: Uint8Array[] = [];
  for (let start = 0; start < total; start += shardBytes) {
    shards.push(joined.subarray(start, Math.min(total, start + shardBytes)));
  }
  return shards;
}

/** The input of `buildExportFiles`. */
export interface ExportInput {
  version: ModelVersion;
  weights: readonly ArrayBuffer[];
  run: ExportManifest['lineage']['run'];
  shardBytes?: number;
  exportedAt: number;
}

/** Produces `model.json`, the shards and `edgeflow.json`, hashing every file. */
export async function buildExportFiles(input: ExportInput): Promise<ExportedFile[]> {
  const shardBytes = input.shardBytes ?? DEFAULT_SHARD_BYTES;
  if (!Number.isInteger(shardBytes) || shardBytes < 1) {
    throw new EdgeflowError('INVALID_ARGUMENT', `shardBytes must be a positive integer; got ${shardBytes}.`, {
      details: { field: 'shardBytes', value: shardBytes },
    });
  }
  const { version } = input;
  const shards = shardViews(input.weights, shardBytes);
  const shardNames = shards.map((_, i) => `group1-shard${i + 1}of${shards.length}.bin`);
  const modelJson = {
    format: version.format ?? 'layers-model',
    generatedBy: version.generatedBy ?? 'edgeflow',
    convertedBy: version.convertedBy,
    modelTopology: version.topology,
    ...(version.trainingConfig === null ? {} : { trainingConfig: version.trainingConfig }),
    weightsManifest: [{ paths: shardNames, weights: version.weightSpecs }],
  };
  const files: ExportedFile[] = [
    { path: MODEL_FILE, data: new TextEncoder().encode(JSON.stringify(modelJson)) },
    ...shards.map((data, i) => ({ path: shardNames[i] as string, data })),
  ];
  const digests = await Promise.all(files.map((f) => sha256Hex(f.data)));
  const listed: ManifestFile[] = files.map((f, i) => ({
    path: f.path,
    bytes: f.data.byteLength,
    sha256: digests[i] as string,
  }));
  const manifest: ExportManifest = {
    format: 'edgeflow-version',
    formatVersion: 1,
    model: version.model,
    version: version.version,
    createdAt: version.createdAt,
    exportedAt: input.exportedAt,
    description: version.description,
    tags: version.tags,
    files: listed,
    weights: { bytes: version.weights.bytes },
    pipeline: version.pipeline,
    profile: version.profile,
    signature: version.signature,
    metrics: version.metrics,
    lineage: { runId: version.runId, datasetFingerprint: version.datasetFingerprint, run: input.run },
  };
  const sealed: ExportManifest = { ...manifest, contentSha256: await manifestContentDigest(manifest) };
  files.push({ path: MANIFEST_FILE, data: new TextEncoder().encode(JSON.stringify(sealed, null, 2)) });
  return files;
}
