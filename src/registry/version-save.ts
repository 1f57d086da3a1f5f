// Saving versions: tfjs artifacts (register, import) and live models read from their tensors,
// and copies that share their chunks. Weights are hashed first, then the version and its new
// chunks are written in one transaction.
import type { ModelVersion, VersionSource } from '../schemas/registry.ts';
import { checkArtifacts } from './artifacts.ts';
import { type ChunkSource, viewSources } from './chunk-pipeline.ts';
import { writeWithChunks } from './chunk-writer.ts';
import { splitIntoChunks } from './content-hash.ts';
import { checkModelName } from './registry-checks.ts';
import type { RegistryContext } from './registry-context.ts';
import { type LayersModelLike, pinWeights } from './tensor-weights.ts';
import type { ChunkPayload, VersionDraft } from './types.ts';
import { type CommitOptions, commitVersion, storedChunks } from './version-commit.ts';
import {
  liveModelDraft,
  type RegisterVersionInput,
  rememberDigests,
  type VersionMetadataInput,
  versionMetadata,
} from './version-metadata.ts';
import { getVersion } from './version-queries.ts';

/**
 * Gathers chunks from `sources` and commits the version, retrying once with every chunk's bytes if
 * a chunk believed stored was deleted meanwhile.
 */
export async function storeVersion(
  context: RegistryContext,
  model: string,
  draft: Omit<VersionDraft, 'weights'>,
  sources: readonly ChunkSource[],
  options: CommitOptions,
): Promise<{ version: ModelVersion; chunks: ChunkPayload[] }> {
  const { result: version, chunks } = await writeWithChunks(context, sources, (chunks, weights) =>
    commitVersion(context, model, { ...draft, weights }, chunks, options),
  );
  return { version, chunks };
}

/**
 * Registers tfjs artifacts as a new version recording `source`.
 * @throws INVALID_ARGUMENT (name, artifacts, wrong weights length, non-JSON metadata); QUOTA_EXCEEDED
 */
export async function registerArtifacts(
  context: RegistryContext,
  input: RegisterVersionInput,
  source: VersionSource,
): Promise<ModelVersion> {
  const model = checkModelName(input.model);
  const checked = checkArtifacts(model, input.artifacts);
  const views = splitIntoChunks(checked.weightData, context.chunkBytes);
  const total = views.reduce((sum, v) => sum + v.byteLength, 0);
  input.onProgress?.({ stage: 'hashing', bytes: total });
  const draft: Omit<VersionDraft, 'weights'> = {
    ...versionMetadata(input),
    format: checked.format,
    generatedBy: checked.generatedBy,
    convertedBy: checked.convertedBy,
    topology: checked.topology,
    trainingConfig: checked.trainingConfig,
    weightSpecs: checked.weightSpecs,
    source,
  };
  return (
    await storeVersion(context, model, draft, viewSources(views, { likelyNew: true }), {
      onWriting: () => input.onProgress?.({ stage: 'writing', bytes: total }),
    })
  ).version;
}

/**
 * Registers a live tfjs `LayersModel` as a new version, reading weights straight from its tensors;
 * chunks of tensors unchanged since this registry last saved them are neither read nor hashed again.
 * @throws INVALID_ARGUMENT (name, string/complex weights, non-JSON metadata); QUOTA_EXCEEDED
 */
export async function saveModel(
  context: RegistryContext,
  model: string,
  tfModel: LayersModelLike,
  options: VersionMetadataInput,
): Promise<ModelVersion> {
  const name = checkModelName(model);
  const pinned = pinWeights(name, tfModel, context.chunkBytes, context.tensorDigests);
  try {
    const draft = liveModelDraft(name, tfModel, pinned, options);
    const { result: version, chunks } = await writeWithChunks(context, pinned.sources, (chunks, weights) =>
      commitVersion(context, name, { ...draft, weights }, chunks, {
        onWriting: () => options.onProgress?.({ stage: 'writing', bytes: pinned.bytes }),
      }),
    );
    rememberDigests(context.tensorDigests, pinned.keys, chunks);
    return version;
  } finally {
    pinned.release();
  }
}

/**
 * Copies a version into a model (the same or another) as a new version that shares the weight
 * chunks: nothing is rewritten.
 * @throws MODEL_NOT_FOUND; VERSION_NOT_FOUND; INVALID_ARGUMENT
 */
export async function copyVersion(
  context: RegistryContext,
  fromModel: string,
  versionOrAlias: number | string,
  toModel: string,
  options: { tags?: string[]; description?: string },
): Promise<ModelVersion> {
  const target = checkModelName(toModel);
  const source = await getVersion(context, fromModel, versionOrAlias);
  const { model: _m, version: _v, createdAt: _c, ...rest } = source;
  const draft: VersionDraft = {
    ...rest,
    tags: options.tags ?? source.tags,
    description: options.description ?? source.description,
    source: { kind: 'copy', from: `${source.model}@${source.version}` },
  };
  return commitVersion(context, target, draft, storedChunks(source.weights), {});
}
