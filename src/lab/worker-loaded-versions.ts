// Registry versions loaded in a lab worker for promote, retrain and predict: loaded once, shared by
// the jobs that use them at the same time, checked for a usable fitted pipeline, and disposed when
// idle beyond the few kept.
import * as tf from '@tensorflow/tfjs';
import { parseFittedPipeline } from '../data/pipeline.ts';
import { EdgeflowError, toEdgeflowError } from '../errors.ts';
import type { Registry } from '../registry/registry.ts';
import type { FittedPipeline } from '../schemas/dataset.ts';
import type { ModelVersion } from '../schemas/registry.ts';
import type { LabWorkerContext } from './worker-context.ts';

/** A registry version loaded for promote or predict, with how many jobs use it now. */
interface LoadedEntry {
  loading: Promise<{ model: tf.LayersModel; version: ModelVersion }>;
  users: number;
  lastUsed: number;
}

/** Loaded versions kept for reuse; the least recently used idle ones beyond this are disposed. */
const LOADED_VERSIONS_KEPT = 2;

/**
 * A version's stored pipeline, checked: the lab can only score or serve a version that carries the
 * fitted pipeline its model was trained behind.
 *
 * @throws EdgeflowError `INVALID_ARGUMENT` when the version has no pipeline (saved with
 *   `registry.saveModel` or a tfjs save handler) or the stored one is malformed (naming the field).
 */
function storedPipeline(version: ModelVersion): FittedPipeline {
  if (version.pipeline === null || version.pipeline === undefined) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `${version.model} v${version.version} has no fitted pipeline (it was saved with registry.saveModel or a tfjs save handler), so the lab cannot turn raw rows into its inputs. Register a lab run instead (lab.register), or save the model with its pipeline.`,
      { details: { model: version.model, version: version.version } },
    );
  }
  try {
    return parseFittedPipeline(version.pipeline);
  } catch (error) {
    const cause = toEdgeflowError(error, 'INVALID_ARGUMENT');
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `${version.model} v${version.version} has a stored pipeline the lab cannot use: ${cause.message}`,
      { details: { model: version.model, version: version.version, ...cause.details }, cause: error },
    );
  }
}

/** A worker's loaded registry versions (see `createLoadedVersions`). */
export interface LoadedVersions {
  /**
   * Runs `fn` with a loaded version (pipeline checked) that stays loaded while `fn` runs; idle
   * versions beyond the few kept are disposed afterwards, so a loop over many versions keeps
   * memory flat.
   *
   * @throws EdgeflowError `INVALID_ARGUMENT` when the version's stored pipeline is missing or malformed.
   */
  withVersion<T>(
    modelName: string,
    versionOrAlias: number | string,
    fn: (loaded: { model: tf.LayersModel; version: ModelVersion; pipeline: FittedPipeline }) => Promise<T>,
  ): Promise<T>;
  /** Frees every loaded version; returns how many there were. */
  unloadAll(): Promise<number>;
}

/** Creates the cache of loaded versions of one worker, reading through its (lazily opened) registry. */
export function createLoadedVersions(
  context: LabWorkerContext,
  registry: () => Promise<Registry>,
): LoadedVersions {
  const loadedVersions = new Map<string, LoadedEntry>();

  let useClock = 0;
  /**
   * The cache entry of `version`, created (loading starts) when missing, with one more user taken
   * synchronously: no eviction can dispose it between the lookup and the job that uses it. The
   * caller must give the user back (`users--`).
   */
  function acquireVersion(reg: Registry, version: ModelVersion): LoadedEntry {
    const key = `${version.model}@${version.version}`;
    let entry = loadedVersions.get(key);
    if (!entry) {
      const loading = tf
        .loadLayersModel(reg.loadHandler(version.model, version.version))
        .then((model) => ({ model, version }));
      const created: LoadedEntry = { loading, users: 0, lastUsed: 0 };
      entry = created;
      loadedVersions.set(key, created);
      loading.catch(() => {
        if (loadedVersions.get(key) === created) loadedVersions.delete(key);
      });
    }
    entry.users++;
    entry.lastUsed = ++useClock;
    return entry;
  }

  /** Disposes the least recently used loaded versions no job uses, beyond `LOADED_VERSIONS_KEPT`. */
  async function evictIdleVersions(): Promise<void> {
    const idle = [...loadedVersions.entries()]
      .filter(([, entry]) => entry.users === 0)
      .sort(([, a], [, b]) => b.lastUsed - a.lastUsed);
    for (const [key, entry] of idle.slice(LOADED_VERSIONS_KEPT)) {
      loadedVersions.delete(key);
      await entry.loading.then(
        ({ model }) => model.dispose(),
        () => undefined,
      );
    }
  }

  /**
   * Runs `fn` with a loaded version (pipeline checked) that stays loaded while `fn` runs; idle
   * versions beyond the few kept are disposed afterwards, so a loop over many versions keeps
   * memory flat.
   *
   * @throws EdgeflowError `INVALID_ARGUMENT` when the version's stored pipeline is missing or malformed.
   */
  async function withVersion<T>(
    modelName: string,
    versionOrAlias: number | string,
    fn: (loaded: { model: tf.LayersModel; version: ModelVersion; pipeline: FittedPipeline }) => Promise<T>,
  ): Promise<T> {
    // Inference needs no more than dense training does; reuse that choice (and its probe).
    await context.ensureBackend('dense-train');
    const reg = await registry();
    const version = await reg.getVersion(modelName, versionOrAlias);
    // The reference is held from the lookup on, so a concurrent job's eviction (after a promote or
    // another predict) cannot dispose the model while this job waits for it or uses it.
    const entry = acquireVersion(reg, version);
    try {
      const loaded = await entry.loading;
      return await fn({ ...loaded, pipeline: storedPipeline(loaded.version) });
    } finally {
      entry.users--;
      await evictIdleVersions();
    }
  }

  async function unloadAll(): Promise<number> {
    const entries = [...loadedVersions.values()];
    loadedVersions.clear();
    const loaded = await Promise.allSettled(entries.map((entry) => entry.loading));
    for (const entry of loaded) if (entry.status === 'fulfilled') entry.value.model.dispose();
    return entries.length;
  }

  return { withVersion, unloadAll };
}
