// Reads and verifies the files of an exported version before anything is stored: the manifest
// must pass its schema, every file it names must be there with its exact size and SHA-256, and the
// weight shards must add up to what the weight specs need.
//
// A manifest that fails its schema is INVALID_ARGUMENT (the input is not an edgeflow export, or a
// different format version): nothing claims a hash yet, so nothing failed to verify. A file whose
// size or hash differs from what a valid manifest says is INTEGRITY_FAILED.
import { EdgeflowError } from '../errors.ts';
import {
  type ExportManifest,
  exportManifestSchema,
  type WeightSpec,
  weightSpecSchema,
} from '../schemas/registry.ts';
import { expectedWeightBytes } from './artifacts.ts';
import { sha256Hex } from './content-hash.ts';
import { MANIFEST_FILE, MODEL_FILE } from './export-files.ts';
import { manifestContentDigest } from './manifest-digest.ts';

/** Files to import: a list of `{ path, data }` or a map from file name to bytes. */
export type ImportFiles =
  | readonly { path: string; data: Uint8Array | ArrayBuffer }[]
  | Readonly<Record<string, Uint8Array | ArrayBuffer>>;

/** The verified content of an export. */
export interface VerifiedImport {
  manifest: ExportManifest;
  topology: Record<string, unknown>;
  trainingConfig: unknown;
  format: string | null;
  generatedBy: string | null;
  convertedBy: string | null;
  weightSpecs: WeightSpec[];
  /** Weight bytes, shard by shard, in manifest order. */
  weights: Uint8Array[];
}

function asBytes(data: Uint8Array | ArrayBuffer): Uint8Array {
  return data instanceof Uint8Array ? data : new Uint8Array(data);
}

function byName(files: ImportFiles): Map<string, Uint8Array> {
  const map = new Map<string, Uint8Array>();
  if (Array.isArray(files)) {
    for (const file of files as readonly { path: string; data: Uint8Array | ArrayBuffer }[]) {
      map.set(file.path.split('/').pop() ?? file.path, asBytes(file.data));
    }
  } else {
    for (const [path, data] of Object.entries(files as Record<string, Uint8Array | ArrayBuffer>)) {
      map.set(path.split('/').pop() ?? path, asBytes(data));
    }
  }
  return map;
}

function parseJson(name: string, bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `${name} is not valid JSON (${String(error)}). Export the version again.`,
      {
        details: { file: name },
        cause: error,
      },
    );
  }
}

/**
 * Verifies an export.
 * @throws INVALID_ARGUMENT (manifest missing, not JSON, or failing its schema; model.json malformed);
 * INTEGRITY_FAILED (a named file missing, of another size or hash; shards of the wrong total length).
 */
export async function verifyImportFiles(files: ImportFiles): Promise<VerifiedImport> {
  const map = byName(files);
  const manifestBytes = map.get(MANIFEST_FILE);
  if (!manifestBytes) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `No ${MANIFEST_FILE} among the files (${[...map.keys()].join(', ') || 'none'}). Import the full export produced by registry.exportVersion().`,
      { details: { file: MANIFEST_FILE, files: [...map.keys()] } },
    );
  }
  const parsed = exportManifestSchema.safeParse(parseJson(MANIFEST_FILE, manifestBytes));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({
      path: i.path.map(String).join('.'),
      message: i.message,
    }));
    const first = issues[0];
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `${MANIFEST_FILE} does not match the edgeflow export schema: field "${first?.path ?? ''}" ${first?.message ?? 'is invalid'}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}. It was not written by this edgeflow version or was edited.`,
      { details: { file: MANIFEST_FILE, field: first?.path ?? null, issues } },
    );
  }
  const manifest = parsed.data;
  // The manifest's own content (pipeline, metrics, lineage…) is covered by its content digest,
  // computed on the parsed JSON as read (the schema may drop unknown keys; a digest must not).
  const raw = parseJson(MANIFEST_FILE, manifestBytes) as Record<string, unknown>;
  const contentDigest = await manifestContentDigest(raw);
  if (manifest.contentSha256 !== contentDigest) {
    throw new EdgeflowError(
      'INTEGRITY_FAILED',
      manifest.contentSha256 === undefined
        ? `${MANIFEST_FILE} has no contentSha256, so its pipeline, metrics and lineage cannot be verified. Export the version again with this edgeflow version.`
        : `${MANIFEST_FILE} was edited after export: its content does not match its contentSha256 (expected ${manifest.contentSha256}, got ${contentDigest}). Nothing was imported.`,
      { details: { file: MANIFEST_FILE, expected: manifest.contentSha256 ?? null, actual: contentDigest } },
    );
  }
  const listed = new Map(manifest.files.map((f) => [f.path, f]));
  const digests = await Promise.all(
    manifest.files.map(async (file) => {
      const data = map.get(file.path);
      if (!data) {
        throw new EdgeflowError(
          'INTEGRITY_FAILED',
          `${file.path}, named in ${MANIFEST_FILE}, is missing. Import every file of the export.`,
          {
            details: { file: file.path },
          },
        );
      }
      if (data.byteLength !== file.bytes) {
        throw new EdgeflowError(
          'INTEGRITY_FAILED',
          `${file.path} has ${data.byteLength} bytes but ${MANIFEST_FILE} says ${file.bytes}: the file is truncated or altered. Download the export again.`,
          { details: { file: file.path, expectedBytes: file.bytes, actualBytes: data.byteLength } },
        );
      }
      return sha256Hex(data);
    }),
  );
  manifest.files.forEach((file, i) => {
    if (digests[i] !== file.sha256) {
      throw new EdgeflowError(
        'INTEGRITY_FAILED',
        `${file.path} does not match its SHA-256 in ${MANIFEST_FILE} (expected ${file.sha256}, got ${digests[i]}): the file was altered or corrupted. Nothing was imported.`,
        { details: { file: file.path, expected: file.sha256, actual: digests[i] } },
      );
    }
  });
  const modelBytes = map.get(MODEL_FILE);
  if (!modelBytes || !listed.has(MODEL_FILE)) {
    throw new EdgeflowError(
      'INTEGRITY_FAILED',
      `${MANIFEST_FILE} does not name ${MODEL_FILE}; the export is incomplete.`,
      {
        details: { file: MODEL_FILE },
      },
    );
  }
  const modelJson = parseJson(MODEL_FILE, modelBytes) as {
    modelTopology?: unknown;
    trainingConfig?: unknown;
    format?: unknown;
    generatedBy?: unknown;
    convertedBy?: unknown;
    weightsManifest?: { paths?: unknown; weights?: unknown }[];
  };
  if (
    typeof modelJson.modelTopology !== 'object' ||
    modelJson.modelTopology === null ||
    !Array.isArray(modelJson.weightsManifest)
  ) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `${MODEL_FILE} is not a tfjs Layers model (needs modelTopology and weightsManifest).`,
      {
        details: { file: MODEL_FILE },
      },
    );
  }
  const weightSpecs: WeightSpec[] = [];
  const weights: Uint8Array[] = [];
  for (const group of modelJson.weightsManifest) {
    const specs = weightSpecSchema.array().safeParse(group.weights);
    const paths = group.paths;
    if (!specs.success || !Array.isArray(paths) || !paths.every((p) => typeof p === 'string')) {
      throw new EdgeflowError('INVALID_ARGUMENT', `${MODEL_FILE} has a malformed weightsManifest entry.`, {
        details: { file: MODEL_FILE, field: 'weightsManifest' },
      });
    }
    weightSpecs.push(...specs.data);
    for (const path of paths as string[]) {
      const data = map.get(path);
      if (!data || !listed.has(path)) {
        throw new EdgeflowError(
          'INTEGRITY_FAILED',
          `Weight shard ${path} is not named in ${MANIFEST_FILE}, so it cannot be verified.`,
          {
            details: { file: path },
          },
        );
      }
      weights.push(data);
    }
  }
  const actual = weights.reduce((sum, w) => sum + w.byteLength, 0);
  const expected = expectedWeightBytes(weightSpecs);
  if ((expected !== null && actual !== expected) || actual !== manifest.weights.bytes) {
    throw new EdgeflowError(
      'INTEGRITY_FAILED',
      `The weight shards hold ${actual} bytes but the weight specs need ${expected ?? 'a data-dependent number of'} bytes and ${MANIFEST_FILE} says ${manifest.weights.bytes}. The export is inconsistent.`,
      { details: { expectedBytes: expected, manifestBytes: manifest.weights.bytes, actualBytes: actual } },
    );
  }
  return {
    manifest,
    topology: modelJson.modelTopology as Record<string, unknown>,
    trainingConfig: modelJson.trainingConfig ?? null,
    format: typeof modelJson.format === 'string' ? modelJson.format : null,
    generatedBy: typeof modelJson.generatedBy === 'string' ? modelJson.generatedBy : null,
    convertedBy: typeof modelJson.convertedBy === 'string' ? modelJson.convertedBy : null,
    weightSpecs,
    weights,
  };
}
