// Run records: created and owned by a session, updated atomically while training, listed and
// paged, deleted with their draft, and marked interrupted when their session is gone.
import { EdgeflowError } from '../errors.ts';
import {
  type ModelVersion,
  type Run,
  type RunHistoryEntry,
  type RunStatus,
  runSchema,
} from '../schemas/registry.ts';
import { deleteDrafts } from './drafts.ts';
import { invalid, page } from './registry-checks.ts';
import type { RegistryContext } from './registry-context.ts';
import type { ListRunsOptions, RunPage } from './types.ts';

type Json = ModelVersion['pipeline'];

/** Input of `createRun`. */
export interface CreateRunInput {
  /** Default: a random UUID. */
  id?: string;
  spec: Json;
  datasetFingerprint?: string | null;
  pipeline?: Json;
  backend?: string | null;
  adapter?: Json;
  seed?: number | null;
  /** Default `running`. */
  status?: RunStatus;
  tags?: string[];
}

/** Fields `updateRun` may change; `appendHistory` adds epochs after the stored ones. */
export type RunPatch = Partial<
  Pick<
    Run,
    | 'spec'
    | 'datasetFingerprint'
    | 'pipeline'
    | 'backend'
    | 'adapter'
    | 'seed'
    | 'status'
    | 'history'
    | 'metrics'
    | 'timings'
    | 'error'
    | 'parity'
    | 'tags'
    | 'notes'
  >
> & { appendHistory?: RunHistoryEntry[] };

function runInvalid(id: string, issues: readonly { path: PropertyKey[]; message: string }[]): EdgeflowError {
  const field = issues[0]?.path.map(String).join('.') ?? '';
  return invalid(`Run "${id}": field "${field}" ${issues[0]?.message ?? 'is invalid'}.`, {
    runId: id,
    field,
  });
}

/** Starts a run record owned by this session. @throws INVALID_ARGUMENT (bad field, id taken) */
export async function createRun(context: RegistryContext, input: CreateRunInput): Promise<Run> {
  const at = context.now();
  const parsed = runSchema.safeParse({
    id: input.id ?? crypto.randomUUID(),
    spec: input.spec,
    datasetFingerprint: input.datasetFingerprint ?? null,
    pipeline: input.pipeline ?? null,
    backend: input.backend ?? null,
    adapter: input.adapter ?? null,
    seed: input.seed ?? null,
    status: input.status ?? 'running',
    history: [],
    metrics: {},
    timings: {},
    error: null,
    parity: null,
    tags: input.tags ?? [],
    owner: context.session.id,
    createdAt: at,
    updatedAt: at,
  });
  if (!parsed.success) throw runInvalid(input.id ?? '(new)', parsed.error.issues);
  const run = await context.store.createRun(parsed.data);
  context.changes.announce({ type: 'run-updated', runId: run.id, status: run.status });
  return run;
}

/** Updates a run atomically (fields replace; `appendHistory` appends). @throws RUN_NOT_FOUND; INVALID_ARGUMENT */
export async function updateRun(context: RegistryContext, id: string, patch: RunPatch): Promise<Run> {
  const { appendHistory, ...fields } = patch;
  const at = context.now();
  const run = await context.store.updateRun(id, (current) => {
    const next = {
      ...current,
      ...fields,
      history: [...(fields.history ?? current.history), ...(appendHistory ?? [])],
      updatedAt: Math.max(at, current.updatedAt),
    };
    const parsed = runSchema.safeParse(next);
    if (!parsed.success) throw runInvalid(id, parsed.error.issues);
    return parsed.data;
  });
  context.changes.announce({ type: 'run-updated', runId: run.id, status: run.status });
  return run;
}

/** One run. @throws RUN_NOT_FOUND */
export async function getRun(context: RegistryContext, id: string): Promise<Run> {
  const run = await context.store.getRun(id);
  if (!run)
    throw new EdgeflowError('RUN_NOT_FOUND', `No run with id "${id}". List runs with registry.listRuns().`, {
      details: { runId: id },
    });
  return run;
}

/** Runs, newest first, filtered by status, dataset or tag, paged. @throws INVALID_ARGUMENT */
export async function listRuns(context: RegistryContext, options: ListRunsOptions): Promise<RunPage> {
  const { offset, limit, ...filter } = options;
  return page(await context.store.listRuns(filter), offset, limit);
}

/**
 * Deletes a run record and its draft (its registered versions stay). A running run is refused.
 * @throws RUN_NOT_FOUND; INVALID_ARGUMENT (the run is running)
 */
export async function deleteRun(context: RegistryContext, id: string): Promise<void> {
  const run = await getRun(context, id);
  if (run.status === 'running') {
    throw invalid(`Run "${id}" is still running: cancel it (or wait for it to end), then delete it.`, {
      runId: id,
      status: run.status,
    });
  }
  // Gone since the read above (another tab deleted it): report it as not found.
  if (!(await context.store.deleteRun(id))) await getRun(context, id);
  context.changes.announce({ type: 'runs-deleted', runIds: [id] });
  // The run's draft goes with it (and the chunks only it used).
  if (context.store.deleteDrafts) await deleteDrafts(context, [id]);
}

/** Marks `running` runs whose owning session is gone as `interrupted`; returns their ids. */
export async function markInterruptedRuns(context: RegistryContext): Promise<string[]> {
  const alive = await context.session.liveness();
  const ids = await context.store.markInterruptedRuns(alive, context.now());
  if (ids.length > 0) context.changes.announce({ type: 'runs-interrupted', runIds: ids });
  return ids;
}
