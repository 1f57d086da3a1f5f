// Builds the real OpenTelemetry SDK pipeline (MeterProvider → periodic reader → outbox exporter →
// memory outbox) for unit tests, so what they decode is what the SDK really collected.
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { EdgeflowError } from '../../../src/errors.ts';
import { METRIC } from '../../../src/schemas/telemetry.ts';
import {
  createEdgeflowInstruments,
  createMemoryOutbox,
  createOutboxExporter,
  type EdgeflowInstruments,
  type Outbox,
} from '../../../src/telemetry/index.ts';
import { EXPONENTIAL_HISTOGRAM } from '../../../src/telemetry/outbox-exporter.ts';

export interface TestPipeline {
  instruments: EdgeflowInstruments;
  outbox: Outbox;
  errors: EdgeflowError[];
  provider: MeterProvider;
  /** Collects now; resolves when the batch is in the outbox. */
  flush(): Promise<void>;
  setEnabled(on: boolean): void;
}

export function createTestPipeline(
  resource: Record<string, string> = { 'service.name': 'test' },
): TestPipeline {
  const outbox = createMemoryOutbox();
  const errors: EdgeflowError[] = [];
  let enabled = true;
  let n = 0;
  const exporter = createOutboxExporter({
    outbox,
    onError: (e) => errors.push(e),
    newKey: () => `key-${++n}`,
  });
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({
    resource: resourceFromAttributes(resource),
    readers: [reader],
    views: [{ instrumentName: METRIC.predictDuration, aggregation: EXPONENTIAL_HISTOGRAM }],
  });
  const instruments = createEdgeflowInstruments({
    meter: provider.getMeter('edgeflow', '0.1.0'),
    isEnabled: () => enabled,
    onError: (e) => errors.push(e),
  });
  return {
    instruments,
    outbox,
    errors,
    provider,
    flush: () => reader.forceFlush(),
    setEnabled: (on) => {
      enabled = on;
    },
  };
}
