// Drafts: a finished run's live model kept (weights in the shared chunk store, metadata in the
// draft) until it is registered as a version, discarded, deleted with its run, or pruned by size.
import { EdgeflowError } from '../errors.ts';
import type { ModelVersion } from '../schemas/registry.ts';
import { writeWithChunks } from './chunk-writer.ts';
import { checkModelName, checkVersionRecord, invalid } from './registry-checks.ts';
import type { RegistryContext } from './registry-context.ts';
import { type LayersModelLike, pinWeights } from './tensor-weights.ts';
import type { DeleteDraftsResult, ModelDraft, ModelStore } from './types.ts';
import { commitVersion, storedChunks } from './version-commit.ts';
import { liveModelDraft, rememberDigests, type VersionMetadataInput } from './version-metadata.ts';

type DraftMethods = Required<
  Pick<ModelStore, 'putDraft' | 'getDraft' | 'listDrafts' | 'deleteDrafts' | 'draftStats'>
>;

/** The store's draft methods. @throws INVALID_ARGUMENT for a store that keeps no drafts */
function draftStore(store: ModelStore): DraftMethods {
  const { putDraft, getDraft, listDrafts, deleteDrafts, draftStats } = store;
  if (!putDraft || !getDraft || !listDrafts || !deleteDrafts || !draftStats) {
    throw invalid(
      `This registry's ${store.kind} store keeps no drafts; use IndexedDbModelStore or MemoryModelStore.`,
      { store: store.kind },
    );
  }
  return {
    putDraft: putDraft.bind(store),
    getDraft: getDraft.bind(store),
    listDrafts: listDrafts.bind(store),
    deleteDrafts: deleteDrafts.bind(store),
    draftStats: draftStats.bind(store),
  };
}

/**
 * Keeps a live tfjs model as the draft of run `runId`; a second draft of the same run replaces the first.
 * @throws INVALID_ARGUMENT (string/complex weights, non-JSON metadata, a store without drafts); QUOTA_EXCEEDED
 */
export async function saveDraft(
  context: RegistryContext,
  runId: string,
  tfModel: LayersModelLike,
  options: VersionMetadataInput,
): Promise<ModelDraft> {
  const store = draftStore(context.store);
  const label = `draft of run ${runId}`;
  const pinned = pinWeights(label, tfModel, context.chunkBytes, context.tensorDigests);
  try {
    const draft = liveModelDraft(label, tfModel, pinned, { ...options, runId });
    const { result, chunks } = await writeWithChunks(context, pinned.sources, (chunks, weights) => {
      const at = context.now();
      // Checked as the version it becomes (under a placeholder name), so registering it cannot fail on it.
      checkVersionRecord('draft', { ...draft, weights }, 1, at, `keep the ${label}`);
      options.onProgress?.({ stage: 'writing', bytes: pinned.bytes });
      return store.putDraft({ runId, draft: { ...draft, weights }, chunks, at });
    });
    rememberDigests(context.tensorDigests, pinned.keys, chunks);
    context.changes.announce({ type: 'drafts-changed', runIds: [runId] });
    return result.draft;
  } finally {
    pinned.release();
  }
}

/** The draft of run `runId`, or undefined (never saved, registered, or pruned). @throws INVALID_ARGUMENT (a store without drafts) */
export async function getDraft(context: RegistryContext, runId: string): Promise<ModelDraft | undefined> {
  // async: a store without drafts rejects, as every other registry call does, instead of throwing.
  return draftStore(context.store).getDraft(runId);
}

/** Every draft, oldest first. @throws INVALID_ARGUMENT (a store without drafts) */
export async function listDrafts(context: RegistryContext): Promise<ModelDraft[]> {
  return draftStore(context.store).listDrafts();
}

/**
 * Registers the draft of run `runId` as the next version of `model` without writing weight bytes,
 * then removes the draft.
 * @throws RUN_NOT_FOUND (no draft); INVALID_ARGUMENT
 */
export async function registerDraft(
  context: RegistryContext,
  runId: string,
  model: string,
  options: { description?: string; tags?: string[] },
): Promise<ModelVersion> {
  const target = checkModelName(model);
  const store = draftStore(context.store);
  const draft = await store.getDraft(runId);
  if (!draft) {
    throw new EdgeflowError(
      'RUN_NOT_FOUND',
      `Run ${runId} has no draft model (it did not finish, was registered already, or its draft was pruned). Train it again, then register.`,
      { details: { runId } },
    );
  }
  const version = await commitVersion(
    context,
    target,
    {
      ...draft.version,
      description: options.description ?? draft.version.description,
      tags: options.tags ?? draft.version.tags,
    },
    storedChunks(draft.version.weights),
    {},
  );
  // The version names the chunks now, so removing the draft frees nothing.
  await store.deleteDrafts([runId]);
  context.changes.announce({ type: 'drafts-changed', runIds: [runId] });
  return version;
}

/** Deletes drafts and the chunks no version and no other draft uses. @throws INVALID_ARGUMENT (a store without drafts) */
export async function deleteDrafts(
  context: RegistryContext,
  runIds: readonly string[],
): Promise<DeleteDraftsResult> {
  const result = await draftStore(context.store).deleteDrafts(runIds);
  if (result.chunksFreed > 0) context.knownChunks.clear();
  if (result.deleted.length > 0) context.changes.announce({ type: 'drafts-changed', runIds: result.deleted });
  return result;
}

/**
 * Deletes the oldest drafts until the bytes only drafts use are at most `maxBytes` (runs in `keep`
 * are spared).
 * @throws INVALID_ARGUMENT (a negative or non-integer budget)
 */
export async function pruneDrafts(
  context: RegistryContext,
  options: { maxBytes: number; keep?: readonly string[] },
): Promise<DeleteDraftsResult> {
  if (!Number.isInteger(options.maxBytes) || options.maxBytes < 0) {
    throw invalid(`maxBytes must be an integer ≥ 0; got ${options.maxBytes}.`, {
      field: 'maxBytes',
      value: options.maxBytes,
    });
  }
  const store = draftStore(context.store);
  const keep = new Set(options.keep ?? []);
  const total: DeleteDraftsResult = { deleted: [], chunksFreed: 0, bytesFreed: 0 };
  let stats = await store.draftStats();
  if (stats.exclusiveBytes <= options.maxBytes) return total;
  for (const draft of await store.listDrafts()) {
    if (keep.has(draft.runId)) continue;
    const result = await deleteDrafts(context, [draft.runId]);
    total.deleted.push(...result.deleted);
    total.chunksFreed += result.chunksFreed;
    total.bytesFreed += result.bytesFreed;
    stats = await store.draftStats();
    if (stats.exclusiveBytes <= options.maxBytes) break;
  }
  return total;
}
