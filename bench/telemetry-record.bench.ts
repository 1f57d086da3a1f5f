// telemetry-record: the cost of recording one prediction's signals through edgeflow (egress-checked
// instruments: latency per stage into an exponential histogram, rows) against the same OpenTelemetry
// SDK calls written by hand, in the same process, alternating. Goal (issue 12): ratio ≥ 0.9.
import { type Attributes, ValueType } from '@opentelemetry/api';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { PredictEvent } from '../src/schemas/monitor.ts';
import { METRIC } from '../src/schemas/telemetry.ts';
import {
  createEdgeflowInstruments,
  createMemoryOutbox,
  createOutboxExporter,
  EXPONENTIAL_HISTOGRAM,
} from '../src/telemetry/index.ts';
import { defineBench, timeAlternating } from './harness.ts';

function provider(): { provider: MeterProvider; reader: PeriodicExportingMetricReader } {
  const reader = new PeriodicExportingMetricReader({
    exporter: createOutboxExporter({ outbox: createMemoryOutbox() }),
    exportIntervalMillis: 3_600_000,
  });
  return {
    reader,
    provider: new MeterProvider({
      readers: [reader],
      views: [{ instrumentName: METRIC.predictDuration, aggregation: EXPONENTIAL_HISTOGRAM }],
    }),
  };
}

export default defineBench({
  name: 'telemetry-record',
  where: 'node',
  async run(ctx) {
    const events = ctx.quick ? 20_000 : 200_000;
    const rounds = ctx.quick ? 5 : 15;
    const seconds = Array.from({ length: 1024 }, (_, i) => 0.0005 + ((i * 7919) % 1000) / 100_000);
    const event = (i: number): PredictEvent => {
      const total = seconds[i % 1024] ?? 0.001;
      return {
        type: 'predict',
        model: 'churn',
        version: 3,
        backend: 'wasm',
        rows: 1,
        errors: {},
        seconds: { pipeline: total / 4, model: (total * 3) / 4, total },
        warmup: false,
      };
    };
    const ours = provider();
    const instruments = createEdgeflowInstruments({ meter: ours.provider.getMeter('edgeflow') });
    const bare = provider();
    const meter = bare.provider.getMeter('app');
    const histogram = meter.createHistogram(METRIC.predictDuration, { unit: 's' });
    const rows = meter.createCounter(METRIC.predictRows, { valueType: ValueType.INT });
    const base: Attributes = { 'edgeflow.model': 'churn', 'edgeflow.model.version': 3 };
    const stages = {
      pipeline: { ...base, 'edgeflow.stage': 'pipeline' },
      model: { ...base, 'edgeflow.stage': 'model' },
      total: { ...base, 'edgeflow.stage': 'total' },
    };
    const prepared = Array.from({ length: 1024 }, (_, i) => event(i));
    const timed = await timeAlternating(
      async () => {
        for (let i = 0; i < events; i++) instruments.recordPredict(prepared[i & 1023] as PredictEvent);
        await ours.reader.forceFlush();
      },
      async () => {
        // The same signals through the bare SDK, at its cheapest: attribute objects built once.
        for (let i = 0; i < events; i++) {
          const e = prepared[i & 1023] as PredictEvent;
          histogram.record(e.seconds.pipeline, stages.pipeline);
          histogram.record(e.seconds.model, stages.model);
          histogram.record(e.seconds.total, stages.total);
          rows.add(e.rows, base);
        }
        await bare.reader.forceFlush();
      },
      rounds,
    );
    ctx.log(`ours ${timed.ours.toFixed(1)} ms, bare ${timed.theirs.toFixed(1)} ms for ${events} predictions`);
    return {
      unit: 'µs/prediction',
      value: (timed.ours * 1000) / events,
      baseline: (timed.theirs * 1000) / events,
      better: 'lower',
      extra: { predictions: events, rounds, signalsPerPrediction: '3 histogram records + 1 counter add' },
    };
  },
});
