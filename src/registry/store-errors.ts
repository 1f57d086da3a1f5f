// Errors the stores raise the same way, so both media fail with the same codes and messages.
import { EdgeflowError } from '../errors.ts';

/** An explicit version number that exists or was allocated before (numbers are never reused). */
export function versionConflict(
  model: string,
  version: number,
  lastVersion: number,
  exists: boolean,
): EdgeflowError {
  const why = exists
    ? `version ${version} of "${model}" already exists`
    : `version ${version} of "${model}" was used before and deleted (the highest number used is ${lastVersion}; numbers are never reused)`;
  return new EdgeflowError(
    'VERSION_CONFLICT',
    `Cannot store ${why}. Import it as a new version ({ version: 'next' }) or under another model name.`,
    { details: { model, version, lastVersion, exists } },
  );
}

/** Deleting a version an alias points at. */
export function aliasedVersionConflict(
  model: string,
  version: number,
  aliases: readonly string[],
): EdgeflowError {
  return new EdgeflowError(
    'VERSION_CONFLICT',
    `Version ${version} of "${model}" is aliased as ${aliases.map((a) => `"${a}"`).join(', ')}; move or remove the alias before deleting it.`,
    { details: { model, version, aliases: [...aliases] } },
  );
}

/** A compare-and-set alias move whose alias no longer points where the caller read it. */
export function aliasMovedMeanwhile(
  model: string,
  alias: string,
  expected: number | null,
  actual: number | null,
): EdgeflowError {
  const where = (v: number | null): string => (v === null ? 'nowhere' : `version ${v}`);
  return new EdgeflowError(
    'VERSION_CONFLICT',
    `Alias "${alias}" of "${model}" points at ${where(actual)}, not ${where(expected)} as when it was read: someone moved it meanwhile. Read it again (and re-run the gate) before moving it.`,
    { details: { model, alias, expected, actual } },
  );
}

/** An alias that would point at a version that does not exist. */
export function aliasTargetMissing(model: string, alias: string, version: number): EdgeflowError {
  return new EdgeflowError(
    'VERSION_NOT_FOUND',
    `Cannot point alias "${alias}" of "${model}" at version ${version}: that version does not exist. List versions with registry.listVersions("${model}").`,
    { details: { model, alias, version } },
  );
}

/** A run id that is not stored. */
export function runNotFound(id: string): EdgeflowError {
  return new EdgeflowError('RUN_NOT_FOUND', `No run with id "${id}". List runs with registry.listRuns().`, {
    details: { runId: id },
  });
}

/** A run id that is already taken. */
export function runExists(id: string): EdgeflowError {
  return new EdgeflowError(
    'INVALID_ARGUMENT',
    `A run with id "${id}" already exists; use registry.updateRun("${id}", …) or another id.`,
    { details: { runId: id } },
  );
}

/** A dataset fingerprint that is not stored. */
export function datasetNotFound(fingerprint: string): EdgeflowError {
  return new EdgeflowError(
    'DATASET_NOT_FOUND',
    `No dataset with fingerprint "${fingerprint}" is stored. Store it with registry.putDataset(…) first.`,
    { details: { fingerprint } },
  );
}
/** A chunk referenced without bytes that the store does not hold (deleted by a concurrent prune). */
export function chunkVanished(model: string, sha256: string): EdgeflowError {
  return new EdgeflowError(
    'INTEGRITY_FAILED',
    `Weight chunk ${sha256} of the new "${model}" version is no longer stored (a concurrent delete removed it). Nothing was written; load the source version's weights and register them again.`,
    { details: { model, sha256, missingChunk: true } },
  );
}
