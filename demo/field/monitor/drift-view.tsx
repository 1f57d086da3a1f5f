import { formatNumber } from '../../format.ts';
import type { DriftAssessment, FeatureDriftRow } from './drift-assessment.ts';

const versionLabel = (version: number | null): string => (version === null ? '–' : `v${version}`);
const percent = (share: number | null): string => (share === null ? '–' : `${Math.round(share * 100)} %`);

function DriftRow({ row, kind }: { row: FeatureDriftRow; kind: 'feature' | 'prediction' }) {
  return (
    <tr
      data-testid="drift-row"
      data-kind={kind}
      data-version={row.version ?? ''}
      data-feature={row.feature}
      data-test={row.test}
      data-drifted={String(row.drifted)}
    >
      <td>{versionLabel(row.version)}</td>
      <td>{kind === 'prediction' ? 'prediction' : row.feature}</td>
      <td>{row.test}</td>
      <td class="num">{formatNumber(row.statistic)}</td>
      <td>{row.threshold.label}</td>
      <td class="num">{percent(row.driftedShare)}</td>
      <td class="num">{row.reports}</td>
      <td class={row.drifted ? 'bad' : 'ok'}>{row.drifted ? 'drifted' : 'no'}</td>
    </tr>
  );
}

/**
 * Per version and feature over the recent buckets: the statistic, the test's threshold, the share of
 * the fleet's reports that flagged drift and the verdict; then the dataset-drift share.
 */
export function DriftTable({
  assessment,
  recentLabel,
}: {
  assessment: DriftAssessment;
  recentLabel: string;
}) {
  return (
    <div class="table-scroll">
      <table class="compact" data-testid="drift-table">
        <caption class="muted small">
          Drift over the {recentLabel}, from the devices' reports (a feature drifted when at least half of the
          reports flagged it)
        </caption>
        <thead>
          <tr>
            <th scope="col">version</th>
            <th scope="col">feature</th>
            <th scope="col">test</th>
            <th scope="col" class="num">
              statistic
            </th>
            <th scope="col">threshold</th>
            <th scope="col" class="num">
              reports flagging
            </th>
            <th scope="col" class="num">
              reports
            </th>
            <th scope="col">drifted</th>
          </tr>
        </thead>
        <tbody>
          {assessment.versions.length === 0 && (
            <tr>
              <td colSpan={8} class="muted">
                No drift report in the {recentLabel}. Devices send one each time their drift window fills.
              </td>
            </tr>
          )}
          {assessment.versions.flatMap((v) => [
            ...v.features.map((row) => (
              <DriftRow key={`${v.version}:f:${row.feature}:${row.test}`} row={row} kind="feature" />
            )),
            ...v.prediction.map((row) => (
              <DriftRow key={`${v.version}:p:${row.feature}:${row.test}`} row={row} kind="prediction" />
            )),
            <tr
              key={`${v.version}:dataset`}
              data-testid="dataset-drift-row"
              data-version={v.version ?? ''}
              data-drifted={String(v.datasetDrifted)}
            >
              <td>{versionLabel(v.version)}</td>
              <th scope="row" colSpan={2}>
                dataset drift (share of features drifted)
              </th>
              <td class="num">{percent(v.datasetShare)}</td>
              <td>≥ {percent(v.datasetThreshold)}</td>
              <td colSpan={2} />
              <td class={v.datasetDrifted ? 'bad' : 'ok'}>{v.datasetDrifted ? 'drifted' : 'no'}</td>
            </tr>,
          ])}
        </tbody>
      </table>
    </div>
  );
}

/** The drift alert: which versions and features crossed their thresholds; nothing when none did. */
export function DriftAlert({
  alerts,
  onMaintain,
}: {
  alerts: DriftAssessment['alerts'];
  onMaintain?: () => void;
}) {
  if (alerts.length === 0) return null;
  return (
    <div role="alert" class="drift-alert" data-testid="drift-alert">
      <strong>Drift alert.</strong>{' '}
      {alerts
        .map(
          (a) =>
            `${versionLabel(a.version)}: ${a.features.length > 0 ? a.features.join(', ') : 'no single feature'} drifted` +
            (a.datasetShare === null ? '' : ` (dataset drift share ${percent(a.datasetShare)})`),
        )
        .join('; ')}
      .{' '}
      {onMaintain && (
        <button type="button" class="link" onClick={onMaintain} data-testid="drift-alert-maintain">
          Retrain on new data (section 8)
        </button>
      )}
    </div>
  );
}
