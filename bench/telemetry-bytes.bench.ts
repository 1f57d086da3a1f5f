// telemetry-bytes: bytes one device sends per hour at the default settings (60 s interval, delta
// temporality, exponential latency histograms, gzip) for a 20-feature model predicting once a second
// with a drift window of 1000 rows. Baseline: the same recordings exported the stock OpenTelemetry
// way (cumulative temporality, explicit-bucket histograms, @opentelemetry/otlp-transformer JSON),
// gzipped the same. Goal (issue 12): ≤ 100 KB compressed per hour.

import { JsonMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import type { DriftReport, FeatureDrift, PredictEvent } from '../src/schemas/monitor.ts';
import { METRIC } from '../src/schemas/telemetry.ts';
import {
  createEdgeflowInstruments,
  createMemoryOutbox,
  createOutboxExporter,
  EXPONENTIAL_HISTOGRAM,
  gzipText,
} from '../src/telemetry/index.ts';
import { type BenchMeasurement, defineBench } from './harness.ts';

const FEATURES = 20;
const WINDOW_ROWS = 1000;
const resource = {
  'service.name': 'edgeflow',
  'service.instance.id': '7f1c2a9e-3b4d-4e5f-8a6b-1c2d3e4f5a6b',
  'edgeflow.model': 'churn',
  'edgeflow.model.version': '3',
  'edgeflow.device.class': 'gpu=intel;mem=8;os=windows',
  'os.type': 'windows',
  'telemetry.sdk.name': 'edgeflow',
  'telemetry.sdk.language': 'webjs',
  'telemetry.sdk.version': '0.1.0',
};

function driftReport(window: number): DriftReport {
  const features: FeatureDrift[] = Array.from({ length: FEATURES }, (_, f) => ({
    name: `feature_${f}`,
    kind: f % 4 === 0 ? 'categorical' : 'numeric',
    test: f % 4 === 0 ? 'chi2' : 'ks',
    statistic: 0.01 * ((f * 7 + window) % 13),
    pValue: 0.3,
    threshold: 0.05,
    drifted: (f + window) % 9 === 0,
    psi: 0.02 * ((f + window) % 5),
    psiLevel: 'ok',
    count: WINDOW_ROWS,
    missingRate: 0.01,
    referenceMissingRate: 0.01,
    unseenRate: f % 4 === 0 ? 0.001 : null,
  }));
  return {
    model: 'churn',
    version: 3,
    window: { start: 0, end: 1, rows: WINDOW_ROWS },
    referenceRows: 5000,
    features,
    datasetDrift: { share: 0.1, threshold: 0.5, drifted: false },
    prediction: { ...(features[1] as FeatureDrift), name: 'prediction' },
  };
}

/** Simulates `seconds` of a device and returns the gzip bytes sent, ours and stock. */
async function simulate(
  seconds: number,
  intervalS: number,
): Promise<{ ours: number; stock: number; oursRaw: number; batches: number }> {
  const outbox = createMemoryOutbox({ maxBatches: 100_000, maxBytes: 1e12 });
  const ourReader = new PeriodicExportingMetricReader({
    exporter: createOutboxExporter({ outbox }),
    exportIntervalMillis: 3_600_000,
  });
  const ourProvider = new MeterProvider({
    resource: resourceFromAttributes(resource),
    readers: [ourReader],
    views: [{ instrumentName: METRIC.predictDuration, aggregation: EXPONENTIAL_HISTOGRAM }],
  });
  const stockExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const stockReader = new PeriodicExportingMetricReader({
    exporter: stockExporter,
    exportIntervalMillis: 3_600_000,
  });
  const stockProvider = new MeterProvider({
    resource: resourceFromAttributes(resource),
    readers: [stockReader],
  });
  const ours = createEdgeflowInstruments({ meter: ourProvider.getMeter('edgeflow', '0.1.0') });
  const stock = createEdgeflowInstruments({ meter: stockProvider.getMeter('edgeflow', '0.1.0') });
  let stockBytes = 0;
  for (let t = 1; t <= seconds; t++) {
    const total = 0.002 + ((t * 7919) % 100) / 100_000;
    const event: PredictEvent = {
      type: 'predict',
      model: 'churn',
      version: 3,
      backend: 'wasm',
      rows: 1,
      errors: t % 97 === 0 ? { MISSING_VALUE: 1 } : {},
      seconds: { pipeline: total / 5, model: (total * 4) / 5, total },
      warmup: t === 1,
    };
    ours.recordPredict(event);
    stock.recordPredict(event);
    if (t % WINDOW_ROWS === 0) {
      ours.recordDrift(driftReport(t / WINDOW_ROWS));
      stock.recordDrift(driftReport(t / WINDOW_ROWS));
    }
    if (t % intervalS === 0) {
      await ourReader.forceFlush();
      await stockReader.forceFlush();
      for (const collected of stockExporter.getMetrics()) {
        const body = new TextDecoder().decode(JsonMetricsSerializer.serializeRequest(collected));
        stockBytes += (await gzipText(body))?.byteLength ?? 0;
      }
      stockExporter.reset();
    }
  }
  let oursBytes = 0;
  let oursRaw = 0;
  const batches = await outbox.peek(1_000_000);
  for (const batch of batches) {
    oursBytes += (await gzipText(batch.body))?.byteLength ?? 0;
    oursRaw += batch.bytes;
  }
  await ourProvider.shutdown();
  await stockProvider.shutdown();
  return { ours: oursBytes, stock: stockBytes, oursRaw, batches: batches.length };
}

export default defineBench({
  name: 'telemetry-bytes',
  where: 'node',
  async run(ctx) {
    const seconds = ctx.quick ? 600 : 3600;
    const scale = 3600 / seconds;
    const out: BenchMeasurement[] = [];
    for (const intervalS of [60, 5]) {
      const r = await simulate(seconds, intervalS);
      ctx.log(
        `interval ${intervalS} s: ours ${r.ours} B gzip (${r.oursRaw} B raw, ${r.batches} batches), stock ${r.stock} B gzip over ${seconds} s`,
      );
      out.push({
        bench: `telemetry-bytes-${intervalS}s`,
        unit: 'KB/h gzip',
        value: (r.ours * scale) / 1024,
        baseline: (r.stock * scale) / 1024,
        better: 'lower',
        extra: {
          intervalS,
          features: FEATURES,
          predictionsPerHour: 3600,
          batchesPerHour: Math.round(r.batches * scale),
          rawKBPerHour: Math.round((r.oursRaw * scale) / 1024),
          goalKBPerHour: 100,
          baselineIs: 'stock OTel: cumulative, explicit buckets, otlp-transformer JSON, gzip',
        },
      });
    }
    return out;
  },
});
