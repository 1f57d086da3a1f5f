import type { PersistenceResult, Registry, StorageEstimate } from 'edgeflow/registry';
import { useEffect, useState } from 'preact/hooks';
import { errorText, formatBytes } from '../format.ts';

/**
 * Storage of this origin: used and available bytes, and whether the browser keeps the data under
 * storage pressure; asks for persistence only when the user clicks (browsers expect a gesture).
 */
export function StoragePanel({ registry, version }: { registry: Registry; version: number }) {
  const [estimate, setEstimate] = useState<StorageEstimate | null>(null);
  const [drafts, setDrafts] = useState<{ count: number; exclusiveBytes: number } | null>(null);
  const [persisted, setPersisted] = useState<boolean | null>(null);
  const [answer, setAnswer] = useState<PersistenceResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void registry.storage().then(
      (s) => {
        if (!live) return;
        setEstimate(s.estimate);
        setDrafts(s.drafts);
      },
      (e: unknown) => live && setError(errorText(e)),
    );
    void navigator.storage?.persisted?.().then((p) => live && setPersisted(p));
    return () => {
      live = false;
    };
  }, [registry, version]);
  const ask = async (): Promise<void> => {
    setError(null);
    try {
      const result = await registry.requestPersistence();
      setAnswer(result);
      setPersisted(result.persisted);
    } catch (e) {
      setError(errorText(e));
    }
  };
  const share = estimate && estimate.quota > 0 ? estimate.usage / estimate.quota : 0;
  return (
    <div class="storage" data-testid="storage">
      <p>
        <strong>{formatBytes(estimate?.usage)}</strong> used,{' '}
        <strong>{formatBytes(estimate?.available)}</strong> available (quota {formatBytes(estimate?.quota)}).{' '}
        <meter aria-label="Storage used" min={0} max={1} value={share} />
      </p>
      {drafts && (
        <p data-testid="drafts-cost">
          {drafts.count === 0 ? (
            'No drafts: every finished run is registered or discarded.'
          ) : (
            <>
              <strong>{drafts.count}</strong> finished{' '}
              {drafts.count === 1 ? 'run keeps its' : 'runs keep their'} model as a draft (registrable after a
              reload), using <strong>{formatBytes(drafts.exclusiveBytes)}</strong> on disk; the oldest are
              pruned beyond the lab's draft budget.
            </>
          )}
        </p>
      )}
      <p>
        Storage is{' '}
        <strong class={persisted ? 'ok' : 'warn'}>
          {persisted === null
            ? 'of unknown persistence'
            : persisted
              ? 'persistent'
              : 'best-effort (may be evicted)'}
        </strong>
        .{' '}
        {!persisted && (
          <button type="button" onClick={() => void ask()}>
            Ask to keep the data
          </button>
        )}
      </p>
      {answer?.reason && <p class="muted">{answer.reason}</p>}
      {error && (
        <p class="bad" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
