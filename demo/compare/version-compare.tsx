import type { Alias, AliasMove, ModelVersion, Registry } from 'edgeflow/registry';
import { useEffect, useState } from 'preact/hooks';
import { errorText, formatNumber, formatTime } from '../format.ts';
import { METRIC_COLUMNS, perClassMetrics } from './run-fields.ts';

/** The task a version was trained for, from its signature (classification when unknown). */
function versionTask(version: ModelVersion): 'classification' | 'regression' {
  const signature = version.signature as { target?: { task?: unknown } } | null;
  return signature?.target?.task === 'regression' ? 'regression' : 'classification';
}

function metricOf(version: ModelVersion | undefined, name: string): number | null {
  const value = version?.metrics[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** What an alias can do from here: point at either compared version, or go back to where it was. */
function AliasActions({
  registry,
  model,
  alias,
  log,
  left,
  right,
  onError,
}: {
  registry: Registry;
  model: string;
  alias: Alias;
  log: readonly AliasMove[];
  left: number;
  right: number;
  onError: (message: string | null) => void;
}) {
  const [busy, setBusy] = useState(false);
  // The version before the latest move, when the alias had one (a first set has nothing to roll back to).
  const lastMove = [...log].reverse().find((m) => m.alias === alias.alias);
  const previous = lastMove?.from ?? null;
  const move = async (to: number, reason: string): Promise<void> => {
    setBusy(true);
    onError(null);
    try {
      await registry.moveAlias(model, alias.alias, to, { reason });
    } catch (e) {
      onError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <li data-testid={`compare-alias-${alias.alias}`}>
      <strong>{alias.alias}</strong> → v{alias.version}{' '}
      {[left, right]
        .filter((v, i, all) => v !== alias.version && all.indexOf(v) === i)
        .map((v) => (
          <button
            key={v}
            type="button"
            disabled={busy}
            onClick={() => void move(v, `moved to v${v} from the compare view`)}
            data-testid={`alias-move-${alias.alias}-${v}`}
          >
            Point {alias.alias} at v{v}
          </button>
        ))}{' '}
      {previous !== null && previous !== alias.version && (
        <button
          type="button"
          disabled={busy}
          onClick={() => void move(previous, `rolled back to v${previous} from the compare view`)}
          data-testid={`alias-rollback-${alias.alias}`}
        >
          Roll back to v{previous}
        </button>
      )}
    </li>
  );
}

/**
 * Two registered versions of a model side by side: test metrics, per-class scores and where the
 * aliases point; each alias can be pointed at either version or rolled back to its previous one
 * (the move is logged with a reason, as every alias move is).
 */
export function VersionCompare({ registry }: { registry: Registry }) {
  const [models, setModels] = useState<string[]>([]);
  const [model, setModel] = useState<string>('');
  const [versions, setVersions] = useState<ModelVersion[]>([]);
  const [aliases, setAliases] = useState<Alias[]>([]);
  const [log, setLog] = useState<AliasMove[]>([]);
  const [picks, setPicks] = useState<[number | null, number | null]>([null, null]);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(
    () =>
      registry.subscribe((change) => {
        if (change.type !== 'run-updated' && change.type !== 'runs-interrupted') setTick((t) => t + 1);
      }),
    [registry],
  );
  useEffect(() => {
    let live = true;
    registry.listModels().then(
      (list) => {
        if (!live) return;
        const names = list.map((m) => m.name).sort();
        setModels(names);
        if (!names.includes(model)) setModel(names[0] ?? '');
      },
      (e: unknown) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [registry, tick]);
  useEffect(() => {
    if (!model) return;
    let live = true;
    Promise.all([
      registry.listVersions(model, { limit: 1000 }),
      registry.listAliases(model),
      registry.aliasLog(model),
    ]).then(
      ([page, list, moves]) => {
        if (!live) return;
        setVersions(page.items);
        setAliases(list);
        setLog(moves);
      },
      (e: unknown) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [registry, model, tick]);

  if (models.length === 0) {
    return <p class="muted">No registered models yet: register a run below to compare versions.</p>;
  }
  const numbers = versions.map((v) => v.version);
  // Defaults: the two newest versions (newest on the right).
  const left =
    picks[0] !== null && numbers.includes(picks[0]) ? picks[0] : (numbers[1] ?? numbers[0] ?? null);
  const right = picks[1] !== null && numbers.includes(picks[1]) ? picks[1] : (numbers[0] ?? null);
  const a = versions.find((v) => v.version === left);
  const b = versions.find((v) => v.version === right);
  const task = a ? versionTask(a) : 'classification';
  const perClassA = a ? perClassMetrics(a.metrics) : null;
  const perClassB = b ? perClassMetrics(b.metrics) : null;
  const classNames = [...new Set([...(perClassA ?? []), ...(perClassB ?? [])].map((row) => row.className))];
  const versionSelect = (side: 0 | 1, value: number | null) => (
    <select
      id={`version-compare-${side}`}
      value={value === null ? '' : String(value)}
      onChange={(e) => {
        const next: [number | null, number | null] = [left, right];
        next[side] = Number(e.currentTarget.value);
        setPicks(next);
      }}
      data-testid={`version-compare-${side === 0 ? 'left' : 'right'}`}
    >
      {versions.map((v) => (
        <option key={v.version} value={v.version}>
          v{v.version}
        </option>
      ))}
    </select>
  );
  const aliasesOf = (version: number | null): string =>
    aliases
      .filter((al) => al.version === version)
      .map((al) => al.alias)
      .join(', ') || '–';
  return (
    <div class="version-compare" data-testid="version-compare">
      <div class="toolbar">
        <label for="version-compare-model">Model</label>
        <select
          id="version-compare-model"
          value={model}
          onChange={(e) => {
            setModel(e.currentTarget.value);
            setPicks([null, null]);
          }}
          data-testid="version-compare-model"
        >
          {models.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
        <label for="version-compare-0">left</label>
        {versionSelect(0, left)}
        <label for="version-compare-1">right</label>
        {versionSelect(1, right)}
      </div>
      {error && (
        <p role="alert" class="bad">
          {error}
        </p>
      )}
      {a && b ? (
        <div class="table-scroll">
          <table
            aria-label={`${model}: v${a.version} and v${b.version} side by side`}
            data-testid="version-table"
          >
            <thead>
              <tr>
                <th scope="col">test metric</th>
                <th scope="col">v{a.version}</th>
                <th scope="col">v{b.version}</th>
              </tr>
            </thead>
            <tbody>
              {METRIC_COLUMNS[task].map((m) => (
                <tr key={m.name}>
                  <th scope="row">{m.label}</th>
                  <td class="num">{formatNumber(metricOf(a, m.name))}</td>
                  <td class="num">{formatNumber(metricOf(b, m.name))}</td>
                </tr>
              ))}
              {classNames.map((c) => {
                const ra = perClassA?.find((r) => r.className === c);
                const rb = perClassB?.find((r) => r.className === c);
                return (
                  <tr key={`class-${c}`}>
                    <th scope="row">F1 of {c}</th>
                    <td class="num">{formatNumber(ra?.f1)}</td>
                    <td class="num">{formatNumber(rb?.f1)}</td>
                  </tr>
                );
              })}
              <tr>
                <th scope="row">aliases</th>
                <td>{aliasesOf(a.version)}</td>
                <td>{aliasesOf(b.version)}</td>
              </tr>
              <tr>
                <th scope="row">registered</th>
                <td>{formatTime(a.createdAt)}</td>
                <td>{formatTime(b.createdAt)}</td>
              </tr>
              <tr>
                <th scope="row">run</th>
                <td>{a.runId?.slice(0, 8) ?? '–'}</td>
                <td>{b.runId?.slice(0, 8) ?? '–'}</td>
              </tr>
            </tbody>
          </table>
        </div>
      ) : (
        <p class="muted">This model has no versions.</p>
      )}
      {aliases.length > 0 && left !== null && right !== null ? (
        <>
          <h4>Move or roll back an alias</h4>
          <ul class="alias-actions">
            {aliases.map((al) => (
              <AliasActions
                key={al.alias}
                registry={registry}
                model={model}
                alias={al}
                log={log}
                left={left}
                right={right}
                onError={setError}
              />
            ))}
          </ul>
        </>
      ) : (
        <p class="muted">No alias on {model} yet: promote a version below to set one.</p>
      )}
    </div>
  );
}
