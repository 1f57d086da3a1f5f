// The datasets kept in this browser (issue 18.8): the lab stores each loaded file's table by
// fingerprint, so after a reload the page reopens one without its file; here the user switches
// between them or deletes one.
import type { Lab } from 'edgeflow';
import type { DatasetRecord } from 'edgeflow/registry';
import { useEffect, useState } from 'preact/hooks';
import { ConfirmDialog } from '../confirm-dialog.tsx';
import { formatTime } from '../format.ts';

/** The target a kept dataset was loaded with (the lab stores its schema in the record). */
export function keptTarget(record: DatasetRecord): string | null {
  const meta = record.schema as { schema?: { target?: { name?: unknown } | null } } | null;
  const name = meta?.schema?.target?.name;
  return typeof name === 'string' ? name : null;
}

/** One line naming a kept dataset: name, rows, target, when it was kept. */
export function keptLabel(record: DatasetRecord): string {
  const target = keptTarget(record);
  return `${record.name} · ${record.rowCount.toLocaleString('en-US')} rows · ${target ? `target ${target}` : 'no target'} · ${formatTime(record.createdAt)}`;
}

interface KeptDatasetsProps {
  lab: Lab;
  /** The dataset shown now (its id is its fingerprint). */
  currentId: string | null;
  /** Changes whenever the page kept or deleted a dataset, to list again. */
  version: number;
  busy: boolean;
  onOpen: (id: string) => void;
  onDelete: (id: string) => void;
}

/** Lists the kept datasets, with Open and Delete (confirmed). */
export function KeptDatasets({ lab, currentId, version, busy, onOpen, onDelete }: KeptDatasetsProps) {
  const [records, setRecords] = useState<DatasetRecord[] | null>(null);
  const [chosen, setChosen] = useState<string>('');
  const [confirming, setConfirming] = useState(false);
  useEffect(() => {
    let live = true;
    const list = (): void => {
      lab.registry.listDatasets().then(
        (all) => live && setRecords(all),
        () => live && setRecords([]),
      );
    };
    list();
    // Training stores datasets too (a sample's, when a run starts): list again when one is stored.
    const unsubscribe = lab.registry.subscribe((change) => {
      if (change.type === 'dataset-stored') list();
    });
    return () => {
      live = false;
      unsubscribe();
    };
  }, [lab, version]);
  useEffect(() => {
    if (!records) return;
    if (!records.some((r) => r.fingerprint === chosen))
      setChosen(
        records.find((r) => r.fingerprint === currentId)?.fingerprint ?? records[0]?.fingerprint ?? '',
      );
  }, [records, currentId]);
  const record = records?.find((r) => r.fingerprint === chosen) ?? null;
  return (
    <div class="source-card" data-testid="kept-datasets">
      <h3>Kept in this browser</h3>
      {records === null ? (
        <p class="muted small">Reading the kept datasets…</p>
      ) : records.length === 0 ? (
        <p class="muted small">
          None yet. A file you load is kept here (in IndexedDB), with its target, for your next visit.
        </p>
      ) : (
        <>
          <div class="toolbar">
            <label for="kept-choice">Dataset</label>
            <select
              id="kept-choice"
              value={chosen}
              disabled={busy}
              data-testid="kept-choice"
              onChange={(e) => setChosen(e.currentTarget.value)}
            >
              {records.map((r) => (
                <option key={r.fingerprint} value={r.fingerprint}>
                  {r.fingerprint === currentId ? '● ' : ''}
                  {keptLabel(r)}
                </option>
              ))}
            </select>
          </div>
          <div class="toolbar">
            <button
              type="button"
              disabled={busy || !record || record.fingerprint === currentId}
              data-testid="kept-open"
              onClick={() => record && onOpen(record.fingerprint)}
            >
              {record && record.fingerprint === currentId ? 'Open (shown now)' : 'Open'}
            </button>
            <button
              type="button"
              class="danger"
              disabled={busy || !record}
              data-testid="kept-delete"
              onClick={() => setConfirming(true)}
            >
              Delete
            </button>
          </div>
        </>
      )}
      <ConfirmDialog
        open={confirming}
        title={`Delete the kept dataset ${record?.name ?? ''}?`}
        confirmLabel="Delete"
        onConfirm={() => {
          setConfirming(false);
          if (record) onDelete(record.fingerprint);
        }}
        onCancel={() => setConfirming(false)}
      >
        <p>
          Its stored table and file are removed from this browser. Runs and registered versions trained on it
          stay, but cannot train again without loading the file.
        </p>
      </ConfirmDialog>
    </div>
  );
}
