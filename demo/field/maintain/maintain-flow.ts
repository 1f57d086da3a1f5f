// The maintain loop behind section 8, one step per button: new data (the dataset with the fleet's
// drift, or a file) → `lab.retrain` a challenger and gate it against the champion on that data →
// `lab.promote` through the gate → publish to 10 % of the channel → raise it to 100 %. Each step
// reports progress in `maintainState`, keeps what it produced for the next step, and leaves a clear
// error (with the EdgeflowError code) when it fails.
import { signal } from '@preact/signals';
import type { Lab, PromotionResult, RetrainResult } from 'edgeflow';
import type { DatasetSummary } from 'edgeflow/data';
import { EdgeflowError } from 'edgeflow/errors';
import type { GateThresholds } from 'edgeflow/schemas';
import { errorText, formatNumber } from '../../format.ts';
import { datasetSource, datasetState } from '../../lab-state.ts';
import { checkForUpdates, driftState } from '../edge-sim/clients.ts';
import { poolStats } from '../edge-sim/row-drift.ts';
import { type PublishedRelease, publishFromPage, setChannelRollout } from '../publish/publish.ts';
import { driftDatasetCsv } from './drifted-dataset.ts';

/** A step of the loop. */
export type MaintainStep = 'retrain' | 'promote' | 'publish-10' | 'publish-100';

/** The new data a challenger was trained on. */
export interface NewData {
  summary: DatasetSummary;
  /** How it was made, for the status line. */
  description: string;
}

/** Where the loop stands. */
export interface MaintainState {
  /** The step running now (null: idle). */
  busy: MaintainStep | null;
  /** What the running step does now, or what the last one did. */
  message: string | null;
  /** Training progress of the challenger, 0–1 (null outside training). */
  progress: number | null;
  error: string | null;
  model: string | null;
  channel: string;
  thresholds: GateThresholds | null;
  newData: NewData | null;
  retrain: RetrainResult | null;
  promotion: PromotionResult | null;
  partial: PublishedRelease | null;
  full: PublishedRelease | null;
}

const INITIAL: MaintainState = {
  busy: null,
  message: null,
  progress: null,
  error: null,
  model: null,
  channel: 'stable',
  thresholds: null,
  newData: null,
  retrain: null,
  promotion: null,
  partial: null,
  full: null,
};

/** The loop's state. */
export const maintainState = signal<MaintainState>(INITIAL);

function patch(next: Partial<MaintainState>): void {
  maintainState.value = { ...maintainState.value, ...next };
}

async function runStep<T>(step: MaintainStep, work: () => Promise<T>): Promise<T | null> {
  if (maintainState.value.busy !== null) return null;
  patch({ busy: step, error: null, progress: null });
  try {
    return await work();
  } catch (error) {
    patch({ error: errorText(error) });
    return null;
  } finally {
    patch({ busy: null, progress: null });
  }
}

/**
 * The gate of the loop: the challenger must be at least as good as the champion on the new data's
 * test rows (MLflow's `minRelativeChange` of 0), and over `floor` when one is given.
 */
export function maintainThresholds(metric: string, floor: number | null): GateThresholds {
  return { [metric]: { minRelativeChange: 0, ...(floor === null ? {} : { threshold: floor }) } };
}

async function newDataFromDrift(lab: Lab, onProgress: (message: string) => void): Promise<NewData> {
  const dataset = datasetState.value;
  const file = datasetSource.value;
  if (!dataset) {
    throw new EdgeflowError(
      'DATASET_NOT_FOUND',
      'Load the dataset the champion was trained on in section 1 first: the new data is made from its rows.',
    );
  }
  if (!file || !/\.csv$/i.test(file.name)) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      'The loaded dataset did not come from a CSV file, so its rows cannot be drifted here. Pick a file of new data instead.',
    );
  }
  const drift = driftState.value;
  if (!drift || drift.share === 0 || Object.keys(drift.features).length === 0) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      'No drift is applied to the clients (section 6), so the dataset with their drift would be the old data. Apply drift there, or pick a file of new data.',
    );
  }
  const target = dataset.schema.target?.name ?? null;
  onProgress('Reading the clients’ row pool to measure the shift as they do…');
  // The clients draw from the first 100 rows and shift numeric features in units of that pool's SD.
  const preview = await lab.previewDataset(dataset.id, 100);
  const pool = preview.rows.map((row) =>
    Object.fromEntries(Object.entries(row).filter(([name]) => name !== target)),
  );
  const numericColumns = new Set(
    dataset.schema.columns.filter((c) => c.type === 'numeric' || c.type === 'integer').map((c) => c.name),
  );
  onProgress('Applying the fleet’s drift to the dataset’s rows…');
  const drifted = driftDatasetCsv({
    csv: await file.text(),
    numericColumns,
    target,
    drift,
    stats: poolStats(pool),
    seed: 20_260_101,
  });
  const name = file.name.replace(/\.csv$/i, '-drifted.csv');
  onProgress(`Loading ${drifted.rows} rows (${drifted.driftedRows} drifted) into a lab worker…`);
  const summary = await lab.loadDataset(
    { text: drifted.csv, name },
    {
      name,
      target,
      rowPolicy: 'impute',
      ...(dataset.schema.target ? { task: dataset.schema.target.task } : {}),
    },
  );
  const features = Object.keys(drift.features).join(', ');
  return {
    summary,
    description: `${name}: ${summary.rowCount} rows, ${drifted.driftedRows} with the clients’ drift on ${features} (${Math.round(drift.share * 100)} % of rows, as of the fleet)`,
  };
}

/**
 * Step 1: loads new data (the dataset with the fleet's drift, or `file`) and retrains a challenger
 * with the champion's spec on it; the gate compares both on the new data's test rows. Moves no alias.
 */
export async function retrainOnNewData(
  lab: Lab,
  input: { model: string; channel: string; metric: string; floor: number | null; file?: File | null },
): Promise<RetrainResult | null> {
  return runStep('retrain', async () => {
    const say = (message: string): void => patch({ message });
    const thresholds = maintainThresholds(input.metric, input.floor);
    patch({
      model: input.model,
      channel: input.channel,
      thresholds,
      newData: null,
      retrain: null,
      promotion: null,
      partial: null,
      full: null,
    });
    say(`Finding the champion of ${input.model}…`);
    const champion = await lab.registry.getVersion(input.model, 'champion').catch((cause: unknown) => {
      throw new EdgeflowError(
        'MODEL_NOT_FOUND',
        `"${input.model}" has no champion in this browser's registry; promote a version in section 3 first.`,
        { cause },
      );
    });
    if (!champion.runId) {
      throw new EdgeflowError(
        'RUN_NOT_FOUND',
        `v${champion.version} of "${input.model}" has no training run (imported?), so there is no spec to retrain with.`,
      );
    }
    let newData: NewData;
    if (input.file) {
      const target = datasetState.value?.schema.target?.name ?? null;
      say(`Loading ${input.file.name} into a lab worker…`);
      const summary = await lab.loadDataset(input.file, {
        name: input.file.name,
        target,
        rowPolicy: 'impute',
      });
      newData = { summary, description: `${input.file.name}: ${summary.rowCount} rows` };
    } else {
      newData = await newDataFromDrift(lab, say);
    }
    patch({ newData });
    say(`Training a challenger with v${champion.version}'s spec on the new data…`);
    const result = await lab.retrain(champion.runId, newData.summary.id, {
      model: input.model,
      thresholds,
      tags: ['drift'],
      onProgress: (p) => {
        const epochs = p.epochs ?? 0;
        const fraction = p.phase === 'training' && epochs > 0 ? Math.min(1, (p.epoch ?? 0) / epochs) : null;
        patch({
          progress: fraction,
          message:
            p.phase === 'training'
              ? `Training the challenger: epoch ${p.epoch ?? 0} of ${epochs}${p.runtime ? ` on ${p.runtime.backend}` : ''}…`
              : p.phase === 'evaluating'
                ? 'Scoring the challenger and the champion on the new data’s test rows…'
                : `Challenger: ${p.phase}…`,
        });
      },
    });
    const gateMetric = result.gate.metrics[0];
    patch({
      retrain: result,
      message: `Challenger v${result.version.version} registered. Gate on ${result.rows} new test rows: ${result.gate.passed ? 'passed' : 'refused'}${
        gateMetric
          ? ` (${gateMetric.metric} ${formatNumber(gateMetric.candidate)} vs champion ${formatNumber(gateMetric.baseline)})`
          : ''
      }.`,
    });
    return result;
  });
}

/** Step 2: promotes the challenger to champion through the gate (the alias moves only when it passes). */
export async function promoteChallenger(lab: Lab): Promise<PromotionResult | null> {
  const state = maintainState.value;
  const retrain = state.retrain;
  if (!retrain || !state.thresholds || !state.model) return null;
  return runStep('promote', async () => {
    patch({ message: `Promoting v${retrain.version.version} through the gate…` });
    const result = await lab.promote(state.model as string, retrain.version.version, {
      thresholds: state.thresholds as GateThresholds,
      reason: 'drift alert: retrained on new data',
    });
    patch({
      promotion: result,
      message: result.passed
        ? `v${retrain.version.version} is the champion now (was v${result.previous ?? '–'}).`
        : `The gate refused v${retrain.version.version}: ${result.gate.failures.join(' ')}`,
    });
    return result;
  });
}

async function nudgeClients(): Promise<string> {
  const errors = await checkForUpdates().catch(() => []);
  return errors.length === 0
    ? ''
    : ` ${errors.length} client(s) could not check: ${errors[0]?.message ?? ''}`;
}

/** Step 3: publishes the new champion to 10 % of the channel, then asks the clients to check now. */
export async function publishPartial(lab: Lab): Promise<PublishedRelease | null> {
  const state = maintainState.value;
  const version = state.promotion?.passed ? state.retrain?.version.version : undefined;
  if (version === undefined || !state.model) return null;
  return runStep('publish-10', async () => {
    const release = await publishFromPage(lab, {
      model: state.model as string,
      version,
      channel: state.channel,
      rolloutPercent: 10,
      onProgress: (message) => patch({ message }),
    });
    patch({ partial: release, message: 'Asking the clients to check their channel now…' });
    const note = await nudgeClients();
    patch({
      message: `Release ${release.release} (v${version}) is on "${state.channel}" for 10 % of devices.${note}`,
    });
    return release;
  });
}

/** Step 4: raises the channel to 100 % of devices for the same release, then asks the clients to check. */
export async function publishFull(lab: Lab): Promise<PublishedRelease | null> {
  const state = maintainState.value;
  const partial = state.partial;
  if (!partial || !state.model) return null;
  return runStep('publish-100', async () => {
    const release = await setChannelRollout(lab, {
      model: state.model as string,
      channel: state.channel,
      release: partial.release,
      rolloutPercent: 100,
      onProgress: (message) => patch({ message }),
    });
    patch({ full: release, message: 'Asking the clients to check their channel now…' });
    const note = await nudgeClients();
    patch({
      message: `Release ${release.release} (v${release.version}) is on "${state.channel}" for every device.${note}`,
    });
    return release;
  });
}
