// Drafts in the lab worker: a finished run's model is kept in IndexedDB (a version without a model
// name) so it can be registered after a reload or from another lab (issue 16, point 5); the drafts
// beyond the lab's byte budget are pruned, oldest first. Registering stores the same metadata.
import type * as tf from '@tensorflow/tfjs';
import type { Registry } from '../registry/registry.ts';
import type { TrainedRun } from './worker-training-state.ts';

/** The default budget of drafts (finished runs' models kept in IndexedDB until registered). */
export const DEFAULT_DRAFT_BUDGET_BYTES = 256 * 1024 * 1024;

/** What registering a trained run stores besides its weights: pipeline, profile, signature, metrics, lineage. */
export function runVersionMetadata(runId: string, run: TrainedRun) {
  const signature = {
    columns: run.dataset.schema.columns
      .filter((c) => c.role === 'feature')
      .map((c) => ({ name: c.name, type: c.type, nullable: c.nullable })),
    target: run.dataset.schema.target,
  };
  return {
    pipeline: run.pipeline as never,
    profile: run.dataset.profile as never,
    signature: signature as never,
    metrics: { ...run.metrics, report: run.report as never },
    runId,
    datasetFingerprint: run.dataset.fingerprint,
  };
}

/**
 * Saves run `runId`'s model as a draft (inside `onBackend`: reading the weights runs tfjs), then
 * prunes older drafts beyond `budgetBytes` (default `DEFAULT_DRAFT_BUDGET_BYTES`). Best effort:
 * returns whether the draft was saved; without it the model still waits in the worker.
 */
export async function keepDraft(
  reg: Registry,
  runId: string,
  run: TrainedRun,
  budgetBytes: number | undefined,
  onBackend: (save: () => Promise<boolean>) => Promise<boolean>,
): Promise<boolean> {
  const model: tf.LayersModel = run.model;
  const saved = await onBackend(() =>
    reg.saveDraft(runId, model, runVersionMetadata(runId, run)).then(
      () => true,
      () => false,
    ),
  );
  if (saved) {
    await reg
      .pruneDrafts({ maxBytes: budgetBytes ?? DEFAULT_DRAFT_BUDGET_BYTES, keep: [runId] })
      .catch(() => undefined);
  }
  return saved;
}
