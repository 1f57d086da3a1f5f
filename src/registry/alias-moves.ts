// Aliases and their audit log: every move (promotion, removal) is checked, written with an
// append-only log entry in one store transaction, and announced.
import type { Alias, AliasMove, ModelVersion } from '../schemas/registry.ts';
import { checkAliasName, invalid } from './registry-checks.ts';
import { type RegistryContext, requireModel } from './registry-context.ts';
import { getVersion } from './version-queries.ts';

/** Options of an alias move. */
export interface MoveAliasOptions {
  /** Why: kept in the append-only log. Required. */
  reason: string;
  /** The promotion gate's report, if a gate decided (opaque JSON). */
  gateReport?: ModelVersion['pipeline'];
  /**
   * Compare-and-set: move only if the alias still points at this version (null: only if the alias
   * does not exist yet), checked in the same transaction as the move. A promotion passes the
   * version its gate scored, so a champion changed meanwhile is never silently replaced.
   */
  expectedVersion?: number | null;
}

/**
 * Points `alias` at version `to` (null removes it) and appends the move to the log.
 * @throws MODEL_NOT_FOUND; VERSION_NOT_FOUND; VERSION_CONFLICT (compare-and-set); INVALID_ARGUMENT (alias name, empty reason)
 */
export async function writeAlias(
  context: RegistryContext,
  model: string,
  alias: string,
  to: number | null,
  options: MoveAliasOptions,
): Promise<AliasMove> {
  const name = checkAliasName(alias);
  if (name === 'latest')
    throw invalid('"latest" is reserved (it always means the newest version); pick another alias.', {
      field: 'alias',
      value: alias,
    });
  if (typeof options.reason !== 'string' || options.reason.trim() === '') {
    throw invalid(`Moving alias "${alias}" needs a reason (it goes into the audit log).`, {
      field: 'reason',
    });
  }
  if (to !== null && (!Number.isInteger(to) || to < 1)) {
    throw invalid(`Version must be an integer ≥ 1; got ${to}.`, { field: 'version', value: to });
  }
  await requireModel(context, model);
  const move = await context.store.moveAlias({
    model,
    alias: name,
    to,
    at: context.now(),
    reason: options.reason,
    gateReport: options.gateReport ?? null,
    ...(options.expectedVersion === undefined ? {} : { expected: options.expectedVersion }),
  });
  context.changes.announce({ type: 'alias-moved', model, alias: name, from: move.from, to: move.to });
  return move;
}

/** Removes an alias, logging the move to `null`. @throws MODEL_NOT_FOUND (unknown alias too) */
export async function removeAlias(
  context: RegistryContext,
  model: string,
  alias: string,
  options: MoveAliasOptions,
): Promise<AliasMove> {
  if (!(await context.store.getAlias(model, alias))) await getVersion(context, model, alias);
  return writeAlias(context, model, alias, null, options);
}

/** Where each alias of a model points. @throws MODEL_NOT_FOUND */
export async function listAliases(context: RegistryContext, model: string): Promise<Alias[]> {
  await requireModel(context, model);
  return context.store.listAliases(model);
}

/** The append-only log of alias moves, oldest first. @throws MODEL_NOT_FOUND */
export async function aliasLog(
  context: RegistryContext,
  model: string,
  alias?: string,
): Promise<AliasMove[]> {
  await requireModel(context, model);
  return context.store.aliasLog(model, alias);
}
