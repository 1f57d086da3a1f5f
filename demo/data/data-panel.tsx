import type { Lab } from 'edgeflow';
import type { IngestProgress, RowPolicy, SchemaInput, Task } from 'edgeflow/data';
import { useEffect, useState } from 'preact/hooks';
import { FeatureHistogram } from '../charts/feature-histogram.tsx';
import { errorText, formatBytes, formatCell, formatDuration } from '../format.ts';
import { datasetSource, datasetState } from '../lab-state.ts';
import { QualityReportView } from './quality-report.tsx';
import { SAMPLE_ROWS, SAMPLES, type SampleChoice, sampleFile } from './sample-files.ts';
import { SchemaEditor } from './schema-editor.tsx';

const LAST_SAMPLE_KEY = 'edgeflow-demo:last-sample';

interface LoadRequest {
  file: File;
  target: string | null;
  task?: Task;
  schema?: SchemaInput;
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
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const [preview, setPreview] = useState<{
    columns: string[];
    rows: ReadonlyArray<Readonly<Record<string, unknown>>>;
  } | null>(null);

  const load = async (request: LoadRequest): Promise<void> => {
    setLoading(true);
    setError(null);
    setProgress(null);
    const previous = datasetState.value;
    try {
      const summary = await lab.loadDataset(request.file, {
        name: request.file.name,
        target: request.target,
        rowPolicy,
        ...(request.task ? { task: request.task } : {}),
        ...(request.schema ? { schema: request.schema } : {}),
        onProgress: setProgress,
      });
      datasetSource.value = request.file;
      datasetState.value = summary;
      if (previous && previous.id !== summary.id)
        await lab.releaseDataset(previous.id).catch(() => undefined);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setLoading(false);
    }
  };

  const loadSample = (id: SampleChoice['id']): Promise<void> => {
    const { file, target } = sampleFile(id);
    localStorage.setItem(LAST_SAMPLE_KEY, id);
    return load({ file, target });
  };

  // After a reload, bring back the sample used last (runs and versions come back from IndexedDB).
  useEffect(() => {
    const last = localStorage.getItem(LAST_SAMPLE_KEY);
    if (!datasetState.value && (last === 'classification' || last === 'regression')) {
      setSample(last);
      void loadSample(last);
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
    void load({ file, target: null });
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
              type="file"
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
      {error && (
        <p role="alert" class="bad" data-testid="data-error">
          {error}
        </p>
      )}
      {dataset && (
        <div class="dataset" data-testid="dataset-summary">
          <p>
            <strong>{dataset.name}</strong>: {dataset.rowCount.toLocaleString('en-US')} rows,{' '}
            {dataset.schema.columns.length} columns, target{' '}
            <strong>{dataset.schema.target?.name ?? 'none'}</strong>
            {dataset.schema.target && ` (${dataset.schema.target.task})`}, loaded in{' '}
            {formatDuration(dataset.loadMs)}.{' '}
            <span class="muted" title={dataset.fingerprint}>
              fingerprint {dataset.fingerprint.slice(0, 12)}…
            </span>
          </p>
          <div class="two-col">
            <div>
              <h3>Schema</h3>
              <SchemaEditor
                schema={dataset.schema}
                busy={loading}
                onApply={(target, task, schema) => {
                  const file = datasetSource.value;
                  if (file) void load({ file, target, schema, ...(task ? { task } : {}) });
                }}
              />
            </div>
            <div>
              <h3>Quality</h3>
              <QualityReportView quality={dataset.quality} />
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
