// The publish part of the lab worker API: a registered version becomes a signed release, built in
// the worker (export, hashing, golden pairs on the worker's backend) and written to the collector or
// a directory handle. The signing key arrives as a structured-cloned CryptoKey (non-extractable keys
// clone too), so the private key never exists as bytes.
import { type PublishOptions, type PublishResult, publishVersion } from '../edge/publish.ts';
import { createRegistry, type Registry } from '../registry/registry.ts';
import type { LabWorkerContext } from './worker-context.ts';

/** The options `lab.publish` takes; without `goldenRows`, the first rows of the version's dataset are used when this lab has it loaded. */
export type LabPublishOptions = Omit<PublishOptions, 'now'> & {
  /** How many dataset rows become golden pairs when `goldenRows` is not given (default 8). */
  readonly goldenCount?: number;
};

/** Creates the worker's `publish` method. */
export function createPublishMethods(context: LabWorkerContext) {
  let registryPromise: Promise<Registry> | undefined;
  return {
    /** Publishes `model@alias` (or a version number) as a signed release; see `lab.publish`. */
    async publish(
      model: string,
      versionOrAlias: number | string,
      options: LabPublishOptions,
    ): Promise<PublishResult> {
      registryPromise ??= createRegistry();
      const registry = await registryPromise;
      const { goldenCount, ...rest } = options;
      let goldenRows = options.goldenRows;
      if (goldenRows === undefined) {
        const version = await registry.getVersion(model, versionOrAlias);
        const id = version.datasetFingerprint;
        if (id !== null && context.datasets.has(id))
          goldenRows = context.datasets.preview(id, goldenCount ?? 8).rows;
      }
      // Golden pairs run the model: on the backend this worker infers with, admitted like any tfjs job.
      return context.backendGate.use('dense-infer', async () => {
        await context.ensureBackend('dense-infer');
        return publishVersion(registry, model, versionOrAlias, {
          ...rest,
          ...(goldenRows === undefined ? {} : { goldenRows }),
        });
      });
    },
  };
}
