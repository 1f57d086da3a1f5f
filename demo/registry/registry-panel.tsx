import type { Alias, AliasMove, Lineage, Model, ModelVersion, Registry } from 'edgeflow/registry';
import { useEffect, useState } from 'preact/hooks';
import { ConfirmDialog } from '../confirm-dialog.tsx';
import { errorText, formatBytes, formatNumber, formatTime } from '../format.ts';
import { StoragePanel } from './storage-panel.tsx';
import { VersionDetail } from './version-detail.tsx';

type PendingAction =
  | { kind: 'delete'; model: string; version: number }
  | { kind: 'prune'; model: string; keepLast: number; keepAliased: boolean };

interface ModelView {
  versions: ModelVersion[];
  aliases: Alias[];
  log: AliasMove[];
}

function headlineMetric(version: ModelVersion): string {
  for (const name of ['accuracy', 'f1_macro', 'r2', 'rmse', 'mae']) {
    const value = version.metrics[name];
    if (typeof value === 'number') return `${name} ${formatNumber(value)}`;
  }
  return '–';
}

/**
 * Delete for one version: disabled, with the reason beside it, while an alias points at the version
 * (deleting would fail with VERSION_CONFLICT; issue 18.11).
 */
export function VersionDeleteButton({
  version,
  aliases,
  onDelete,
}: {
  version: number;
  aliases: readonly string[];
  onDelete: () => void;
}) {
  const reasonId = `delete-reason-v${version}`;
  const blocked = aliases.length > 0;
  return (
    <>
      <button
        type="button"
        class="danger"
        disabled={blocked}
        aria-describedby={blocked ? reasonId : undefined}
        data-testid={`delete-v${version}`}
        onClick={onDelete}
      >
        Delete v{version}
      </button>
      {blocked && (
        <span id={reasonId} class="muted small delete-reason" data-testid={`delete-reason-v${version}`}>
          {aliases.map((a) => `"${a}"`).join(', ')} {aliases.length === 1 ? 'points' : 'point'} at v{version}:
          move {aliases.length === 1 ? 'that alias' : 'those aliases'} to another version first.
        </span>
      )}
    </>
  );
}

/**
 * The registry section: models, their versions with aliases and metrics, the alias log, a version's
 * lineage, export as `.zip`, delete and prune (confirmed), storage; it follows changes made in
 * workers and other tabs through `registry.subscribe`.
 */
export function RegistryPanel({
  registry,
  exportVersion,
}: {
  registry: Registry;
  /** Builds a version's `.zip` off the page (`lab.exportVersion`); absent: the page builds it. */
  exportVersion?: (model: string, version: number) => Promise<Blob>;
}) {
  const [changes, setChanges] = useState(0);
  const [models, setModels] = useState<Model[]>([]);
  const [modelName, setModelName] = useState<string | null>(null);
  const [view, setView] = useState<ModelView | null>(null);
  const [versionNumber, setVersionNumber] = useState<number | null>(null);
  const [lineage, setLineage] = useState<Lineage | null>(null);
  const [pending, setPending] = useState<PendingAction | null>(null);
  const [keepLast, setKeepLast] = useState('3');
  const [keepAliased, setKeepAliased] = useState(true);
  const [message, setMessage] = useState<{ text: string; bad: boolean } | null>(null);
  const [lastChange, setLastChange] = useState<string | null>(null);

  useEffect(
    () =>
      registry.subscribe((change) => {
        if (change.type === 'run-updated') return;
        setLastChange(`${change.type.replace('-', ' ')}${'model' in change ? ` · ${change.model}` : ''}`);
        setChanges((n) => n + 1);
      }),
    [registry],
  );

  useEffect(() => {
    let live = true;
    void registry.listModels().then((list) => {
      if (!live) return;
      setModels(list);
      if (list.length > 0 && (modelName === null || !list.some((m) => m.name === modelName))) {
        setModelName(list[0]?.name ?? null);
      }
      if (list.length === 0) setModelName(null);
    });
    return () => {
      live = false;
    };
  }, [registry, changes]);

  useEffect(() => {
    if (modelName === null) {
      setView(null);
      return;
    }
    let live = true;
    void Promise.all([
      registry.listVersions(modelName, { limit: 200 }),
      registry.listAliases(modelName),
      registry.aliasLog(modelName),
    ]).then(
      ([page, aliases, log]) => {
        if (!live) return;
        setView({ versions: page.items, aliases, log });
        if (versionNumber === null || !page.items.some((v) => v.version === versionNumber)) {
          setVersionNumber(page.items[0]?.version ?? null);
        }
      },
      (e: unknown) => live && setMessage({ text: errorText(e), bad: true }),
    );
    return () => {
      live = false;
    };
  }, [registry, modelName, changes]);

  const version = view?.versions.find((v) => v.version === versionNumber) ?? null;
  useEffect(() => {
    if (!modelName || versionNumber === null) {
      setLineage(null);
      return;
    }
    let live = true;
    registry.lineage(modelName, versionNumber).then(
      (l) => live && setLineage(l),
      () => live && setLineage(null),
    );
    return () => {
      live = false;
    };
  }, [registry, modelName, versionNumber, changes]);

  const run = async (action: () => Promise<string>): Promise<void> => {
    setMessage(null);
    try {
      setMessage({ text: await action(), bad: false });
    } catch (e) {
      setMessage({ text: errorText(e), bad: true });
    }
  };
  const confirm = (): void => {
    const action = pending;
    setPending(null);
    if (!action) return;
    if (action.kind === 'delete') {
      void run(async () => {
        const result = await registry.deleteVersions(action.model, [action.version]);
        return `Deleted v${action.version}; freed ${formatBytes(result.bytesFreed)}.`;
      });
    } else {
      void run(async () => {
        const result = await registry.prune(action.model, {
          keepLast: action.keepLast,
          keepAliased: action.keepAliased,
        });
        return result.deleted.length === 0
          ? 'Nothing to prune.'
          : `Pruned v${result.deleted.join(', v')}; freed ${formatBytes(result.bytesFreed)}${result.aliasesRemoved.length ? `; removed aliases ${result.aliasesRemoved.join(', ')}` : ''}.`;
      });
    }
  };
  const aliasesOf = (v: number): string[] =>
    view?.aliases.filter((a) => a.version === v).map((a) => a.alias) ?? [];

  return (
    <div class="registry">
      <p class="muted" aria-live="polite" data-testid="registry-live">
        Live: follows changes from the lab workers and other tabs.
        {lastChange && ` Last change: ${lastChange}.`}
      </p>
      {models.length === 0 ? (
        <p class="muted">No models registered yet: register a run above.</p>
      ) : (
        <div class="registry-layout">
          <nav aria-label="Models" class="model-list">
            <h3>Models</h3>
            <ul>
              {models.map((m) => (
                <li key={m.name}>
                  <button
                    type="button"
                    class={m.name === modelName ? 'model current' : 'model'}
                    aria-current={m.name === modelName ? 'true' : undefined}
                    onClick={() => setModelName(m.name)}
                  >
                    {m.name}
                  </button>
                </li>
              ))}
            </ul>
          </nav>
          {view && modelName && (
            <div class="model-view">
              <h3>{modelName}</h3>
              <p>
                Aliases:{' '}
                {view.aliases.length === 0
                  ? 'none'
                  : view.aliases.map((a) => (
                      <span key={a.alias} class="alias-chip" data-testid={`alias-${a.alias}`}>
                        {a.alias} → v{a.version}
                      </span>
                    ))}
              </p>
              <div class="table-scroll">
                <table aria-label={`Versions of ${modelName}`} data-testid="versions-table">
                  <thead>
                    <tr>
                      <th scope="col">version</th>
                      <th scope="col">aliases</th>
                      <th scope="col">created</th>
                      <th scope="col">test metric</th>
                      <th scope="col">weights</th>
                      <th scope="col">actions</th>
                    </tr>
                  </thead>
                  <tbody>
                    {view.versions.map((v) => (
                      <tr key={v.version} class={v.version === versionNumber ? 'selected' : undefined}>
                        <th scope="row">
                          <button
                            type="button"
                            class="link"
                            aria-pressed={v.version === versionNumber}
                            onClick={() => setVersionNumber(v.version)}
                          >
                            v{v.version}
                          </button>
                        </th>
                        <td>{aliasesOf(v.version).join(', ') || <span class="muted">–</span>}</td>
                        <td>{formatTime(v.createdAt)}</td>
                        <td>{headlineMetric(v)}</td>
                        <td class="num">{formatBytes(v.weights.bytes)}</td>
                        <td class="actions">
                          <button
                            type="button"
                            data-testid={`export-v${v.version}`}
                            onClick={() =>
                              void run(async () => {
                                // Built in a lab worker when the page has one: the page never zips.
                                const zip = await exportVersion?.(modelName, v.version);
                                return `Downloaded ${await registry.downloadVersionZip(modelName, v.version, zip)}.`;
                              })
                            }
                          >
                            Export v{v.version} .zip
                          </button>
                          <VersionDeleteButton
                            version={v.version}
                            aliases={aliasesOf(v.version)}
                            onDelete={() =>
                              setPending({ kind: 'delete', model: modelName, version: v.version })
                            }
                          />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <div class="toolbar">
                <label for="prune-keep">Keep the newest</label>
                <input
                  id="prune-keep"
                  type="number"
                  min={0}
                  class="short"
                  value={keepLast}
                  onInput={(e) => setKeepLast(e.currentTarget.value)}
                />
                <label class="checkbox">
                  <input
                    type="checkbox"
                    checked={keepAliased}
                    onChange={(e) => setKeepAliased(e.currentTarget.checked)}
                  />{' '}
                  and every aliased version
                </label>
                <button
                  type="button"
                  class="danger"
                  disabled={!/^\d+$/.test(keepLast)}
                  onClick={() =>
                    setPending({ kind: 'prune', model: modelName, keepLast: Number(keepLast), keepAliased })
                  }
                >
                  Prune {modelName}
                </button>
              </div>
              {message && (
                <p class={message.bad ? 'bad' : 'ok'} role={message.bad ? 'alert' : 'status'}>
                  {message.text}
                </p>
              )}
              <div class="two-col">
                <div>{version && <VersionDetail version={version} lineage={lineage} />}</div>
                <div>
                  <h4>Alias log</h4>
                  {view.log.length === 0 ? (
                    <p class="muted">No alias has moved yet.</p>
                  ) : (
                    <div class="table-scroll">
                      <table aria-label="Alias log" data-testid="alias-log">
                        <thead>
                          <tr>
                            <th scope="col">#</th>
                            <th scope="col">alias</th>
                            <th scope="col">move</th>
                            <th scope="col">when</th>
                            <th scope="col">reason</th>
                          </tr>
                        </thead>
                        <tbody>
                          {[...view.log].reverse().map((m) => (
                            <tr key={m.seq}>
                              <td>{m.seq}</td>
                              <td>{m.alias}</td>
                              <td>
                                {m.from === null ? '∅' : `v${m.from}`} → {m.to === null ? '∅' : `v${m.to}`}
                                {m.gateReport !== null && <span class="muted"> (gated)</span>}
                              </td>
                              <td>{formatTime(m.at)}</td>
                              <td>{m.reason}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </div>
                  )}
                </div>
              </div>
            </div>
          )}
        </div>
      )}
      <h3>Storage</h3>
      <StoragePanel registry={registry} version={changes} />
      <ConfirmDialog
        open={pending !== null}
        title={
          pending?.kind === 'delete'
            ? `Delete ${pending.model} v${pending.version}?`
            : `Prune ${pending?.model ?? ''}?`
        }
        confirmLabel={pending?.kind === 'delete' ? 'Delete' : 'Prune'}
        onConfirm={confirm}
        onCancel={() => setPending(null)}
      >
        {pending?.kind === 'delete' ? (
          <p>
            The version and the weights no other version shares are removed. Its number is never reused. A
            version an alias points at cannot be deleted.
          </p>
        ) : (
          <p>
            Every version but the newest {pending?.kind === 'prune' ? pending.keepLast : ''}
            {pending?.kind === 'prune' && pending.keepAliased
              ? ' and the aliased ones'
              : ' (aliases pointing at them are removed)'}{' '}
            is deleted.
          </p>
        )}
      </ConfirmDialog>
    </div>
  );
}
