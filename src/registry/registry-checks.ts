// Argument checks the registry's operations share: names, paging, and a whole version record
// checked before any transaction starts, each failing with INVALID_ARGUMENT that names the field.
import { EdgeflowError } from '../errors.ts';
import { aliasNameSchema, modelNameSchema, modelVersionSchema } from '../schemas/registry.ts';
import type { VersionDraft } from './types.ts';

/** An INVALID_ARGUMENT error with details naming what was wrong. */
export function invalid(message: string, details: Record<string, unknown>): EdgeflowError {
  return new EdgeflowError('INVALID_ARGUMENT', message, { details });
}

/** A model name, checked. @throws INVALID_ARGUMENT */
export function checkModelName(name: unknown): string {
  const parsed = modelNameSchema.safeParse(name);
  if (!parsed.success) {
    throw invalid(`Model name ${JSON.stringify(name)} is invalid: ${parsed.error.issues[0]?.message ?? ''}`, {
      field: 'model',
      value: String(name),
    });
  }
  return parsed.data;
}

/** An alias name, checked. @throws INVALID_ARGUMENT */
export function checkAliasName(name: unknown): string {
  const parsed = aliasNameSchema.safeParse(name);
  if (!parsed.success) {
    throw invalid(`Alias ${JSON.stringify(name)} is invalid: ${parsed.error.issues[0]?.message ?? ''}`, {
      field: 'alias',
      value: String(name),
    });
  }
  return parsed.data;
}

/** One page of `items` and where the next starts. @throws INVALID_ARGUMENT (bad offset or limit) */
export function page<T>(
  items: readonly T[],
  offset = 0,
  limit = 50,
): { items: T[]; total: number; nextOffset: number | null } {
  if (!Number.isInteger(offset) || offset < 0)
    throw invalid(`offset must be an integer ≥ 0; got ${offset}.`, { field: 'offset', value: offset });
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw invalid(`limit must be an integer from 1 to 1000; got ${limit}.`, { field: 'limit', value: limit });
  }
  const slice = items.slice(offset, offset + limit);
  return {
    items: slice,
    total: items.length,
    nextOffset: offset + slice.length < items.length ? offset + slice.length : null,
  };
}

/** Validates a full version record before any transaction, naming the field that is wrong. @throws INVALID_ARGUMENT */
export function checkVersionRecord(
  model: string,
  draft: VersionDraft,
  version: number,
  at: number,
  what = `register "${model}"`,
): void {
  const check = modelVersionSchema.safeParse({ ...draft, model, version, createdAt: at });
  if (!check.success) {
    const issue = check.error.issues[0];
    const field = issue?.path.map(String).join('.') ?? '';
    throw invalid(
      `Cannot ${what}: field "${field}" ${issue?.message ?? 'is invalid'}. Metadata must be plain JSON.`,
      { model, field },
    );
  }
}
