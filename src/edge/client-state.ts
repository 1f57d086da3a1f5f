// The edge client's persistent state, kept in the model store itself so it lives and dies with the
// versions: aliases `active` and `previous` point at stored releases (the store moves each alias
// atomically), and tags on the model record keep the install id, the highest release ever seen
// (downgrade protection across restarts) and releases refused after download. Reads go to the
// store directly (two requests issued together, no registry needed: the cold-start path); writes go
// through the registry, which validates and announces them.
import type { Registry } from '../registry/registry.ts';
import type { ModelStore } from '../registry/types.ts';

const INSTALL = 'edgeflow-edge:install=';
const HIGHEST = 'edgeflow-edge:highest-release=';
const REJECTED = 'edgeflow-edge:rejected=';

/** The client's state as read from the store. */
export interface ClientState {
  readonly installId: string | null;
  readonly highestRelease: number;
  readonly rejected: ReadonlySet<number>;
  readonly active: number | null;
  readonly previous: number | null;
}

/**
 * Reads the client state of a model from an open store (the model record and its aliases, requested
 * together); all empty when the store has never seen it (or was evicted).
 */
export async function readClientState(store: ModelStore, model: string): Promise<ClientState> {
  const [record, aliases] = await Promise.all([store.getModel(model), store.listAliases(model)]);
  if (record === undefined)
    return { installId: null, highestRelease: 0, rejected: new Set(), active: null, previous: null };
  let installId: string | null = null;
  let highestRelease = 0;
  const rejected = new Set<number>();
  for (const tag of record.tags) {
    if (tag.startsWith(INSTALL)) installId = tag.slice(INSTALL.length);
    else if (tag.startsWith(HIGHEST))
      highestRelease = Math.max(highestRelease, Number(tag.slice(HIGHEST.length)) || 0);
    else if (tag.startsWith(REJECTED)) rejected.add(Number(tag.slice(REJECTED.length)));
  }
  return {
    installId,
    highestRelease,
    rejected,
    active: aliases.find((a) => a.alias === 'active')?.version ?? null,
    previous: aliases.find((a) => a.alias === 'previous')?.version ?? null,
  };
}

/** Writes the tag part of the state (one model-record write: atomic in every store). */
export async function writeClientTags(
  registry: Registry,
  store: ModelStore,
  model: string,
  patch: { installId?: string; highestRelease?: number; rejected?: number },
): Promise<void> {
  const current = await readClientState(store, model);
  const installId = patch.installId ?? current.installId;
  const highest = Math.max(current.highestRelease, patch.highestRelease ?? 0);
  const rejected = new Set(current.rejected);
  if (patch.rejected !== undefined) rejected.add(patch.rejected);
  const tags = [
    ...(installId === null ? [] : [`${INSTALL}${installId}`]),
    `${HIGHEST}${highest}`,
    // Keep the last 20 refusals: enough to stop re-downloading a bad release the channel still names.
    ...[...rejected]
      .sort((a, b) => a - b)
      .slice(-20)
      .map((r) => `${REJECTED}${r}`),
  ];
  await registry.upsertModel(model, {
    tags,
    description: `Releases of ${model} received by an edgeflow edge client.`,
  });
}
