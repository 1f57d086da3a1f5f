// The alias-log entries a `deleteVersions(…, { releaseAliases })` writes, built once for every
// store so both log the same removals in the same order.
import type { Alias, AliasMove } from '../schemas/registry.ts';
import type { DeleteVersionsOptions } from './types.ts';

/**
 * The removals of the aliases of `model` that point at a version in `doomed`, ordered by version
 * then alias name; each store adds the log sequence number when it writes them.
 */
export function aliasReleaseEntries(
  model: string,
  aliases: readonly Alias[],
  doomed: ReadonlySet<number>,
  release: NonNullable<DeleteVersionsOptions['releaseAliases']>,
): Omit<AliasMove, 'seq'>[] {
  return aliases
    .filter((a) => a.model === model && doomed.has(a.version))
    .sort((a, b) => a.version - b.version || (a.alias < b.alias ? -1 : 1))
    .map((alias) => ({
      model,
      alias: alias.alias,
      from: alias.version,
      to: null,
      at: release.at,
      reason: release.reasonFor(alias.version),
      gateReport: null,
    }));
}
