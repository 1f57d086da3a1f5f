// The promotion gate in the lab worker: `promote` scores a registered version and the alias's holder
// fresh on rows neither trained on and moves the alias only through the gate; `retrain` gates a
// freshly trained run against the holder on the run's own test rows.
import { prepareTrainingData } from '../data/prepare.ts';
import { splitForRun } from '../data/split.ts';
import { EdgeflowError, toEdgeflowError } from '../errors.ts';
import { evaluateGate, parseGateThresholds } from '../evaluate/index.ts';
import type { MetricReport } from '../schemas/metrics.ts';
import type { PromoteOptions, PromotionResult, RetrainGate, WorkerRetrainRequest } from './training-types.ts';
import { evaluateOn } from './worker-evaluation.ts';
import { gateRows } from './worker-held-out-rows.ts';
import type { LoadedVersions } from './worker-loaded-versions.ts';
import type { StoredRunSpec, TrainingState } from './worker-training-state.ts';

/** The worker's `promote` and `retrain` methods. */
export function createGateMethods(state: TrainingState, versions: LoadedVersions) {
  const { context, registry, trained } = state;
  const { withVersion } = versions;
  return {
    /**
     * Re-evaluates `version` and the current holder of the alias on rows neither trained on (see
     * `PromotionResult.evaluation`), applies the gate, and moves the alias only when it passes and
     * the alias still points where the gate read it.
     *
     * @throws EdgeflowError `VERSION_NOT_FOUND`, `DATASET_NOT_FOUND`, `INVALID_ARGUMENT` (thresholds,
     *   a version without a fitted pipeline), `GATE_FAILED` (no shared held-out rows),
     *   `VERSION_CONFLICT` (the alias moved meanwhile).
     */
    async promote(modelName: string, version: number, options: PromoteOptions): Promise<PromotionResult> {
      try {
        const alias = options.alias ?? 'champion';
        const thresholds = parseGateThresholds(options.thresholds);
        const reg = await registry();
        const candidate = await reg.getVersion(modelName, version);
        const aliases = await reg.listAliases(modelName);
        const previous = aliases.find((a) => a.alias === alias)?.version ?? null;
        const baseline = previous === null ? null : await reg.getVersion(modelName, previous);
        const { dataset, rows, evaluation } = await gateRows(state, candidate, baseline);

        // A fresh evaluation of each version on the same rows, never the metrics stored at registration.
        const scoreVersion = (v: number): Promise<MetricReport> =>
          context.backendGate.use('dense-train', () =>
            withVersion(modelName, v, async ({ model, pipeline }) => {
              await context.ensureBackend('dense-train');
              return evaluateOn(model, prepareTrainingData(dataset, rows, { pipeline }));
            }),
          );
        const candidateMetrics = await scoreVersion(version);
        const baselineMetrics = previous === null ? null : await scoreVersion(previous);
        const gate = evaluateGate(candidateMetrics, baselineMetrics, thresholds);
        const move = gate.passed
          ? await reg.moveAlias(modelName, alias, version, {
              reason: options.reason ?? `promoted through the gate (${Object.keys(thresholds).join(', ')})`,
              gateReport: { ...gate, evaluation } as never,
              // Compare-and-set: the alias moves only if it still points at the version the gate read.
              expectedVersion: previous,
            })
          : null;
        return {
          passed: gate.passed,
          gate,
          candidateMetrics,
          baselineMetrics,
          previous,
          move,
          evaluation: { ...evaluation },
        };
      } catch (thrown) {
        // Only EdgeflowErrors keep their code across the worker boundary.
        throw toEdgeflowError(thrown);
      }
    },

    /**
     * Gates run `runId` (trained in this worker on new data with an earlier run's spec, not yet
     * registered) against the current holder of `alias`: both scored fresh on the run's own test
     * rows, with their own pipelines, so champion and challenger are compared on the same rows.
     * Moves no alias; the lab registers the challenger next, ready for `lab.promote`.
     *
     * @throws EdgeflowError `RUN_NOT_FOUND` (the run's model is not in this worker),
     *   `INVALID_ARGUMENT` (thresholds, a champion without a fitted pipeline).
     */
    async retrain(request: WorkerRetrainRequest): Promise<RetrainGate> {
      try {
        const run = trained.get(request.runId);
        if (!run) {
          throw new EdgeflowError(
            'RUN_NOT_FOUND',
            `Run ${request.runId} has no trained model in this worker; retrain it again.`,
            { details: { runId: request.runId } },
          );
        }
        const thresholds = parseGateThresholds(request.thresholds);
        const reg = await registry();
        const record = await reg.getRun(request.runId);
        const spec = record.spec as unknown as StoredRunSpec;
        const rows = splitForRun(run.dataset, { seed: spec.seed, ...spec.split }).test;
        // Every tfjs section goes through the backend gate (a parity check may switch the backend).
        const challengerMetrics = await context.backendGate.use('dense-train', async () => {
          await context.ensureBackend('dense-train');
          return evaluateOn(run.model, prepareTrainingData(run.dataset, rows, { pipeline: run.pipeline }));
        });
        const holder = (await reg.listAliases(request.model).catch(() => [])).find(
          (a) => a.alias === request.alias,
        );
        const championMetrics = holder
          ? await context.backendGate.use('dense-train', () =>
              withVersion(request.model, holder.version, async ({ model, pipeline }) => {
                await context.ensureBackend('dense-train');
                return evaluateOn(model, prepareTrainingData(run.dataset, rows, { pipeline }));
              }),
            )
          : null;
        const gate = evaluateGate(challengerMetrics, championMetrics, thresholds);
        return {
          champion: holder?.version ?? null,
          gate,
          challengerMetrics,
          championMetrics,
          rows: rows.length,
          datasetFingerprint: run.dataset.fingerprint,
        };
      } catch (thrown) {
        throw toEdgeflowError(thrown);
      }
    },
  };
}
