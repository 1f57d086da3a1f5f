// Conversions between tfjs `ModelArtifacts` and registry versions, with the checks that keep a
// version loadable: a JSON topology, valid weight specs, and exactly the bytes those specs need.
// Only tfjs TYPES are imported: the registry never pulls tfjs into a bundle by itself.
import type { io } from '@tensorflow/tfjs';
import { EdgeflowError } from '../errors.ts';
import { type ModelVersion, type WeightSpec, weightSpecSchema } from '../schemas/registry.ts';

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };
const QUANTIZED_BYTES: Record<string, number> = { uint8: 1, uint16: 2, float16: 2 };

/** Bytes the weight specs need, or null when a string tensor makes the size data-dependent. */
export function expectedWeightBytes(specs: readonly WeightSpec[]): number | null {
  let total = 0;
  for (const spec of specs) {
    const per = spec.quantization ? QUANTIZED_BYTES[spec.quantization.dtype] : DTYPE_BYTES[spec.dtype];
    if (per === undefined) return null;
    total += spec.shape.reduce((n, d) => n * d, 1) * per;
  }
  return total;
}

/** Total bytes of tfjs weight data (one buffer or a list). */
export function weightDataBytes(data: io.WeightData | undefined): number {
  if (data === undefined) return 0;
  return Array.isArray(data) ? data.reduce((sum, b) => sum + b.byteLength, 0) : data.byteLength;
}

/** The checked parts of artifacts a version stores. */
export interface CheckedArtifacts {
  topology: ModelVersion['topology'];
  trainingConfig: ModelVersion['trainingConfig'];
  weightSpecs: WeightSpec[];
  weightData: ArrayBuffer | ArrayBuffer[];
  format: string | null;
  generatedBy: string | null;
  convertedBy: string | null;
}

/**
 * Checks tfjs artifacts before anything is hashed or stored.
 * @throws INVALID_ARGUMENT naming the field: binary (GraphDef) topology, bad weight specs, weight
 * bytes that do not match the specs ("wrong weights length").
 * @param weightBytes the weight byte count when the bytes are not in `artifacts` (read from tensors later)
 */
export function checkArtifacts(
  model: string,
  artifacts: io.ModelArtifacts,
  weightBytes?: number,
): CheckedArtifacts {
  const topology = artifacts.modelTopology;
  if (
    topology === undefined ||
    topology === null ||
    topology instanceof ArrayBuffer ||
    typeof topology !== 'object'
  ) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `Cannot register "${model}": artifacts.modelTopology must be a JSON object (a tfjs Layers model). Binary GraphDef topologies are not supported; convert the model to the Layers format.`,
      { details: { model, field: 'modelTopology' } },
    );
  }
  const specs = weightSpecSchema.array().safeParse(artifacts.weightSpecs ?? []);
  if (!specs.success) {
    const issue = specs.error.issues[0];
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `Cannot register "${model}": artifacts.weightSpecs${issue ? `[${issue.path.join('].[')}]` : ''} is invalid (${issue?.message ?? 'bad shape'}). Pass the weightSpecs tfjs produced with the weights.`,
      {
        details: {
          model,
          field: 'weightSpecs',
          issues: specs.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
        },
      },
    );
  }
  const weightData = artifacts.weightData ?? new ArrayBuffer(0);
  const actual = weightBytes ?? weightDataBytes(weightData);
  const expected = expectedWeightBytes(specs.data);
  if (expected !== null && expected !== actual) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `Cannot register "${model}": the weight data has ${actual} bytes but the ${specs.data.length} weight specs need ${expected}. Pass the weightData and weightSpecs from the same save.`,
      { details: { model, field: 'weightData', expectedBytes: expected, actualBytes: actual } },
    );
  }
  return {
    topology: topology as ModelVersion['topology'],
    trainingConfig: (artifacts.trainingConfig ?? null) as ModelVersion['trainingConfig'],
    weightSpecs: specs.data,
    weightData,
    format: artifacts.format ?? null,
    generatedBy: artifacts.generatedBy ?? null,
    convertedBy: artifacts.convertedBy ?? null,
  };
}

/** Rebuilds tfjs artifacts from a version and its (verified) weight bytes. */
export function toModelArtifacts(
  version: ModelVersion,
  weightData: ArrayBuffer | ArrayBuffer[],
): io.ModelArtifacts {
  const artifacts: io.ModelArtifacts = {
    modelTopology: version.topology as object,
    weightSpecs: version.weightSpecs as io.WeightsManifestEntry[],
    weightData,
  };
  if (version.format !== null) artifacts.format = version.format;
  if (version.generatedBy !== null) artifacts.generatedBy = version.generatedBy;
  if (version.convertedBy !== null) artifacts.convertedBy = version.convertedBy;
  if (version.trainingConfig !== null)
    artifacts.trainingConfig = version.trainingConfig as unknown as io.TrainingConfig;
  return artifacts;
}

/** The `ModelArtifactsInfo` tfjs expects back from a save. */
export function artifactsInfo(artifacts: io.ModelArtifacts): io.ModelArtifactsInfo {
  return {
    dateSaved: new Date(),
    modelTopologyType: 'JSON',
    modelTopologyBytes: artifacts.modelTopology
      ? new TextEncoder().encode(JSON.stringify(artifacts.modelTopology)).byteLength
      : 0,
    weightSpecsBytes: artifacts.weightSpecs
      ? new TextEncoder().encode(JSON.stringify(artifacts.weightSpecs)).byteLength
      : 0,
    weightDataBytes: weightDataBytes(artifacts.weightData),
  };
}
