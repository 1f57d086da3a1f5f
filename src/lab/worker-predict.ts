// Prediction in the lab worker: a stored version's (or a finished run's draft's) pipeline and model
// applied to raw rows through the monitor's Predictor, the one predict path of edgeflow (issue 11).
import * as tf from '@tensorflow/tfjs';
import { EdgeflowError, toEdgeflowError } from '../errors.ts';
import { createPredictor } from '../monitor/predictor.ts';
import { toModelArtifacts } from '../registry/artifacts.ts';
import type { Registry } from '../registry/registry.ts';
import type { ModelVersion } from '../schemas/registry.ts';
import type { Prediction } from './training-types.ts';
import type { LabWorkerContext } from './worker-context.ts';
import type { LoadedVersions } from './worker-loaded-versions.ts';

/**
 * `rows` through `version`'s pipeline and `model`. A batch with a row the model cannot take fails
 * as a whole, with that row's code and field (the Predictor itself answers per row).
 */
async function predictRows(
  version: ModelVersion,
  model: tf.LayersModel,
  rows: Array<Record<string, unknown>>,
): Promise<Prediction[]> {
  // Unknown categories encode as the pipeline says (all zeros for one-hot), as lab.predict always did.
  const predictor = await createPredictor({
    version,
    model,
    disposeModel: false,
    unseenCategories: 'encode',
    drift: { enabled: false },
  });
  try {
    const results = await predictor.predict(rows);
    const refused = results.filter((r) => !r.ok);
    const first = refused[0];
    if (first && !first.ok) {
      throw new EdgeflowError(first.error.code, first.error.message, {
        details: { column: first.error.field, refusedRows: refused.length },
      });
    }
    return results.map((r) => (r.ok ? r.prediction : { value: Number.NaN }));
  } finally {
    predictor.dispose();
  }
}

/** The worker's `predict` and `predictRun` methods. */
export function createPredictMethods(
  context: LabWorkerContext,
  versions: LoadedVersions,
  registry: () => Promise<Registry>,
) {
  const { withVersion } = versions;
  return {
    /**
     * Applies a stored version's pipeline and model to raw rows through the monitor's Predictor, the
     * one predict path of edgeflow (issue 11).
     *
     * @throws EdgeflowError `SCHEMA_MISMATCH`, `DATA_QUALITY`, `MISSING_VALUE` (naming the row and
     *   column), `INVALID_ARGUMENT` (a version without a fitted pipeline), `VERSION_NOT_FOUND`.
     */
    async predict(
      modelName: string,
      versionOrAlias: number | string,
      rows: Array<Record<string, unknown>>,
    ): Promise<Prediction[]> {
      try {
        // Through the backend gate like every tfjs job: a parity check or backend measurement of this
        // worker cannot switch the backend under a predict, nor a predict run in the middle of one.
        return await context.backendGate.use('dense-train', () =>
          withVersion(modelName, versionOrAlias, ({ model, version }) => predictRows(version, model, rows)),
        );
      } catch (thrown) {
        // Only EdgeflowErrors keep their code across the worker boundary.
        throw toEdgeflowError(thrown);
      }
    },

    /**
     * Applies a finished run's model, from its draft in IndexedDB (weights verified as a version's
     * are), to raw rows: try a run before registering it (issue 18, point 12). The model is loaded
     * for this call and disposed after it.
     *
     * @throws EdgeflowError `RUN_NOT_FOUND` when the run has no draft (it did not finish, was
     *   registered — predict its version — or its draft was pruned or discarded); the codes of
     *   `predict` for the rows; `INTEGRITY_FAILED` for damaged weights.
     */
    async predictRun(runId: string, rows: Array<Record<string, unknown>>): Promise<Prediction[]> {
      try {
        return await context.backendGate.use('dense-train', async () => {
          await context.ensureBackend('dense-train');
          const reg = await registry();
          const draft = await reg.getDraft(runId);
          if (!draft) {
            throw new EdgeflowError(
              'RUN_NOT_FOUND',
              `Run ${runId} has no draft model in this browser: it did not finish, it was registered (predict its version instead), or its draft was pruned or discarded. Train it again to try it.`,
              { details: { runId } },
            );
          }
          // The draft holds every field of the version it would become except its name and number.
          const version: ModelVersion = {
            ...draft.version,
            model: `run-${runId}`,
            version: 1,
            createdAt: draft.createdAt,
          };
          const weights = await reg.loadWeights(version);
          const model = await tf.loadLayersModel(
            tf.io.fromMemory(
              toModelArtifacts(version, weights.length === 1 ? (weights[0] as ArrayBuffer) : weights),
            ),
          );
          try {
            return await predictRows(version, model, rows);
          } finally {
            model.dispose();
          }
        });
      } catch (thrown) {
        throw toEdgeflowError(thrown);
      }
    },
  };
}
