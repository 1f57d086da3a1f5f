// A fitted pipeline as stored data: checking one read back from IndexedDB or a release manifest, and
// the input signature it implies.

import { EdgeflowError } from '../errors.ts';
import { type ColumnType, type FittedPipeline, fittedPipelineSchema } from '../schemas/dataset.ts';

/**
 * Checks a stored pipeline (from IndexedDB, a release manifest…) against the zod schema.
 *
 * @throws EdgeflowError `INVALID_ARGUMENT` naming the first bad field.
 */
export function parseFittedPipeline(json: unknown): FittedPipeline {
  const result = fittedPipelineSchema.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new EdgeflowError(
    'INVALID_ARGUMENT',
    `Not a fitted pipeline: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : result.error.message}.`,
    { cause: result.error, details: { path: issue?.path.map(String) ?? [] } },
  );
}

/** The input columns a pipeline reads, with their types: the model's input signature. */
export function pipelineSignature(pipeline: FittedPipeline): { name: string; type: ColumnType }[] {
  return pipeline.columns.map((c) => ({ name: c.name, type: c.type }));
}
