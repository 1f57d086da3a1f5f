// The registered models, with their versions and aliases, as the field views offer them; follows
// registry changes made by this page, its workers and other tabs.
import type { Alias, ModelVersion, Registry } from 'edgeflow/registry';
import { useEffect, useState } from 'preact/hooks';

/** One registered model as the publish and clients views list it. */
export interface RegisteredModel {
  readonly name: string;
  /** Newest first. */
  readonly versions: readonly ModelVersion[];
  readonly aliases: readonly Alias[];
}

/** Every registered model with its versions and aliases (null while loading). */
export function useRegisteredModels(registry: Registry): RegisteredModel[] | null {
  const [models, setModels] = useState<RegisteredModel[] | null>(null);
  const [changes, setChanges] = useState(0);
  useEffect(
    () =>
      registry.subscribe((change) => {
        if (
          change.type.startsWith('run') ||
          change.type === 'drafts-changed' ||
          change.type === 'dataset-stored'
        )
          return;
        setChanges((n) => n + 1);
      }),
    [registry],
  );
  useEffect(() => {
    let live = true;
    void (async () => {
      const list = await registry.listModels();
      const loaded = await Promise.all(
        list.map(async (m) => {
          const [page, aliases] = await Promise.all([
            registry.listVersions(m.name, { limit: 200 }),
            registry.listAliases(m.name),
          ]);
          return {
            name: m.name,
            versions: [...page.items].sort((a, b) => b.version - a.version),
            aliases,
          };
        }),
      );
      if (live) setModels(loaded.filter((m) => m.versions.length > 0));
    })().catch(() => {
      if (live) setModels([]);
    });
    return () => {
      live = false;
    };
  }, [registry, changes]);
  return models;
}
