// The rows a registered version can be re-evaluated on without flattering it: its run's test rows,
// re-derived from the stored seed and split, and for a gate the test rows the baseline held out too.
import { splitForRun } from '../data/split.ts';
import { EdgeflowError } from '../errors.ts';
import type { ModelVersion } from '../schemas/registry.ts';
import type { StoredRunSpec, TrainingState } from './worker-training-state.ts';

/** The rows a run held out for testing, re-derived from its stored seed and split. */
export async function heldOutRows(state: TrainingState, version: ModelVersion) {
  const { registry } = state;
  const { datasetById } = state.datasets;
  if (!version.runId || !version.datasetFingerprint) {
    throw new EdgeflowError(
      'DATASET_NOT_FOUND',
      `${version.model} v${version.version} has no run or dataset lineage, so there are no held-out rows to re-evaluate it on.`,
      { details: { model: version.model, version: version.version } },
    );
  }
  const reg = await registry();
  const run = await reg.getRun(version.runId);
  const spec = run.spec as unknown as StoredRunSpec;
  const dataset = await datasetById(version.datasetFingerprint);
  const split = splitForRun(dataset, { seed: spec.seed, ...spec.split });
  return { dataset, rows: split.test };
}

/**
 * The rows to score a candidate and a baseline on: the candidate's test rows that the baseline
 * also held out (neither trained nor early-stopped on them) when the baseline's run is known on
 * the same dataset; else the candidate's test rows, with a note that the baseline may have seen
 * them.
 *
 * @throws EdgeflowError `GATE_FAILED` when the two runs share no held-out row.
 */
export async function gateRows(state: TrainingState, candidate: ModelVersion, baseline: ModelVersion | null) {
  const { registry } = state;
  const { dataset, rows } = await heldOutRows(state, candidate);
  const fingerprint = dataset.fingerprint;
  // The candidate's own test rows, with a note when the baseline may have trained on some.
  const candidateHoldout = (note: string | null) => ({
    dataset,
    rows,
    evaluation: {
      basis: 'candidate-holdout',
      rows: rows.length,
      datasetFingerprint: fingerprint,
      note,
    } as const,
  });
  if (baseline === null) return candidateHoldout(null);
  const sameData = baseline.datasetFingerprint === fingerprint && Boolean(baseline.runId);
  const baselineRun = sameData
    ? await (await registry()).getRun(baseline.runId as string).catch(() => null)
    : null;
  if (!baselineRun) {
    const why = !baseline.runId
      ? 'has no run lineage'
      : baseline.datasetFingerprint !== fingerprint
        ? 'was trained on another dataset'
        : 'has no stored run';
    return candidateHoldout(
      `Baseline v${baseline.version} ${why}, so which of these rows it trained on is unknown; its score may be inflated.`,
    );
  }
  const spec = baselineRun.spec as unknown as StoredRunSpec;
  const baselineTest = new Set(splitForRun(dataset, { seed: spec.seed, ...spec.split }).test);
  const shared = rows.filter((row) => baselineTest.has(row));
  if (shared.length === 0) {
    throw new EdgeflowError(
      'GATE_FAILED',
      `${candidate.model} v${candidate.version} and baseline v${baseline.version} share no held-out row (their runs split the data with other seeds or shares), so the gate cannot compare them on unseen data. Train the candidate with the baseline's seed (${spec.seed}) and split, or raise split.test.`,
      {
        details: {
          model: candidate.model,
          candidate: candidate.version,
          baseline: baseline.version,
          candidateRows: rows.length,
          baselineRows: baselineTest.size,
        },
      },
    );
  }
  return {
    dataset,
    rows: shared,
    evaluation: {
      basis: 'shared-holdout',
      rows: shared.length,
      datasetFingerprint: fingerprint,
      note:
        shared.length < rows.length
          ? `${rows.length - shared.length} of the candidate's ${rows.length} test rows were left out: baseline v${baseline.version} trained or validated on them.`
          : null,
    } as const,
  };
}
