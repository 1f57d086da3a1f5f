import type { Lab, Prediction } from 'edgeflow';
import { tokenizeCsv } from 'edgeflow/data';
import type { ModelDraft, ModelVersion } from 'edgeflow/registry';
import { useEffect, useState } from 'preact/hooks';
import { errorText, formatCell, formatNumber } from '../format.ts';
import { datasetState, runName, storedRunsState } from '../lab-state.ts';

/** At most this many uploaded rows are predicted at once (the table shows the first 50). */
const MAX_ROWS = 1000;
const SHOWN_ROWS = 50;

/** One input column of a version, from its signature. */
export interface InputColumn {
  name: string;
  type: string;
}

/** The input columns a version expects, from its signature (empty when it has none). */
export function inputColumns(version: Pick<ModelVersion, 'signature'>): InputColumn[] {
  const signature = version.signature as { columns?: unknown } | null;
  if (!signature || !Array.isArray(signature.columns)) return [];
  return signature.columns.flatMap((c) => {
    const column = c as { name?: unknown; type?: unknown };
    return typeof column.name === 'string'
      ? [{ name: column.name, type: String(column.type ?? 'text') }]
      : [];
  });
}

/** A typed or uploaded cell as the model reads it: numbers for numeric columns, null for empty. */
export function cellFor(column: InputColumn, text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (column.type === 'numeric' || column.type === 'integer') {
    const value = Number(trimmed);
    return Number.isFinite(value) ? value : trimmed;
  }
  if (column.type === 'boolean') {
    if (/^(true|yes|1)$/i.test(trimmed)) return true;
    if (/^(false|no|0)$/i.test(trimmed)) return false;
  }
  return trimmed;
}

/**
 * Rows of an uploaded CSV (comma, semicolon or tab separated, header first) as the model's input
 * columns; a missing column is an error naming it and the columns the model needs.
 */
export function rowsFromCsv(text: string, columns: readonly InputColumn[]): Array<Record<string, unknown>> {
  const firstLine = text.slice(0, text.indexOf('\n') >>> 0);
  const delimiter = [',', ';', '\t'].reduce((best, d) =>
    firstLine.split(d).length > firstLine.split(best).length ? d : best,
  );
  const { records, problem } = tokenizeCsv(text, { delimiter, final: true, maxRecords: MAX_ROWS + 1 });
  if (problem) {
    throw new Error(
      `The file has a broken quote on line ${problem.line}: close the quote, then upload it again.`,
    );
  }
  const [header, ...body] = records;
  if (!header) throw new Error('The file is empty: upload a CSV with a header row and at least one row.');
  const names = header.fields.map((f) => f.trim());
  const missing = columns.filter((c) => !names.includes(c.name)).map((c) => c.name);
  if (missing.length > 0) {
    throw new Error(
      `The file lacks the column${missing.length === 1 ? '' : 's'} ${missing.map((m) => `"${m}"`).join(', ')} the model needs (it reads ${columns.map((c) => c.name).join(', ')}).`,
    );
  }
  return body
    .filter((r) => r.fields.some((f) => f.trim() !== ''))
    .map((record) => {
      const row: Record<string, unknown> = {};
      for (const column of columns)
        row[column.name] = cellFor(column, record.fields[names.indexOf(column.name)] ?? '');
      return row;
    });
}

function PredictionCells({ prediction, classes }: { prediction: Prediction; classes: readonly string[] }) {
  if ('value' in prediction) {
    return (
      <td class="num" data-testid="prediction-value">
        {formatNumber(prediction.value)}
      </td>
    );
  }
  return (
    <>
      <td data-testid="prediction-label">
        <strong>{prediction.label}</strong>
      </td>
      {classes.map((c) => (
        <td key={c} class="num" data-testid={`probability-${c}`}>
          {formatNumber(prediction.probabilities[c] ?? 0, 3)}
        </td>
      ))}
    </>
  );
}

/** The "Model" choice's value for a finished run's draft (model names cannot contain a colon). */
const RUN_CHOICE = 'run:';

/** What the panel runs: a registered version, or a finished run's draft (issue 18, point 12). */
type Subject =
  | { kind: 'version'; version: ModelVersion; title: string }
  | { kind: 'run'; draft: ModelDraft; title: string };

/**
 * "Try the model": a registered version (or a finished run not registered yet, from its draft)
 * applied to a row typed into a form built from the model's input columns, or to an uploaded CSV;
 * predictions with each class's probability (classification) or the predicted value (regression),
 * computed in a lab worker.
 */
export function TryPanel({ lab }: { lab: Lab }) {
  const dataset = datasetState.value;
  const [models, setModels] = useState<string[]>([]);
  const [model, setModel] = useState('');
  const [versions, setVersions] = useState<ModelVersion[]>([]);
  const [drafts, setDrafts] = useState<ModelDraft[]>([]);
  const [versionNumber, setVersionNumber] = useState<number | null>(null);
  const [values, setValues] = useState<Record<string, string>>({});
  const [rows, setRows] = useState<Array<Record<string, unknown>>>([]);
  const [predictions, setPredictions] = useState<Prediction[] | null>(null);
  const [predictedBy, setPredictedBy] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(
    () =>
      lab.registry.subscribe((change) => {
        if (
          change.type === 'version-registered' ||
          change.type === 'versions-deleted' ||
          change.type === 'drafts-changed'
        )
          setTick((t) => t + 1);
      }),
    [lab],
  );
  useEffect(() => {
    let live = true;
    Promise.all([lab.registry.listModels(), lab.registry.listDrafts()]).then(
      ([list, kept]) => {
        if (!live) return;
        const names = list.map((m) => m.name).sort();
        const newestFirst = [...kept].sort((a, b) => b.createdAt - a.createdAt);
        setModels(names);
        setDrafts(newestFirst);
        const choices = [...names, ...newestFirst.map((d) => `${RUN_CHOICE}${d.runId}`)];
        if (!choices.includes(model)) setModel(choices[0] ?? '');
      },
      (e: unknown) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [lab, tick]);
  useEffect(() => {
    if (!model || model.startsWith(RUN_CHOICE)) return;
    let live = true;
    lab.registry.listVersions(model, { limit: 1000 }).then(
      (page) => live && setVersions(page.items),
      (e: unknown) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [lab, model, tick]);

  const storedRuns = storedRunsState.value;
  const draftTitle = (runId: string): string => {
    const stored = storedRuns.find((r) => r.id === runId);
    return `run ${stored ? runName(stored) : runId.slice(0, 8)} (not registered)`;
  };
  const draft = model.startsWith(RUN_CHOICE)
    ? drafts.find((d) => d.runId === model.slice(RUN_CHOICE.length))
    : undefined;
  const version = draft ? undefined : (versions.find((v) => v.version === versionNumber) ?? versions[0]);
  const subject: Subject | null = draft
    ? { kind: 'run', draft, title: draftTitle(draft.runId) }
    : version
      ? { kind: 'version', version, title: `${version.model} v${version.version}` }
      : null;
  const fields = subject?.kind === 'run' ? subject.draft.version : subject?.version;
  const columns = fields ? inputColumns(fields) : [];
  const target = (fields?.signature as { target?: { classes?: unknown; name?: unknown } } | null)?.target;
  const classes =
    predictions
      ?.flatMap((p) => ('probabilities' in p ? Object.keys(p.probabilities) : []))
      .filter((c, i, all) => all.indexOf(c) === i) ??
    (Array.isArray(target?.classes) ? target.classes.map(String) : []);

  const run = async (input: Array<Record<string, unknown>>): Promise<void> => {
    if (!subject) return;
    setBusy(true);
    setError(null);
    setPredictions(null);
    setRows(input);
    try {
      setPredictions(
        subject.kind === 'run'
          ? await lab.predictRun(subject.draft.runId, input)
          : await lab.predict(subject.version.model, subject.version.version, input),
      );
      setPredictedBy(subject.title);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const fillFromDataset = async (): Promise<void> => {
    if (!dataset) return;
    try {
      const preview = await lab.previewDataset(dataset.id, 1);
      const first = preview.rows[0] ?? {};
      setValues(
        Object.fromEntries(
          columns.map((c) => [c.name, first[c.name] == null ? '' : formatCell(first[c.name])]),
        ),
      );
    } catch (e) {
      setError(errorText(e));
    }
  };
  const upload = async (file: File): Promise<void> => {
    setError(null);
    try {
      const input = rowsFromCsv(await file.text(), columns);
      if (input.length === 0)
        throw new Error(`${file.name} has a header but no rows: add rows, then upload it again.`);
      await run(input.slice(0, MAX_ROWS));
    } catch (e) {
      setError(errorText(e));
    }
  };

  if (models.length === 0 && drafts.length === 0) {
    return (
      <p class="muted" data-testid="try-empty">
        No trained model yet: train a candidate (a finished run can be tried before it is registered), then
        try it here.
      </p>
    );
  }
  return (
    <div class="try-panel" data-testid="try-panel">
      <div class="toolbar">
        <label for="try-model">Model</label>
        <select
          id="try-model"
          value={model}
          onChange={(e) => setModel(e.currentTarget.value)}
          data-testid="try-model"
        >
          {models.length > 0 && (
            <optgroup label="Registered models">
              {models.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </optgroup>
          )}
          {drafts.length > 0 && (
            <optgroup label="Finished runs, not registered">
              {drafts.map((d) => (
                <option key={d.runId} value={`${RUN_CHOICE}${d.runId}`}>
                  {draftTitle(d.runId)}
                </option>
              ))}
            </optgroup>
          )}
        </select>
        {subject?.kind !== 'run' && (
          <>
            <label for="try-version">Version</label>
            <select
              id="try-version"
              value={version ? String(version.version) : ''}
              onChange={(e) => setVersionNumber(Number(e.currentTarget.value))}
              data-testid="try-version"
            >
              {versions.map((v) => (
                <option key={v.version} value={v.version}>
                  v{v.version}
                </option>
              ))}
            </select>
          </>
        )}
      </div>
      {subject?.kind === 'run' && (
        <p class="muted small" data-testid="try-draft-note">
          A finished run's model, kept as a draft in this browser until it is registered or pruned; register
          it in Compare &amp; promote to publish or promote it.
        </p>
      )}
      {subject && columns.length === 0 && (
        <p class="muted">{subject.title} has no input signature, so no form can be built for it.</p>
      )}
      {subject && fields && columns.length > 0 && (
        <>
          <form
            class="try-form"
            aria-label={`Input row for ${subject.title}`}
            onSubmit={(e) => {
              e.preventDefault();
              void run([Object.fromEntries(columns.map((c) => [c.name, cellFor(c, values[c.name] ?? '')]))]);
            }}
          >
            <div class="try-fields">
              {columns.map((c) => (
                <label key={c.name} class="try-field">
                  <span>
                    {c.name} <span class="muted small">({c.type})</span>
                  </span>
                  <input
                    type="text"
                    inputMode={c.type === 'numeric' || c.type === 'integer' ? 'decimal' : 'text'}
                    value={values[c.name] ?? ''}
                    onInput={(e) => setValues({ ...values, [c.name]: e.currentTarget.value })}
                    data-testid={`try-input-${c.name}`}
                  />
                </label>
              ))}
            </div>
            <div class="toolbar">
              <button type="submit" class="primary" disabled={busy} data-testid="try-predict">
                {busy ? 'Predicting…' : 'Predict this row'}
              </button>
              {dataset && dataset.fingerprint === fields.datasetFingerprint && (
                <button type="button" onClick={() => void fillFromDataset()} data-testid="try-fill">
                  Fill with row 1 of {dataset.name}
                </button>
              )}
              <label for="try-file">or predict a CSV file</label>
              <input
                id="try-file"
                type="file"
                accept=".csv,.tsv,.txt,text/csv"
                onChange={(e) => {
                  const file = e.currentTarget.files?.[0];
                  if (file) void upload(file);
                }}
                data-testid="try-file"
              />
            </div>
          </form>
          <p class="muted small">
            Empty fields count as missing (the pipeline imputes them as in training). Up to {MAX_ROWS} rows of
            a file are predicted.
          </p>
        </>
      )}
      {error && (
        <p role="alert" class="bad" data-testid="try-error">
          {error}
        </p>
      )}
      {busy && <p role="status">Predicting in a lab worker…</p>}
      {predictions && (
        <div class="table-scroll">
          <table aria-label="Predictions" data-testid="try-predictions">
            <caption class="muted small">
              {predictions.length} prediction{predictions.length === 1 ? '' : 's'} by {predictedBy}
              {predictions.length > SHOWN_ROWS ? ` (first ${SHOWN_ROWS} shown)` : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">row</th>
                {predictions[0] && 'value' in predictions[0] ? (
                  <th scope="col" class="num">
                    predicted {String(target?.name ?? 'value')}
                  </th>
                ) : (
                  <>
                    <th scope="col">predicted class</th>
                    {classes.map((c) => (
                      <th scope="col" class="num" key={c}>
                        P({c})
                      </th>
                    ))}
                  </>
                )}
              </tr>
            </thead>
            <tbody>
              {predictions.slice(0, SHOWN_ROWS).map((p, i) => (
                <tr key={i} title={JSON.stringify(rows[i] ?? {})} data-testid="try-prediction-row">
                  <th scope="row">{i + 1}</th>
                  <PredictionCells prediction={p} classes={classes} />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
