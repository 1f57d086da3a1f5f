// The one definition of which runs a `RunFilter` selects, shared by every store.
import type { Run } from '../schemas/registry.ts';
import type { RunFilter } from './types.ts';

/** Whether a run matches a filter (all given fields must match). */
export function runMatches(
  run: Pick<Run, 'status' | 'datasetFingerprint' | 'tags'>,
  filter: RunFilter,
): boolean {
  if (filter.status !== undefined) {
    const wanted: readonly string[] = typeof filter.status === 'string' ? [filter.status] : filter.status;
    if (!wanted.includes(run.status)) return false;
  }
  if (filter.datasetFingerprint !== undefined && run.datasetFingerprint !== filter.datasetFingerprint)
    return false;
  if (filter.tag !== undefined && !run.tags.includes(filter.tag)) return false;
  return true;
}
