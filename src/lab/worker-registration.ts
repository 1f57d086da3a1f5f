// Registering a finished run in the lab worker: from its draft (any worker, any session), else from
// the model kept in this worker; the model is freed once stored, and a second register says where
// the first one went.
import { EdgeflowError, isEdgeflowError, toEdgeflowError } from '../errors.ts';
import type { ModelVersion } from '../schemas/registry.ts';
import { runVersionMetadata } from './worker-drafts.ts';
import { REMEMBERED_RUN_IDS, type TrainedRun, type TrainingState } from './worker-training-state.ts';

/** The worker's `registerRun` method. */
export function createRegistrationMethods(state: TrainingState) {
  const { registry, trained } = state;
  // Runs registered from this worker (their models were freed then), to say so on a second register.
  const registeredRuns = new Map<string, { model: string; version: number }>();
  return {
    /**
     * Registers the model of finished run `runId` as the next version of `model`: from its draft in
     * the registry (any worker, any session), else from the model kept in this worker.
     *
     * The model and the draft are freed once stored (promote and predict load it from the registry).
     *
     * @throws EdgeflowError `RUN_NOT_FOUND` when neither a draft nor the run's model exists; the codes
     *   of `registry.saveModel` (a failed save keeps the model here for a retry).
     */
    async registerRun(
      runId: string,
      options: { model: string; description?: string; tags?: string[] },
    ): Promise<ModelVersion> {
      const run = trained.get(runId);
      const earlier = registeredRuns.get(runId);
      if (!run && earlier) {
        throw new EdgeflowError(
          'RUN_NOT_FOUND',
          `Run ${runId} is already registered as ${earlier.model} v${earlier.version}, and its model was freed from the worker then. Use that version, or copy it with registry.copyVersion().`,
          { details: { runId, model: earlier.model, version: earlier.version } },
        );
      }
      try {
        const reg = await registry();
        const details = {
          tags: options.tags ?? [],
          ...(options.description === undefined ? {} : { description: options.description }),
        };
        // The run's draft (kept in IndexedDB when it finished, by this or any lab) becomes the
        // version without rewriting weights; a run without one registers from the model kept here.
        const draft = await reg.getDraft(runId).catch(() => undefined);
        if (!draft && !run) {
          throw new EdgeflowError(
            'RUN_NOT_FOUND',
            `Run ${runId} has no trained model in this lab and no draft in the registry (it did not finish, its draft was pruned or discarded, or it was registered already). Train it again, then register.`,
            { details: { runId } },
          );
        }
        const fromModel = (kept: TrainedRun) =>
          reg.saveModel(options.model, kept.model, { ...runVersionMetadata(runId, kept), ...details });
        const registered = draft
          ? await reg.registerDraft(runId, options.model, details).catch((error: unknown) => {
              // The draft went meanwhile (pruned by another lab's budget): the model kept here still registers.
              if (
                run &&
                (isEdgeflowError(error, 'RUN_NOT_FOUND') || isEdgeflowError(error, 'INTEGRITY_FAILED'))
              )
                return fromModel(run);
              throw error;
            })
          : await fromModel(run as TrainedRun);
        // The weights live in the registry now; promote and predict load them from there. A failed
        // save keeps the model here, so the caller can retry the registration.
        if (run && trained.get(runId) === run) {
          trained.delete(runId);
          run.model.dispose();
        }
        registeredRuns.set(runId, { model: registered.model, version: registered.version });
        for (const old of registeredRuns.keys()) {
          if (registeredRuns.size <= REMEMBERED_RUN_IDS) break;
          registeredRuns.delete(old);
        }
        return registered;
      } catch (thrown) {
        // Only EdgeflowErrors keep their code across the worker boundary.
        throw toEdgeflowError(thrown);
      }
    },
  };
}
