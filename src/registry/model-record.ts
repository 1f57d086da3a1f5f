// The model record a version commit leaves behind, shared by every store.
import type { Model } from '../schemas/registry.ts';
import type { CommitVersionRequest } from './types.ts';

/** `existing` (or a new record from the request's defaults) advanced to `version`. */
export function modelAfterCommit(
  existing: Model | undefined,
  request: Pick<CommitVersionRequest, 'model' | 'modelDefaults' | 'at'>,
  version: number,
): Model {
  return {
    ...(existing ?? {
      name: request.model,
      description: request.modelDefaults.description,
      tags: [...request.modelDefaults.tags],
      createdAt: request.at,
    }),
    updatedAt: request.at,
    lastVersion: Math.max(existing?.lastVersion ?? 0, version),
  };
}
