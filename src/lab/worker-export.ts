// The export part of the lab worker API: a registered version becomes a `.zip` Blob here, streamed
// with fflate's streaming Zip, so reading, verifying and zipping a large model never runs on the
// page (issue 16, point 7). The Blob reaches the page by structured clone, without copying its bytes.
import { createRegistry, type Registry } from '../registry/registry.ts';

/** Creates the worker's `exportVersion` method. */
export function createExportMethods() {
  let registryPromise: Promise<Registry> | undefined;
  return {
    /**
     * The `.zip` of `model@versionOrAlias` (tfjs files and `edgeflow.json`, weights verified).
     * @throws EdgeflowError `MODEL_NOT_FOUND`, `VERSION_NOT_FOUND`, `INTEGRITY_FAILED`
     */
    async exportVersion(model: string, versionOrAlias: number | string): Promise<Blob> {
      registryPromise ??= createRegistry();
      return (await registryPromise).exportVersionBlob(model, versionOrAlias);
    },
  };
}
