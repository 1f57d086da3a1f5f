// Issue 12: each export is a spec-valid OTLP/HTTP JSON ExportMetricsServiceRequest (camelCase, int64
// as strings), checked with an independent decoder written from the spec.
import { ValueType } from '@opentelemetry/api';
import { JsonMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import type { PredictEvent } from '../../../src/schemas/monitor.ts';
import { METRIC } from '../../../src/schemas/telemetry.ts';
import {
  attributesOf,
  decodeRequest,
  exportMetricsServiceRequest,
  metricsOf,
  resourceOf,
} from './otlp-json-decoder.ts';
import { createTestPipeline } from './pipeline-helper.ts';

const predict = (total: number, rows: number, extra: Partial<PredictEvent> = {}): PredictEvent => ({
  type: 'predict',
  model: 'churn',
  version: 3,
  backend: 'wasm',
  rows,
  errors: {},
  seconds: { pipeline: total / 4, model: (total * 3) / 4, total },
  warmup: false,
  ...extra,
});

describe('OTLP JSON encoding', () => {
  it('encodes a predict signal set exactly, with 64-bit integers as decimal strings', async () => {
    const p = createTestPipeline({ 'service.name': 'shop', 'edgeflow.model': 'churn' });
    p.instruments.recordPredict(predict(0.004, 20, { warmup: true, errors: { MISSING_VALUE: 2 } }));
    p.instruments.recordPredict(predict(0.016, 5));
    p.instruments.recordPredict(predict(0.001, 1));
    await p.flush();
    const [batch] = await p.outbox.peek(10);
    expect(batch?.key).toBe('key-1');
    const request = decodeRequest(batch?.body ?? '');
    expect(resourceOf(request)).toEqual({ 'service.name': 'shop', 'edgeflow.model': 'churn' });
    const byName = new Map(metricsOf(request).map((m) => [m.name, m]));
    expect([...byName.keys()].sort()).toEqual(
      [METRIC.predictDuration, METRIC.predictErrors, METRIC.predictRows, METRIC.warmupDuration].sort(),
    );

    const rows = byName.get(METRIC.predictRows);
    expect(rows?.unit).toBe('{row}');
    expect(rows?.sum?.aggregationTemporality).toBe(1);
    expect(rows?.sum?.isMonotonic).toBe(true);
    expect(rows?.sum?.dataPoints.map((d) => [d.asInt, attributesOf(d)])).toEqual([
      ['26', { 'edgeflow.model': 'churn', 'edgeflow.model.version': '3' }],
    ]);
    const errors = byName.get(METRIC.predictErrors)?.sum?.dataPoints ?? [];
    expect(errors.map((d) => [d.asInt, attributesOf(d)['error.type']])).toEqual([['2', 'MISSING_VALUE']]);

    const latency = byName.get(METRIC.predictDuration);
    expect(latency?.unit).toBe('s');
    expect(latency?.exponentialHistogram?.aggregationTemporality).toBe(1);
    const total = latency?.exponentialHistogram?.dataPoints.find(
      (d) => attributesOf(d)['edgeflow.stage'] === 'total',
    );
    expect(total?.count).toBe('3');
    expect(total?.sum).toBeCloseTo(0.021, 12);
    expect(total?.min).toBe(0.001);
    expect(total?.max).toBe(0.016);
    expect(total?.zeroCount).toBe('0');
    // 0.001…0.016 spans 4 octaves: the finest scale with 4 × 2^scale ≤ 160 buckets is 5.
    expect(total?.scale).toBe(5);
    const counts = (total?.positive?.bucketCounts ?? []).map(Number);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(3);
    // Bucket i covers (base^i, base^(i+1)], base = 2^(2^-scale): the 0.001 value lands in bucket `offset`.
    const base = 2 ** (2 ** -(total?.scale ?? 0));
    const offset = total?.positive?.offset ?? 0;
    expect(base ** offset < 0.001 && 0.001 <= base ** (offset + 1)).toBe(true);
    expect(
      latency?.exponentialHistogram?.dataPoints.map((d) => attributesOf(d)['edgeflow.stage']).sort(),
    ).toEqual(['model', 'pipeline', 'total']);

    const warmup = byName.get(METRIC.warmupDuration)?.gauge?.dataPoints ?? [];
    expect(warmup.map((d) => [d.asDouble, attributesOf(d)['edgeflow.backend']])).toEqual([[0.004, 'wasm']]);
    for (const point of warmup) expect(BigInt(point.timeUnixNano) > 1_700_000_000_000_000_000n).toBe(true);
  });

  it('delta temporality: a second export carries only what was recorded since the first', async () => {
    const p = createTestPipeline();
    p.instruments.recordPredict(predict(0.002, 10));
    await p.flush();
    p.instruments.recordPredict(predict(0.003, 7));
    await p.flush();
    const batches = await p.outbox.peek(10);
    expect(batches.map((b) => b.key)).toEqual(['key-1', 'key-2']);
    const second = decodeRequest(batches[1]?.body ?? '');
    const rows = metricsOf(second).find((m) => m.name === METRIC.predictRows);
    expect(rows?.sum?.dataPoints.map((d) => d.asInt)).toEqual(['7']);
  });

  it('an empty collection stores no batch', async () => {
    const p = createTestPipeline();
    await p.flush();
    expect(await p.outbox.size()).toEqual({ batches: 0, bytes: 0 });
  });

  it('the decoder refuses what @opentelemetry/otlp-transformer 0.223 emits for ints (why we encode ourselves)', async () => {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.DELTA);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': 'x' }),
      readers: [reader],
    });
    provider.getMeter('m').createCounter(METRIC.predictRows, { valueType: ValueType.INT }).add(3);
    await reader.forceFlush();
    const [collected] = exporter.getMetrics();
    const body = new TextDecoder().decode(JsonMetricsSerializer.serializeRequest(collected as never));
    expect(JSON.parse(body).resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints[0].asInt).toBe(3);
    const decoded = exportMetricsServiceRequest.safeParse(JSON.parse(body));
    expect(decoded.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'resourceMetrics.0.scopeMetrics.0.metrics.0.sum.dataPoints.0.asInt: Invalid input: expected string, received number',
    ]);
  });
});
