import type { Lineage, ModelVersion } from 'edgeflow/registry';
import { formatBytes, formatNumber, formatTime } from '../format.ts';

/** A version's metrics (numbers only) and its lineage: run → dataset fingerprint → pipeline. */
export function VersionDetail({ version, lineage }: { version: ModelVersion; lineage: Lineage | null }) {
  const metrics = Object.entries(version.metrics).filter(
    (entry): entry is [string, number] => typeof entry[1] === 'number',
  );
  const pipeline = lineage?.pipeline as { featureNames?: unknown; columns?: unknown } | null | undefined;
  const features = Array.isArray(pipeline?.featureNames) ? pipeline.featureNames.length : null;
  const steps = Array.isArray(pipeline?.columns) ? pipeline.columns.length : null;
  return (
    <div class="version-detail" data-testid="version-detail">
      <h4>
        {version.model} v{version.version}
      </h4>
      <p class="muted">
        created {formatTime(version.createdAt)} · {version.source.kind}
        {version.source.from ? ` from ${version.source.from}` : ''} · weights{' '}
        {formatBytes(version.weights.bytes)} in {version.weights.chunks.length} chunk
        {version.weights.chunks.length === 1 ? '' : 's'}
      </p>
      {version.description && <p>{version.description}</p>}
      <h5>Lineage</h5>
      <ol class="lineage" aria-label="Lineage">
        <li>
          run <code title={version.runId ?? ''}>{version.runId ? version.runId.slice(0, 8) : 'none'}</code>
          {lineage?.run && (
            <span class="muted">
              {' '}
              ({lineage.run.status}, {lineage.run.backend ?? '?'}, {lineage.run.history.length} epochs)
            </span>
          )}
        </li>
        <li>
          dataset{' '}
          <code title={version.datasetFingerprint ?? ''}>
            {version.datasetFingerprint ? `${version.datasetFingerprint.slice(0, 12)}…` : 'none'}
          </code>
          {lineage?.dataset && (
            <span class="muted">
              {' '}
              ({lineage.dataset.name}, {lineage.dataset.rowCount} rows)
            </span>
          )}
        </li>
        <li>
          pipeline{' '}
          {pipeline ? (
            <span class="muted">
              {steps ?? '?'} input columns → {features ?? '?'} features
            </span>
          ) : (
            <span class="muted">none</span>
          )}
        </li>
      </ol>
      <h5>Metrics</h5>
      {metrics.length === 0 ? (
        <p class="muted">none stored</p>
      ) : (
        <>
          <MetricTable
            label={`Metrics of v${version.version}`}
            rows={metrics.filter(([name]) => !name.includes(':'))}
          />
          {metrics.some(([name]) => name.includes(':')) && (
            <details>
              <summary>Per-class metrics</summary>
              <MetricTable
                label={`Per-class metrics of v${version.version}`}
                rows={metrics.filter(([name]) => name.includes(':'))}
              />
            </details>
          )}
        </>
      )}
    </div>
  );
}

function MetricTable({ label, rows }: { label: string; rows: Array<[string, number]> }) {
  return (
    <table aria-label={label} class="compact">
      <tbody>
        {rows.map(([name, value]) => (
          <tr key={name}>
            <th scope="row">{name}</th>
            <td class="num">{formatNumber(value)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
