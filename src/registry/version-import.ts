// Importing versions: exported files or a zip (every hash verified before anything is stored),
// and models plain tfjs saved under `indexeddb://`.
import { unzipSync } from 'fflate';
import { EdgeflowError } from '../errors.ts';
import type { ModelVersion, VersionSource } from '../schemas/registry.ts';
import { viewSources } from './chunk-pipeline.ts';
import { splitIntoChunks } from './content-hash.ts';
import { type ImportFiles, verifyImportFiles } from './import-files.ts';
import { checkModelName } from './registry-checks.ts';
import type { RegistryContext } from './registry-context.ts';
import { readTfjsIndexedDbModel } from './tfjs-indexeddb.ts';
import type { VersionDraft } from './types.ts';
import type { VersionMetadataInput } from './version-metadata.ts';
import { registerArtifacts, storeVersion } from './version-save.ts';

type Json = ModelVersion['pipeline'];

/** Options of `importVersion`. */
export interface ImportVersionOptions {
  /** Store under another model name. */
  model?: string;
  /** `keep` (default) keeps the exported number (VERSION_CONFLICT if used); `next` allocates a new one. */
  version?: 'keep' | 'next';
}

/**
 * Imports exported files after verifying every hash; nothing is stored unless all match.
 * @throws INVALID_ARGUMENT (manifest missing or failing its schema); INTEGRITY_FAILED (size, hash,
 * weights length); VERSION_CONFLICT (the number exists or was used, with `version: 'keep'`)
 */
export async function importVersion(
  context: RegistryContext,
  files: ImportFiles,
  options: ImportVersionOptions,
): Promise<ModelVersion> {
  const verified = await verifyImportFiles(files);
  const { manifest } = verified;
  const model = checkModelName(options.model ?? manifest.model);
  const views = splitIntoChunks(
    verified.weights.map(
      (w) =>
        (w.byteOffset === 0 && w.byteLength === w.buffer.byteLength
          ? w.buffer
          : w.slice().buffer) as ArrayBuffer,
    ),
    context.chunkBytes,
  );
  const draft: Omit<VersionDraft, 'weights'> = {
    description: manifest.description,
    runId: manifest.lineage.runId,
    datasetFingerprint: manifest.lineage.datasetFingerprint,
    pipeline: manifest.pipeline,
    profile: manifest.profile,
    signature: manifest.signature,
    metrics: manifest.metrics,
    tags: manifest.tags,
    format: verified.format,
    generatedBy: verified.generatedBy,
    convertedBy: verified.convertedBy,
    topology: verified.topology as Json,
    trainingConfig: (verified.trainingConfig ?? null) as Json,
    weightSpecs: verified.weightSpecs,
    source: { kind: 'import', from: `${manifest.model}@${manifest.version}` } satisfies VersionSource,
  };
  const stored = await storeVersion(
    context,
    model,
    draft,
    viewSources(views, { likelyNew: true }),
    (options.version ?? 'keep') === 'keep' ? { version: manifest.version } : {},
  );
  return stored.version;
}

/** Imports a `.zip` made by `exportVersionZip`. @throws INVALID_ARGUMENT (not a zip) and `importVersion`'s codes */
export async function importVersionZip(
  context: RegistryContext,
  zip: Uint8Array | ArrayBuffer,
  options: ImportVersionOptions,
): Promise<ModelVersion> {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip instanceof Uint8Array ? zip : new Uint8Array(zip));
  } catch (error) {
    throw new EdgeflowError('INVALID_ARGUMENT', `The file is not a readable .zip (${String(error)}).`, {
      cause: error,
    });
  }
  return importVersion(context, files, options);
}

/**
 * Imports a model plain tfjs saved with `model.save('indexeddb://path')` as a new version.
 * @throws MODEL_NOT_FOUND (no such path, with close ones); INVALID_ARGUMENT; QUOTA_EXCEEDED
 */
export async function importTfjsIndexedDb(
  context: RegistryContext,
  url: string,
  input: VersionMetadataInput & { model: string },
): Promise<ModelVersion> {
  const { path, artifacts } = await readTfjsIndexedDbModel(url);
  return registerArtifacts(
    context,
    { ...input, artifacts },
    { kind: 'tfjs-indexeddb', from: `indexeddb://${path}` },
  );
}
