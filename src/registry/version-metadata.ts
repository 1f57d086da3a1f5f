// The inputs of a save and the version fields built from them: metadata besides the artifacts, and
// the record of a live tfjs model (topology and weight specs) whose weights are read from tensors.
import type { io } from '@tensorflow/tfjs';
import type { ModelVersion } from '../schemas/registry.ts';
import { checkArtifacts } from './artifacts.ts';
import type { LayersModelLike, PinnedWeights, TensorDigestCache } from './tensor-weights.ts';
import type { ChunkPayload, VersionDraft } from './types.ts';

type Json = ModelVersion['pipeline'];

/** Metadata stored with a version besides its artifacts. */
export interface VersionMetadataInput {
  /** The fitted pipeline (opaque JSON). */
  pipeline?: Json;
  /** The reference profile for drift (opaque JSON). */
  profile?: Json;
  /** The input signature: columns and types (opaque JSON). */
  signature?: Json;
  metrics?: Record<string, Json>;
  runId?: string | null;
  datasetFingerprint?: string | null;
  tags?: string[];
  description?: string;
  /** Progress of a save: `hashing` first, then `writing` right before the transaction starts. */
  onProgress?: (progress: { stage: 'hashing' | 'writing'; bytes: number }) => void;
}

/** Input of `registerVersion`. */
export interface RegisterVersionInput extends VersionMetadataInput {
  model: string;
  /** tfjs artifacts, e.g. from a save handler or `tf.io.withSaveHandler`. */
  artifacts: io.ModelArtifacts;
}

/** The metadata fields of a version, with their defaults. */
export function versionMetadata(
  input: VersionMetadataInput,
): Pick<
  VersionDraft,
  'description' | 'runId' | 'datasetFingerprint' | 'pipeline' | 'profile' | 'signature' | 'metrics' | 'tags'
> {
  return {
    description: input.description ?? '',
    runId: input.runId ?? null,
    datasetFingerprint: input.datasetFingerprint ?? null,
    pipeline: input.pipeline ?? null,
    profile: input.profile ?? null,
    signature: input.signature ?? null,
    metrics: input.metrics ?? {},
    tags: input.tags ?? [],
  };
}

/** The version fields of a live model's save (weights aside), checked; reports `hashing`. @throws INVALID_ARGUMENT */
export function liveModelDraft(
  name: string,
  tfModel: LayersModelLike,
  pinned: PinnedWeights,
  options: VersionMetadataInput,
): Omit<VersionDraft, 'weights'> {
  const topology = tfModel.toJSON(null, false);
  const checked = checkArtifacts(
    name,
    { modelTopology: topology as object, weightSpecs: pinned.weightSpecs as io.WeightsManifestEntry[] },
    pinned.bytes,
  );
  options.onProgress?.({ stage: 'hashing', bytes: pinned.bytes });
  return {
    ...versionMetadata(options),
    format: 'layers-model',
    generatedBy: 'edgeflow registry.saveModel',
    convertedBy: null,
    topology: checked.topology,
    trainingConfig: null,
    weightSpecs: checked.weightSpecs,
    source: { kind: 'register', from: null },
  };
}

/** Remembers the digest of each pinned tensor chunk, so an unchanged tensor is not hashed again. */
export function rememberDigests(
  cache: TensorDigestCache,
  keys: readonly string[],
  chunks: readonly ChunkPayload[],
): void {
  for (const [i, key] of keys.entries()) cache.set(key, (chunks[i] as ChunkPayload).sha256);
}
