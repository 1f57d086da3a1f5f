// The one place a version record is committed: checked as a whole, written by the store in one
// transaction with its new chunks, then announced.
import type { ModelVersion } from '../schemas/registry.ts';
import { checkVersionRecord } from './registry-checks.ts';
import type { RegistryContext } from './registry-context.ts';
import type { ChunkPayload, VersionDraft } from './types.ts';

/** Options of a commit: an explicit number (imports) and a hook right before the write starts. */
export interface CommitOptions {
  version?: number;
  onWriting?: () => void;
}

/**
 * Commits `draft` as a version of `model` with its chunks and announces it.
 * @throws INVALID_ARGUMENT (non-JSON metadata); VERSION_CONFLICT; INTEGRITY_FAILED; QUOTA_EXCEEDED
 */
export async function commitVersion(
  context: RegistryContext,
  model: string,
  draft: VersionDraft,
  chunks: readonly ChunkPayload[],
  options: CommitOptions,
): Promise<ModelVersion> {
  const at = context.now();
  checkVersionRecord(model, draft, options.version ?? 1, at);
  const result = await context.store.commitVersion({
    model,
    ...(options.version === undefined ? {} : { version: options.version }),
    modelDefaults: { description: '', tags: [] },
    draft,
    chunks,
    at,
    ...(options.onWriting ? { onWriting: options.onWriting } : {}),
  });
  context.changes.announce({ type: 'version-registered', model, version: result.version.version });
  return result.version;
}

/** Chunk payloads without bytes for chunks a stored version or draft already names. */
export function storedChunks(weights: VersionDraft['weights']): ChunkPayload[] {
  return weights.chunks.map((c) => ({ sha256: c.sha256, bytes: c.bytes }));
}
