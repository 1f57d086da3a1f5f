import type { Lab } from 'edgeflow';
import type { IngestProgress, RowPolicy, SchemaInput, Task } from 'edgeflow/data';
import { DEFAULT_MISSING_VALUES } from 'edgeflow/data';
import { useEffect, useRef, useState } from 'preact/hooks';
import { FeatureHistogram } from '../charts/feature-histogram.tsx';
import { ErrorMessage } from '../error-message.tsx';
import { formatBytes, formatCell, formatDuration } from '../format.ts';
import { datasetSource, datasetState } from '../lab-state.ts';
import { KeptDatasets } from './kept-datasets.tsx';
import { forgetSourceFile, keepSourceFile, keptSourceFile } from './kept-files.ts';
import { QualityReportView } from './quality-report.tsx';
import { SAMPLE_ROWS, SAMPLES, type SampleChoice, sampleFile } from './sample-files.ts';
import { SchemaEditor } from './schema-editor.tsx';

const LAST_SAMPLE_KEY = 'edgeflow-demo:last-sample';
/** The fingerprint of the user's dataset shown last, reopened after a reload (issue 18.8). */
export const LAST_DATASET_KEY = 'edgeflow-demo:last-dataset';

interface LoadRequest {
  file: File;
  target: string | null;
  task?: Task;
  schema?: SchemaInput;
  /** The user's own file (kept across reloads), not a bundled sample. */
  own: boolean;
  /** The kept dataset this load re-reads with another schema (replaced when no run used it). */
  replaces?: string;
  /** Strings read as missing (default: the library's list). */
  missingValues?: readonly string[];
}

/** A load that failed: the error and the file it was for. */
interface FailedLoad {
  error: unknown;
  file: string;
  /** The dataset still loaded from before, when there is one. */
  previous: string | null;
}

/** What a reload brings back: the user's kept dataset, else the sample used last, else nothing. */
function restoreTarget(): { kind: 'kept'; id: string } | { kind: 'sample'; id: SampleChoice['id'] } | null {
  const kept = localStorage.getItem(LAST_DATASET_KEY);
  if (kept) return { kind: 'kept', id: kept };
  const last = localStorage.getItem(LAST_SAMPLE_KEY);
  return last === 'classification' || last === 'regression' ? { kind: 'sample', id: last } : null;
}

/**
 * The data section: a bundled sample or a dropped/picked CSV or JSON file, loaded in a lab worker
 * with progress; then the schema (editable), the quality report, a preview and one histogram per
 * feature from the profile.
 */
export function DataPanel({ lab }: { lab: Lab }) {
  const dataset = datasetState.value;
  const [sample, setSample] = useState<SampleChoice['id']>('classification');
  const [rowPolicy, setRowPolicy] = useState<RowPolicy>('impute');
  const [progress, setProgress] = useState<IngestProgress | null>(null);
  // A reload brings back the last dataset (effect below): the controls start disabled when it will,
  // so a file chosen in the first moments cannot race the restore.
  const [loading, setLoading] = useState(() => !datasetState.value && restoreTarget() !== null);
  // Every load or reopen takes a number; only the newest may set the page's dataset (an older one
  // that finishes later releases what it loaded).
  const generation = useRef(0);
  const [failure, setFailure] = useState<FailedLoad | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [keptVersion, setKeptVersion] = useState(0);
  const [dragging, setDragging] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const [preview, setPreview] = useState<{
    columns: string[];
    rows: ReadonlyArray<Readonly<Record<string, unknown>>>;
  } | null>(null);

  const load = async (request: LoadRequest): Promise<void> => {
    const mine = ++generation.current;
    setLoading(true);
    setFailure(null);
    setNotice(null);
    setProgress(null);
    try {
      const summary = await lab.loadDataset(request.file, {
        name: request.file.name,
        target: request.target,
        rowPolicy,
        ...(request.task ? { task: request.task } : {}),
        ...(request.schema ? { schema: request.schema } : {}),
        ...(request.missingValues ? { missingValues: request.missingValues } : {}),
        onProgress: (p) => mine === generation.current && setProgress(p),
      });
      if (mine !== generation.current) {
        await lab.releaseDataset(summary.id).catch(() => undefined);
        return;
      }
      const previous = datasetState.value;
      datasetSource.value = request.file;
      datasetState.value = summary;
      if (request.own) await keep(summary.id, request.file, request.replaces ?? null);
      else localStorage.removeItem(LAST_DATASET_KEY);
      if (previous && previous.id !== summary.id)
        await lab.releaseDataset(previous.id).catch(() => undefined);
    } catch (e) {
      if (mine !== generation.current) return;
      // Issue 18.10: the dataset from before, still loaded, is labelled as such.
      setFailure({ error: e, file: request.file.name, previous: datasetState.value?.name ?? null });
    } finally {
      // The file input is cleared after every load: the summary names what is loaded, a failed file
      // is not left named there, and choosing the same file again (say, with another row policy)
      // fires a change event again.
      if (mine === generation.current) {
        if (fileInput.current) fileInput.current.value = '';
        setLoading(false);
      }
    }
  };

  /**
   * Keeps the user's dataset across reloads: the lab stores the table by fingerprint, the page its
   * source file (to edit the schema later). A schema edit of the same file replaces the kept copy
   * it came from, unless runs were trained on that one.
   */
  const keep = async (id: string, file: File, replaces: string | null): Promise<void> => {
    try {
      await lab.keepDataset(id);
      await keepSourceFile(id, file);
      localStorage.setItem(LAST_DATASET_KEY, id);
      if (replaces && replaces !== id) {
        const runs = await lab.runs.list({ datasetFingerprint: replaces, limit: 1 });
        if (runs.items.length === 0) await forgetDataset(replaces);
      }
    } catch (e) {
      setNotice(`The dataset is loaded but could not be kept for the next visit: ${errorMessage(e)}`);
    } finally {
      setKeptVersion((v) => v + 1);
    }
  };

  const forgetDataset = async (id: string): Promise<void> => {
    await lab.registry.deleteDataset(id);
    await forgetSourceFile(id).catch(() => undefined);
    if (localStorage.getItem(LAST_DATASET_KEY) === id) localStorage.removeItem(LAST_DATASET_KEY);
  };

  /** Reopens a kept dataset (no file needed: the lab reads it from IndexedDB). */
  const openKept = async (id: string): Promise<void> => {
    const mine = ++generation.current;
    setLoading(true);
    setFailure(null);
    setNotice(null);
    setProgress(null);
    try {
      const summary = await lab.openStoredDataset(id);
      const source = await keptSourceFile(id).catch(() => null);
      if (mine !== generation.current) {
        if (summary.id !== datasetState.value?.id)
          await lab.releaseDataset(summary.id).catch(() => undefined);
        return;
      }
      const previous = datasetState.value;
      datasetSource.value = source;
      datasetState.value = summary;
      localStorage.setItem(LAST_DATASET_KEY, id);
      localStorage.removeItem(LAST_SAMPLE_KEY);
      if (previous && previous.id !== summary.id)
        await lab.releaseDataset(previous.id).catch(() => undefined);
    } catch (e) {
      if (mine !== generation.current) return;
      setFailure({ error: e, file: 'the kept dataset', previous: datasetState.value?.name ?? null });
      if (localStorage.getItem(LAST_DATASET_KEY) === id) localStorage.removeItem(LAST_DATASET_KEY);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  };

  const deleteKept = async (id: string): Promise<void> => {
    setNotice(null);
    try {
      await forgetDataset(id);
      if (datasetState.value?.id === id) {
        await lab.releaseDataset(id).catch(() => undefined);
        datasetState.value = null;
        datasetSource.value = null;
      }
      setNotice('Deleted the kept dataset. Runs trained on it stay in the runs table.');
    } catch (e) {
      setFailure({ error: e, file: 'the kept dataset', previous: datasetState.value?.name ?? null });
    } finally {
      setKeptVersion((v) => v + 1);
    }
  };

  const loadSample = (id: SampleChoice['id']): Promise<void> => {
    const { file, target } = sampleFile(id);
    localStorage.setItem(LAST_SAMPLE_KEY, id);
    return load({ file, target, own: false });
  };

  // After a reload, bring back the user's dataset or the sample used last (runs and versions come
  // back from IndexedDB).
  useEffect(() => {
    if (datasetState.value) return;
    const restore = restoreTarget();
    if (restore?.kind === 'kept') void openKept(restore.id);
    else if (restore?.kind === 'sample') {
      setSample(restore.id);
      void loadSample(restore.id);
    }
  }, [lab]);

  useEffect(() => {
    if (!dataset) return;
    let live = true;
    lab.previewDataset(dataset.id, 8).then(
      (p) => live && setPreview({ columns: [...p.columns], rows: p.rows }),
      () => live && setPreview(null),
    );
    return () => {
      live = false;
    };
  }, [lab, dataset]);

  const loadFile = (file: File | undefined): void => {
    if (!file) return;
    localStorage.removeItem(LAST_SAMPLE_KEY);
    void load({ file, target: null, own: true });
  };
  const fraction =
    progress?.totalBytes && progress.totalBytes > 0
      ? Math.min(1, progress.bytesRead / progress.totalBytes)
      : null;
  const previewColumns = preview?.columns ?? [];

  return (
    <>
      <div class="data-sources">
        <div class="source-card">
          <h3>Bundled sample</h3>
          <div class="toolbar">
            <label for="sample-choice">Sample</label>
            <select
              id="sample-choice"
              value={sample}
              disabled={loading}
              onChange={(e) => setSample(e.currentTarget.value as SampleChoice['id'])}
            >
              {SAMPLES.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.label}
                </option>
              ))}
            </select>
            <button
              type="button"
              class="primary"
              disabled={loading}
              onClick={() => void loadSample(sample)}
              data-testid="load-sample"
            >
              Load sample
            </button>
          </div>
          <p class="muted small">
            {SAMPLE_ROWS} rows, seeded: {SAMPLES.find((s) => s.id === sample)?.description}.
          </p>
        </div>
        <div class="source-card">
          <h3>Your file</h3>
          <label
            class={`drop-zone${dragging ? ' dragging' : ''}`}
            onDragOver={(e) => {
              e.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={(e) => {
              e.preventDefault();
              setDragging(false);
              loadFile(e.dataTransfer?.files[0]);
            }}
          >
            <span>Drop a CSV or JSON file here, or choose one</span>
            <input
              ref={fileInput}
              type="file"
              data-testid="data-file"
              accept=".csv,.tsv,.json,.ndjson,.txt,text/csv,application/json"
              disabled={loading}
              onChange={(e) => loadFile(e.currentTarget.files?.[0])}
            />
          </label>
          <div class="toolbar">
            <label for="row-policy">Rows with unusable values</label>
            <select
              id="row-policy"
              value={rowPolicy}
              disabled={loading}
              onChange={(e) => setRowPolicy(e.currentTarget.value as RowPolicy)}
            >
              <option value="error">stop with an error</option>
              <option value="drop">drop the row</option>
              <option value="impute">mark missing and impute</option>
            </select>
          </div>
        </div>
        <KeptDatasets
          lab={lab}
          currentId={dataset?.id ?? null}
          version={keptVersion}
          busy={loading}
          onOpen={(id) => void openKept(id)}
          onDelete={(id) => void deleteKept(id)}
        />
      </div>
      {loading && (
        <div class="load-progress" role="status" aria-live="polite">
          <progress
            aria-label="Loading progress"
            max={1}
            {...(fraction === null ? {} : { value: fraction })}
          />
          <span>
            {progress
              ? `${progress.phase}: ${progress.rowsRead.toLocaleString('en-US')} rows, ${formatBytes(progress.bytesRead)}${progress.totalBytes ? ` of ${formatBytes(progress.totalBytes)}` : ''}, ${formatDuration(progress.elapsedMs)}`
              : 'Starting…'}
          </span>
        </div>
      )}
      {failure && (
        <>
          <ErrorMessage error={failure.error} lead={`Could not load ${failure.file}:`} testId="data-error" />
          <p class="muted" data-testid="data-stale-note">
            {failure.previous && dataset
              ? `Still loaded: ${failure.previous}, the dataset from before (shown below); ${failure.file} was not loaded.`
              : 'No dataset is loaded.'}
          </p>
        </>
      )}
      {notice && (
        <p role="status" class="muted" data-testid="data-notice">
          {notice}
        </p>
      )}
      {dataset && (
        <div class="dataset" data-testid="dataset-summary">
          {failure && (
            <p class="stale-label" data-testid="dataset-still-loaded">
              Still loaded from before — not {failure.file}
            </p>
          )}
          <p data-testid="dataset-title">
            <strong>{dataset.name}</strong>: {dataset.rowCount.toLocaleString('en-US')} rows,{' '}
            {dataset.schema.columns.length} columns, target{' '}
            <strong>{dataset.schema.target?.name ?? 'none'}</strong>
            {dataset.schema.target && ` (${dataset.schema.target.task})`}, loaded in{' '}
            {formatDuration(dataset.loadMs)}.{' '}
            <span class="muted" title={dataset.fingerprint}>
              fingerprint {dataset.fingerprint.slice(0, 12)}…
            </span>
          </p>
          {dataset.quality.issues
            .filter((issue) => issue.kind === 'ragged_rows')
            .map((issue) => (
              <p key={issue.kind} class="warn" role="status" data-testid="dataset-ragged-lines">
                {issue.message}
              </p>
            ))}
          <div class="two-col">
            <div>
              <h3>Schema</h3>
              <SchemaEditor
                schema={dataset.schema}
                busy={loading}
                onApply={(target, task, schema) => {
                  const file = datasetSource.value;
                  if (file) {
                    const own = localStorage.getItem(LAST_DATASET_KEY) === dataset.id;
                    void load({
                      file,
                      target,
                      schema,
                      own,
                      ...(own ? { replaces: dataset.id } : {}),
                      ...(task ? { task } : {}),
                    });
                  } else {
                    setNotice(
                      'This dataset was reopened without its file; choose the file again to change its schema.',
                    );
                  }
                }}
              />
            </div>
            <div>
              <h3>Quality</h3>
              <QualityReportView
                quality={dataset.quality}
                busy={loading}
                onTreatAsMissing={(values) => {
                  // Issue 18.4: the same file again, with the flagged placeholders read as missing.
                  const file = datasetSource.value;
                  if (!file) {
                    setNotice(
                      'This dataset was reopened without its file; choose the file again to reload it.',
                    );
                    return;
                  }
                  const own = localStorage.getItem(LAST_DATASET_KEY) === dataset.id;
                  void load({
                    file,
                    target: dataset.schema.target?.name ?? null,
                    missingValues: [...DEFAULT_MISSING_VALUES, ...values],
                    own,
                    ...(own ? { replaces: dataset.id } : {}),
                  });
                }}
              />
            </div>
          </div>
          {preview && preview.rows.length > 0 && (
            <>
              <h3>First rows</h3>
              <div class="table-scroll">
                <table aria-label="Preview">
                  <thead>
                    <tr>
                      {previewColumns.map((c) => (
                        <th scope="col" key={c}>
                          {c}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {preview.rows.map((row, i) => (
                      <tr key={i}>
                        {previewColumns.map((c) => (
                          <td key={c}>
                            {row[c] === null || row[c] === undefined ? (
                              <span class="muted">–</span>
                            ) : (
                              formatCell(row[c])
                            )}
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
          <h3>Distributions</h3>
          <div class="histograms">
            {dataset.profile.columns.map((column) => (
              <FeatureHistogram key={column.name} column={column} />
            ))}
          </div>
        </div>
      )}
    </>
  );
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
