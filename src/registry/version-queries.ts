// Reading version records: resolving a number, `latest` or an alias, listing and ordering
// versions, and a version's lineage.
import { closestNames, EdgeflowError } from '../errors.ts';
import type { ModelVersion } from '../schemas/registry.ts';
import { page } from './registry-checks.ts';
import { modelNotFound, type RegistryContext, requireModel } from './registry-context.ts';
import type { Lineage, ListVersionsOptions, VersionPage } from './types.ts';

/**
 * Resolves a version number, `'latest'` or an alias to the stored version.
 * @throws MODEL_NOT_FOUND (unknown model or alias, with close names); VERSION_NOT_FOUND
 */
export async function getVersion(
  context: RegistryContext,
  model: string,
  versionOrAlias: number | string,
): Promise<ModelVersion> {
  const { store } = context;
  // The model check and the first lookup run together: a load pays one round trip, not two.
  const exists = store.getModel(model).then((m) => m !== undefined);
  const ensureModel = async () => {
    if (!(await exists)) throw await modelNotFound(context, model);
  };
  let number: number;
  let found: ModelVersion | undefined;
  if (typeof versionOrAlias === 'number' || /^\d+$/.test(versionOrAlias)) {
    number = Number(versionOrAlias);
    [, found] = await Promise.all([ensureModel(), store.getVersion(model, number)]);
  } else if (versionOrAlias === 'latest') {
    const [, last] = await Promise.all([ensureModel(), store.latestVersion(model)]);
    if (!last) {
      throw new EdgeflowError(
        'VERSION_NOT_FOUND',
        `Model "${model}" has no versions yet; register one first.`,
        {
          details: { model, version: 'latest' },
        },
      );
    }
    return last;
  } else {
    const [, alias] = await Promise.all([ensureModel(), store.getAlias(model, versionOrAlias)]);
    if (!alias) {
      const known = (await store.listAliases(model)).map((a) => a.alias);
      const close = closestNames(versionOrAlias, known);
      throw new EdgeflowError(
        'MODEL_NOT_FOUND',
        `"${model}" has no alias "${versionOrAlias}".${close.length ? ` Did you mean ${close.map((c) => `"${c}"`).join(', ')}?` : ''} Its aliases: ${known.length ? known.join(', ') : 'none'}.`,
        { details: { model, alias: versionOrAlias, closest: close, known } },
      );
    }
    number = alias.version;
    found = await store.getVersion(model, number);
  }
  if (!found) {
    const existing = (await store.listVersions(model)).map((v) => v.version);
    throw new EdgeflowError(
      'VERSION_NOT_FOUND',
      `"${model}" has no version ${number}. Existing versions: ${existing.length ? existing.slice(-20).join(', ') : 'none'}.`,
      { details: { model, version: number, existing: existing.slice(-20) } },
    );
  }
  return found;
}

/**
 * Versions of a model, filtered by tag or alias, ordered by number, creation time or a metric, paged.
 * Versions without a numeric value of the ordering metric come last.
 * @throws MODEL_NOT_FOUND; INVALID_ARGUMENT (bad paging)
 */
export async function listVersions(
  context: RegistryContext,
  model: string,
  options: ListVersionsOptions,
): Promise<VersionPage> {
  await requireModel(context, model);
  let versions = await context.store.listVersions(model);
  if (options.tag !== undefined) versions = versions.filter((v) => v.tags.includes(options.tag as string));
  if (options.alias !== undefined) {
    const alias = await context.store.getAlias(model, options.alias);
    versions = versions.filter((v) => v.version === alias?.version);
  }
  const order = options.order ?? { by: 'version', direction: 'desc' };
  const sign = (order.direction ?? 'desc') === 'asc' ? 1 : -1;
  const sorted = [...versions];
  if (order.by === 'metric') {
    const value = (v: ModelVersion): number | null => {
      const m = v.metrics[order.metric];
      return typeof m === 'number' && Number.isFinite(m) ? m : null;
    };
    sorted.sort((a, b) => {
      const x = value(a);
      const y = value(b);
      if (x === null || y === null) return x === y ? b.version - a.version : x === null ? 1 : -1;
      return sign * (x - y) || b.version - a.version;
    });
  } else {
    const key = order.by;
    sorted.sort((a, b) => sign * (a[key] - b[key]) || sign * (a.version - b.version));
  }
  return page(sorted, options.offset, options.limit);
}

/** Where a version came from: run → dataset fingerprint → pipeline. @throws MODEL_NOT_FOUND; VERSION_NOT_FOUND */
export async function lineage(
  context: RegistryContext,
  model: string,
  versionOrAlias: number | string,
): Promise<Lineage> {
  const version = await getVersion(context, model, versionOrAlias);
  const [run, dataset] = await Promise.all([
    version.runId === null ? undefined : context.store.getRun(version.runId),
    version.datasetFingerprint === null ? undefined : context.store.getDataset(version.datasetFingerprint),
  ]);
  return {
    model: version.model,
    version: version.version,
    runId: version.runId,
    run: run ?? null,
    datasetFingerprint: version.datasetFingerprint,
    dataset: dataset ?? null,
    pipeline: version.pipeline,
    source: version.source,
  };
}
