// Removing versions: explicit deletes and pruning by age, each freeing the chunks no remaining
// version or draft names. Version numbers are never reused.
import { invalid } from './registry-checks.ts';
import { type RegistryContext, requireModel } from './registry-context.ts';
import type { DeleteVersionsResult } from './types.ts';

/** Options of `prune`. */
export interface PruneOptions {
  /** How many of the newest versions to keep (≥ 0). */
  keepLast: number;
  /** Keep versions an alias points at (default true). With false, their aliases are removed (and logged). */
  keepAliased?: boolean;
}

/**
 * Deletes versions and the weight chunks no remaining version uses.
 * @throws MODEL_NOT_FOUND; VERSION_CONFLICT (an alias points at one)
 */
export async function deleteVersions(
  context: RegistryContext,
  model: string,
  versions: readonly number[],
): Promise<DeleteVersionsResult> {
  await requireModel(context, model);
  const result = await context.store.deleteVersions(model, versions);
  if (result.chunksFreed > 0) context.knownChunks.clear();
  if (result.deleted.length > 0)
    context.changes.announce({ type: 'versions-deleted', model, versions: result.deleted });
  return result;
}

/**
 * Removes old versions: keeps the newest `keepLast` and (by default) every aliased one.
 * @throws MODEL_NOT_FOUND; INVALID_ARGUMENT
 */
export async function prune(
  context: RegistryContext,
  model: string,
  options: PruneOptions,
): Promise<DeleteVersionsResult & { aliasesRemoved: string[] }> {
  if (!Number.isInteger(options.keepLast) || options.keepLast < 0) {
    throw invalid(`keepLast must be an integer ≥ 0; got ${options.keepLast}.`, {
      field: 'keepLast',
      value: options.keepLast,
    });
  }
  const { store, changes } = context;
  await requireModel(context, model);
  const keepAliased = options.keepAliased ?? true;
  const versions = (await store.listVersions(model)).map((v) => v.version).sort((a, b) => b - a);
  const aliases = await store.listAliases(model);
  const aliased = new Set(aliases.map((a) => a.version));
  const doomed = versions.slice(options.keepLast).filter((v) => !(keepAliased && aliased.has(v)));
  if (doomed.length === 0) return { deleted: [], chunksFreed: 0, bytesFreed: 0, aliasesRemoved: [] };
  // One store transaction removes the aliases of doomed versions (logged) and the versions: a failed
  // delete leaves every alias and version as it was.
  const result = await store.deleteVersions(model, doomed, {
    ...(keepAliased
      ? {}
      : {
          releaseAliases: {
            at: context.now(),
            reasonFor: (version: number) =>
              `prune: version ${version} removed (keepLast ${options.keepLast})`,
          },
        }),
  });
  const moves = result.aliasMoves ?? [];
  if (result.chunksFreed > 0) context.knownChunks.clear();
  for (const move of moves)
    changes.announce({ type: 'alias-moved', model, alias: move.alias, from: move.from, to: move.to });
  if (result.deleted.length > 0)
    changes.announce({ type: 'versions-deleted', model, versions: result.deleted });
  return {
    deleted: result.deleted,
    chunksFreed: result.chunksFreed,
    bytesFreed: result.bytesFreed,
    aliasesRemoved: moves.map((m) => m.alias),
  };
}
