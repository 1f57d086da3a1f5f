// The registry's records as zod schemas: what a page, a worker, an edge client and the collector
// agree on. Binary payloads (weights, dataset columns) are described here but live in their own
// stores; these schemas cover the JSON side and the shapes handed to the registry.
import { z } from 'zod';

/** Model names: a letter or digit first, then letters, digits, `.`, `_`, `-` (URL- and file-safe). */
export const modelNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
    'Use 1–128 letters, digits, ".", "_" or "-", starting with a letter or digit.',
  );

/** Alias names start with a letter, so `name@3` (a version) and `name@champion` (an alias) never clash. */
export const aliasNameSchema = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9._-]{0,63}$/,
    'Use 1–64 letters, digits, ".", "_" or "-", starting with a letter.',
  );

/** A lowercase hex SHA-256 digest. */
export const sha256HexSchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'Expected 64 lowercase hex digits (SHA-256).');

/** Any JSON value: pipelines, profiles and specs are opaque to the registry. */
export const jsonValueSchema = z.json();

/** Milliseconds since the epoch. */
const timestampSchema = z.number().int().nonnegative();

/** Version numbers start at 1. */
export const versionNumberSchema = z.number().int().min(1);

/** A named model: the container of versions. `lastVersion` is the highest number ever allocated. */
export const modelSchema = z.object({
  name: modelNameSchema,
  description: z.string(),
  tags: z.array(z.string()),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
  lastVersion: z.number().int().nonnegative(),
});

/** One tfjs weight entry (`WeightsManifestEntry`). */
export const weightSpecSchema = z.object({
  name: z.string().min(1),
  shape: z.array(z.number().int().nonnegative()),
  dtype: z.enum(['float32', 'int32', 'bool', 'string', 'complex64']),
  group: z.string().optional(),
  quantization: z
    .object({
      scale: z.number().optional(),
      min: z.number().optional(),
      dtype: z.enum(['uint16', 'uint8', 'float16']),
    })
    .optional(),
});

/** One content-addressed piece of a version's weight bytes (≤ 64 MiB). */
export const weightChunkRefSchema = z.object({
  sha256: sha256HexSchema,
  bytes: z.number().int().nonnegative(),
});

/**
 * Where a version's weights are. `sha256` is the digest of the concatenated hex digests of the
 * chunks, in order: it names the weight content without hashing the bytes twice.
 */
export const versionWeightsSchema = z.object({
  sha256: sha256HexSchema,
  bytes: z.number().int().nonnegative(),
  chunks: z.array(weightChunkRefSchema),
});

/** How a version came to be. */
export const versionSourceSchema = z.object({
  kind: z.enum(['register', 'import', 'copy', 'tfjs-indexeddb']),
  /** For copies and imports: what it came from (`model@version`, a file name, an `indexeddb://` URL). */
  from: z.string().nullable(),
});

/** Metric values: numbers sort and filter; other JSON (confusion matrices…) is kept as is. */
export const metricsSchema = z.record(z.string(), jsonValueSchema);

/** An immutable model version: topology, weight specs and chunk refs, the fitted pipeline and lineage. */
export const modelVersionSchema = z.object({
  model: modelNameSchema,
  version: versionNumberSchema,
  createdAt: timestampSchema,
  description: z.string(),
  runId: z.string().nullable(),
  datasetFingerprint: z.string().nullable(),
  pipeline: jsonValueSchema.nullable(),
  profile: jsonValueSchema.nullable(),
  signature: jsonValueSchema.nullable(),
  metrics: metricsSchema,
  tags: z.array(z.string()),
  format: z.string().nullable(),
  generatedBy: z.string().nullable(),
  convertedBy: z.string().nullable(),
  topology: jsonValueSchema,
  trainingConfig: jsonValueSchema.nullable(),
  weightSpecs: z.array(weightSpecSchema),
  weights: versionWeightsSchema,
  source: versionSourceSchema,
});

/** Where an alias points now. */
export const aliasSchema = z.object({
  model: modelNameSchema,
  alias: aliasNameSchema,
  version: versionNumberSchema,
  updatedAt: timestampSchema,
});

/** One append-only entry of the alias log: every move, including the first set and removals. */
export const aliasMoveSchema = z.object({
  seq: z.number().int().min(1),
  model: modelNameSchema,
  alias: aliasNameSchema,
  from: versionNumberSchema.nullable(),
  to: versionNumberSchema.nullable(),
  at: timestampSchema,
  reason: z.string().min(1),
  gateReport: jsonValueSchema.nullable(),
});

/** A training run's state. */
export const runStatusSchema = z.enum(['running', 'finished', 'failed', 'cancelled', 'interrupted']);

/** One epoch's entry of a run's history (`epoch` plus whatever the trainer logs). */
export const runHistoryEntrySchema = z.looseObject({ epoch: z.number().int().nonnegative() });

/** A training run, written by the worker that trains. `owner` is the registry session that runs it. */
export const runSchema = z.object({
  id: z.string().min(1),
  spec: jsonValueSchema,
  datasetFingerprint: z.string().nullable(),
  pipeline: jsonValueSchema.nullable(),
  backend: z.string().nullable(),
  adapter: jsonValueSchema.nullable(),
  seed: z.number().nullable(),
  status: runStatusSchema,
  history: z.array(runHistoryEntrySchema),
  metrics: metricsSchema,
  timings: z.record(z.string(), z.number()),
  error: jsonValueSchema.nullable(),
  parity: jsonValueSchema.nullable(),
  tags: z.array(z.string()),
  /** Free-text notes a person wrote about the run (absent on runs stored before notes existed). */
  notes: z.string().max(10_000).optional(),
  owner: z.string().nullable(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});

/** The element types a stored dataset column may have. */
export const columnDtypeSchema = z.enum(['float32', 'float64', 'int32', 'uint32', 'uint8']);

/** One column of one chunk of a dataset: typed values, an optional validity mask, an optional dictionary. */
export const columnDataSchema = z.object({
  name: z.string().min(1),
  dtype: columnDtypeSchema,
  data: z.instanceof(ArrayBuffer),
  mask: z.instanceof(ArrayBuffer).optional(),
  dictionary: z.array(z.string()).optional(),
});

/** What the registry knows of a column without reading the data. */
export const datasetColumnInfoSchema = z.object({
  name: z.string().min(1),
  dtype: columnDtypeSchema,
  masked: z.boolean(),
});

/** A dataset kept by fingerprint so a run can be reproduced offline; its chunks live beside it. */
export const datasetRecordSchema = z.object({
  fingerprint: z.string().min(1),
  name: z.string(),
  schema: jsonValueSchema,
  profile: jsonValueSchema.nullable(),
  rowCount: z.number().int().nonnegative(),
  columns: z.array(datasetColumnInfoSchema),
  chunkCount: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  createdAt: timestampSchema,
});

/** One file named by an export manifest. */
export const manifestFileSchema = z.object({
  path: z
    .string()
    .min(1)
    .regex(/^[A-Za-z0-9._-]+$/, 'File names are plain names (letters, digits, ".", "_", "-"), no folders.'),
  bytes: z.number().int().nonnegative(),
  sha256: sha256HexSchema,
});

/** `edgeflow.json`: the manifest of an exported version. */
export const exportManifestSchema = z.object({
  format: z.literal('edgeflow-version'),
  formatVersion: z.literal(1),
  model: modelNameSchema,
  version: versionNumberSchema,
  createdAt: timestampSchema,
  exportedAt: timestampSchema,
  description: z.string(),
  tags: z.array(z.string()),
  files: z.array(manifestFileSchema).min(1),
  /** Total weight bytes over all shards. */
  weights: z.object({ bytes: z.number().int().nonnegative() }),
  pipeline: jsonValueSchema.nullable(),
  profile: jsonValueSchema.nullable(),
  signature: jsonValueSchema.nullable(),
  metrics: metricsSchema,
  lineage: z.object({
    runId: z.string().nullable(),
    datasetFingerprint: z.string().nullable(),
    run: jsonValueSchema.nullable(),
  }),
  /** SHA-256 of this manifest's content (every field but this one, canonical JSON): see `manifest-digest.ts`. */
  contentSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});

/** A model record. */
export type Model = z.infer<typeof modelSchema>;
/** A tfjs weight manifest entry. */
export type WeightSpec = z.infer<typeof weightSpecSchema>;
/** A reference to one stored weight chunk. */
export type WeightChunkRef = z.infer<typeof weightChunkRefSchema>;
/** Where a version's weights are. */
export type VersionWeights = z.infer<typeof versionWeightsSchema>;
/** How a version came to be. */
export type VersionSource = z.infer<typeof versionSourceSchema>;
/** An immutable model version. */
export type ModelVersion = z.infer<typeof modelVersionSchema>;
/** Where an alias points. */
export type Alias = z.infer<typeof aliasSchema>;
/** One alias log entry. */
export type AliasMove = z.infer<typeof aliasMoveSchema>;
/** A run's status. */
export type RunStatus = z.infer<typeof runStatusSchema>;
/** One epoch of a run's history. */
export type RunHistoryEntry = z.infer<typeof runHistoryEntrySchema>;
/** A training run. */
export type Run = z.infer<typeof runSchema>;
/** A dataset column's element type. */
export type ColumnDtype = z.infer<typeof columnDtypeSchema>;
/** One column of one dataset chunk. */
export type ColumnData = z.infer<typeof columnDataSchema>;
/** A dataset column's metadata. */
export type DatasetColumnInfo = z.infer<typeof datasetColumnInfoSchema>;
/** A stored dataset's metadata. */
export type DatasetRecord = z.infer<typeof datasetRecordSchema>;
/** A file named by an export manifest. */
export type ManifestFile = z.infer<typeof manifestFileSchema>;
/** The `edgeflow.json` manifest. */
export type ExportManifest = z.infer<typeof exportManifestSchema>;
