// edgeflow's OpenTelemetry instruments, created through `@opentelemetry/api` so that an app with its
// own MeterProvider gets these metrics in its pipeline. Every recording passes the egress
// allow-list; a refusal is returned and reported, never thrown into the app.
import { type Counter, type Gauge, type Histogram, type Meter, metrics, ValueType } from '@opentelemetry/api';
import { EdgeflowError, toEdgeflowError } from '../errors.ts';
import type { AccuracyEvent, DriftReport, MonitorEvent, PredictEvent } from '../schemas/monitor.ts';
import { METRIC, POINT_ATTRIBUTE, RELEASE_EVENTS } from '../schemas/telemetry.ts';
import { EDGEFLOW_SCOPE } from './drop-report.ts';
import { checkEgress, type PointAttributes } from './egress.ts';
import type { TelemetryErrorHandler } from './types.ts';

/** The scope version reported with edgeflow's instruments. */
export const EDGEFLOW_SCOPE_VERSION = '0.1.0';

/** What a recording did: recorded, skipped (telemetry off), or refused with an error. */
export type RecordResult = { ok: true; recorded: boolean } | { ok: false; error: EdgeflowError };

/** A release event of an edge client. */
export type ReleaseEvent = (typeof RELEASE_EVENTS)[number];

/** Attributes a release event or a training run may carry. */
export interface ModelAttributes {
  model?: string;
  version?: number;
  backend?: string;
}

/** Options of the instruments. */
export interface EdgeflowInstrumentsOptions {
  /** The meter to record through (default: `metrics.getMeter('edgeflow')` from the global API). */
  meter?: Meter;
  /** Consulted before every recording: telemetry off means nothing is recorded. Default: always on. */
  isEnabled?: () => boolean;
  /** Where refusals are reported (default: nowhere; they are still returned). */
  onError?: TelemetryErrorHandler;
}

/** edgeflow's instruments, one method per signal. */
export interface EdgeflowInstruments {
  /** Latency per stage (exponential histogram, s), rows, refused rows by code, warm-up. */
  recordPredict(event: PredictEvent): RecordResult;
  /** Per feature and test: statistic and drifted flag; dataset drift share; prediction drift; missing and unseen rates. */
  recordDrift(report: DriftReport): RecordResult;
  /** Field accuracy by metric from delayed labels and the label-free estimate. */
  recordAccuracy(event: AccuracyEvent): RecordResult;
  /** Dispatches any monitor event to the three above. */
  recordMonitorEvent(event: MonitorEvent): RecordResult;
  /** An edge client's release event (`activated`, `rolled-back`…), counted by `edgeflow.event`. */
  recordReleaseEvent(event: ReleaseEvent, attributes?: ModelAttributes): RecordResult;
  /** Training throughput of a lab run, samples/s. */
  recordTrainThroughput(samplesPerSecond: number, attributes?: ModelAttributes): RecordResult;
}

interface PredictAttributeSet {
  base: PointAttributes;
  stage: { pipeline: PointAttributes; model: PointAttributes; total: PointAttributes };
  withBackend: PointAttributes;
}

function modelAttributes(attributes: ModelAttributes): PointAttributes {
  const out: PointAttributes = {};
  if (attributes.model !== undefined) out[POINT_ATTRIBUTE.model] = attributes.model;
  if (attributes.version !== undefined) out[POINT_ATTRIBUTE.modelVersion] = attributes.version;
  if (attributes.backend !== undefined) out[POINT_ATTRIBUTE.backend] = attributes.backend as never;
  return out;
}

/**
 * Creates edgeflow's instruments on a meter.
 *
 * @example
 * const instruments = createEdgeflowInstruments(); // records into the app's global MeterProvider
 * const unsubscribe = instrumentMonitor(predictor, instruments);
 */
export function createEdgeflowInstruments(options: EdgeflowInstrumentsOptions = {}): EdgeflowInstruments {
  const meter = options.meter ?? metrics.getMeter(EDGEFLOW_SCOPE, EDGEFLOW_SCOPE_VERSION);
  const isEnabled = options.isEnabled ?? (() => true);
  const onError = options.onError ?? (() => undefined);
  const int = { valueType: ValueType.INT };
  const predictDuration: Histogram = meter.createHistogram(METRIC.predictDuration, {
    unit: 's',
    description: 'Time of one predict call, by stage',
  });
  const predictRows: Counter = meter.createCounter(METRIC.predictRows, {
    unit: '{row}',
    description: 'Rows predicted',
    ...int,
  });
  const predictErrors: Counter = meter.createCounter(METRIC.predictErrors, {
    unit: '{row}',
    description: 'Rows refused, by error code',
    ...int,
  });
  const warmup: Gauge = meter.createGauge(METRIC.warmupDuration, {
    unit: 's',
    description: 'First predict call',
  });
  const driftStatistic: Gauge = meter.createGauge(METRIC.driftStatistic, {
    unit: '1',
    description: 'Drift statistic per feature and test',
  });
  const driftDetected: Gauge = meter.createGauge(METRIC.driftDetected, {
    unit: '1',
    description: '1 when the feature drifted',
    ...int,
  });
  const driftShare: Gauge = meter.createGauge(METRIC.driftShare, {
    unit: '1',
    description: 'Share of drifted features',
  });
  const predictionDrift: Gauge = meter.createGauge(METRIC.predictionDrift, {
    unit: '1',
    description: 'Drift of the model output',
  });
  const missingRate: Gauge = meter.createGauge(METRIC.missingRate, {
    unit: '1',
    description: 'Share of missing values',
  });
  const unseenRate: Gauge = meter.createGauge(METRIC.unseenRate, {
    unit: '1',
    description: 'Share of unseen categories',
  });
  const fieldAccuracy: Gauge = meter.createGauge(METRIC.fieldAccuracy, {
    unit: '1',
    description: 'Accuracy from delayed labels',
  });
  const estimatedAccuracy: Gauge = meter.createGauge(METRIC.estimatedAccuracy, {
    unit: '1',
    description: 'Accuracy estimated without labels',
  });
  const trainThroughput: Gauge = meter.createGauge(METRIC.trainThroughput, {
    unit: '{sample}/s',
    description: 'Training throughput',
  });
  const releaseEvents: Counter = meter.createCounter(METRIC.releaseEvents, {
    unit: '{event}',
    description: 'Release events',
    ...int,
  });

  // Attribute sets are validated once and reused: recording a prediction then costs what the bare
  // OpenTelemetry calls cost (see bench/telemetry-record.bench.ts).
  const predictSets = new Map<string, PredictAttributeSet>();
  function predictSet(event: PredictEvent): PredictAttributeSet {
    const id = `${event.model}\u0000${event.version}\u0000${event.backend}`;
    let set = predictSets.get(id);
    if (set === undefined) {
      const base = modelAttributes({ model: event.model, version: event.version });
      const stage = (s: 'pipeline' | 'model' | 'total'): PointAttributes => ({
        ...base,
        [POINT_ATTRIBUTE.stage]: s,
      });
      const withBackend = { ...base, [POINT_ATTRIBUTE.backend]: event.backend } as PointAttributes;
      checkEgress(METRIC.predictDuration, stage('total'));
      checkEgress(METRIC.warmupDuration, withBackend);
      set = {
        base,
        stage: { pipeline: stage('pipeline'), model: stage('model'), total: stage('total') },
        withBackend,
      };
      predictSets.set(id, set);
    }
    return set;
  }

  const guard = (work: () => void): RecordResult => {
    if (!isEnabled()) return { ok: true, recorded: false };
    try {
      work();
      return { ok: true, recorded: true };
    } catch (caught) {
      const error = toEdgeflowError(caught);
      onError(error);
      return { ok: false, error };
    }
  };

  const checked = (metric: string, attributes: PointAttributes): PointAttributes => {
    checkEgress(metric, attributes);
    return attributes;
  };

  const instruments: EdgeflowInstruments = {
    recordPredict(event) {
      return guard(() => {
        const set = predictSet(event);
        predictDuration.record(event.seconds.pipeline, set.stage.pipeline);
        predictDuration.record(event.seconds.model, set.stage.model);
        predictDuration.record(event.seconds.total, set.stage.total);
        if (event.rows > 0) predictRows.add(event.rows, set.base);
        for (const code in event.errors) {
          const count = event.errors[code] ?? 0;
          if (count > 0)
            predictErrors.add(
              count,
              checked(METRIC.predictErrors, { ...set.base, [POINT_ATTRIBUTE.errorType]: code }),
            );
        }
        if (event.warmup) warmup.record(event.seconds.total, set.withBackend);
      });
    },
    recordDrift(report) {
      return guard(() => {
        const base = modelAttributes({ model: report.model, version: report.version });
        for (const feature of report.features) {
          const attrs = checked(METRIC.driftStatistic, {
            ...base,
            [POINT_ATTRIBUTE.feature]: feature.name,
            [POINT_ATTRIBUTE.test]: feature.test,
          });
          driftStatistic.record(feature.statistic, attrs);
          driftDetected.record(feature.drifted ? 1 : 0, attrs);
          if (feature.psi !== null && feature.test !== 'psi') {
            driftStatistic.record(feature.psi, { ...attrs, [POINT_ATTRIBUTE.test]: 'psi' });
          }
          const featureOnly = { ...base, [POINT_ATTRIBUTE.feature]: feature.name };
          missingRate.record(feature.missingRate, featureOnly);
          if (feature.unseenRate !== null) unseenRate.record(feature.unseenRate, featureOnly);
        }
        driftShare.record(report.datasetDrift.share, checked(METRIC.driftShare, base));
        if (report.prediction !== null) {
          predictionDrift.record(
            report.prediction.statistic,
            checked(METRIC.predictionDrift, { ...base, [POINT_ATTRIBUTE.test]: report.prediction.test }),
          );
        }
      });
    },
    recordAccuracy(event) {
      return guard(() => {
        const base = modelAttributes({ model: event.model, version: event.version });
        for (const name of Object.keys(event.field)) {
          const value = event.field[name];
          if (value === undefined) continue;
          fieldAccuracy.record(
            value,
            checked(METRIC.fieldAccuracy, { ...base, [POINT_ATTRIBUTE.metric]: name }),
          );
        }
        if (event.estimated !== null)
          estimatedAccuracy.record(event.estimated, checked(METRIC.estimatedAccuracy, base));
      });
    },
    recordMonitorEvent(event) {
      if (event.type === 'predict') return instruments.recordPredict(event);
      if (event.type === 'drift') return instruments.recordDrift(event.report);
      return instruments.recordAccuracy(event);
    },
    recordReleaseEvent(event, attributes = {}) {
      return guard(() => {
        if (!RELEASE_EVENTS.includes(event)) {
          throw new EdgeflowError(
            'EGRESS_REFUSED',
            `Unknown release event "${String(event)}". Use one of: ${RELEASE_EVENTS.join(', ')}.`,
            {
              details: { event },
            },
          );
        }
        releaseEvents.add(
          1,
          checked(METRIC.releaseEvents, { ...modelAttributes(attributes), [POINT_ATTRIBUTE.event]: event }),
        );
      });
    },
    recordTrainThroughput(samplesPerSecond, attributes = {}) {
      return guard(() => {
        if (!Number.isFinite(samplesPerSecond) || samplesPerSecond < 0) {
          throw new EdgeflowError(
            'INVALID_ARGUMENT',
            `Training throughput must be a finite number ≥ 0 (samples/s); got ${String(samplesPerSecond)}.`,
          );
        }
        trainThroughput.record(
          samplesPerSecond,
          checked(METRIC.trainThroughput, modelAttributes(attributes)),
        );
      });
    },
  };
  return instruments;
}

/**
 * Records every event of a monitor event source (a Predictor) through `instruments`.
 * Returns the unsubscribe function.
 *
 * @example
 * const stop = instrumentMonitor(predictor, telemetry.instruments);
 */
export function instrumentMonitor(
  source: { subscribe(listener: (event: MonitorEvent) => void): () => void },
  instruments: EdgeflowInstruments,
): () => void {
  return source.subscribe((event) => {
    instruments.recordMonitorEvent(event);
  });
}
