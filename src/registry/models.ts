// Model records: the named containers of versions.
import type { Model } from '../schemas/registry.ts';
import { checkModelName } from './registry-checks.ts';
import { modelNotFound, type RegistryContext } from './registry-context.ts';

/** One model. @throws MODEL_NOT_FOUND listing close names */
export async function getModel(context: RegistryContext, name: string): Promise<Model> {
  const model = await context.store.getModel(name);
  if (!model) throw await modelNotFound(context, name);
  return model;
}

/** Creates a model or updates its description and tags, and announces it. @throws INVALID_ARGUMENT */
export async function upsertModel(
  context: RegistryContext,
  name: string,
  patch: { description?: string; tags?: string[] },
): Promise<Model> {
  const model = await context.store.upsertModel(checkModelName(name), patch, context.now());
  context.changes.announce({ type: 'model-updated', model: model.name });
  return model;
}
