// Issue 13: the collector takes what the official OpenTelemetry JS exporter sends (OTLP/HTTP JSON,
// cumulative temporality by default) and the fleet queries read it back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationType, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { METRIC } from 'edgeflow/schemas';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type RunningCollector, startCollector } from '../src/server.ts';

const dir = mkdtempSync(join(tmpdir(), 'edgeflow-otel-'));
let collector: RunningCollector;
beforeAll(async () => {
  collector = await startCollector({ port: 0, dataDir: dir });
});
afterAll(async () => {
  await collector.close();
  rmSync(dir, { recursive: true, force: true });
});

test('points sent by @opentelemetry/exporter-metrics-otlp-http are stored once and read back through the queries', async () => {
  const exporter = new OTLPMetricExporter({ url: new URL('/v1/metrics', collector.url).href });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({
      'service.name': 'penguin-kiosk',
      'service.instance.id': 'install-7f3a',
      'edgeflow.model': 'penguins',
      'edgeflow.model.version': 3,
      'edgeflow.backend': 'wasm',
      'edgeflow.device.class': 'gpu=none;mem=8;os=linux',
    }),
    readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })],
    views: [
      {
        instrumentName: METRIC.predictDuration,
        aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM },
      },
    ],
  });
  const meter = provider.getMeter('edgeflow');
  const latency = meter.createHistogram(METRIC.predictDuration, { unit: 's' });
  const errors = meter.createCounter(METRIC.predictErrors);
  const drift = meter.createGauge(METRIC.driftStatistic);
  for (const v of [0.01, 0.012, 0.011, 0.013, 0.02, 0.05, 0.1])
    latency.record(v, { 'edgeflow.stage': 'total' });
  errors.add(2, { 'error.type': 'UNSEEN_CATEGORY' });
  errors.add(1, { 'error.type': 'MISSING_VALUE' });
  drift.record(0.31, { 'edgeflow.feature': 'bill_length_mm', 'edgeflow.drift.test': 'ks' });
  await provider.forceFlush();
  // Second interval: the exporter sends cumulative totals again; the store keeps only the increase.
  for (const v of [0.014, 0.015, 0.016, 0.017, 0.5]) latency.record(v, { 'edgeflow.stage': 'total' });
  errors.add(3, { 'error.type': 'UNSEEN_CATEGORY' });
  drift.record(0.12, { 'edgeflow.feature': 'bill_length_mm', 'edgeflow.drift.test': 'ks' });
  await provider.forceFlush();
  await provider.shutdown();

  const get = async (path: string): Promise<Record<string, unknown>> => {
    const response = await fetch(new URL(path, collector.url));
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  };
  const fleet = await get('/api/fleet');
  expect(fleet.models).toEqual([
    {
      model: 'penguins',
      activeDevices: 1,
      versions: [
        {
          version: 3,
          activeDevices: 1,
          releases: { unknown: 1 },
          backends: { wasm: 1 },
          deviceClasses: { 'gpu=none;mem=8;os=linux': 1 },
          lastSeen: expect.any(Number),
        },
      ],
    },
  ]);

  const latencyResult = (await get('/api/models/penguins/latency?window=1h')) as {
    versions: { version: number; count: number; p50: number; p95: number; p99: number }[];
  };
  expect(latencyResult.versions).toHaveLength(1);
  const v3 = latencyResult.versions[0];
  // 12 recordings in all: without the cumulative-to-delta step the store would count 7 + 12 = 19.
  expect(v3?.version).toBe(3);
  expect(v3?.count).toBe(12);
  // True p50 is 0.015 (6th of 12), p95 and p99 are 0.5 (12th); bucket midpoints at the SDK's scale are within 2.2 %.
  expect(Math.abs((v3?.p50 ?? 0) / 0.015 - 1)).toBeLessThan(0.022);
  expect(Math.abs((v3?.p99 ?? 0) / 0.5 - 1)).toBeLessThan(0.022);
  const errorsResult = await get('/api/models/penguins/errors?window=1h');
  expect(errorsResult.errors).toEqual([
    { version: 3, code: 'UNSEEN_CATEGORY', count: 5 },
    { version: 3, code: 'MISSING_VALUE', count: 1 },
  ]);

  const driftResult = (await get('/api/models/penguins/drift?window=1h&bucket=1h')) as {
    versions: {
      version: number;
      features: { feature: string; test: string; buckets: { mean: number; max: number; n: number }[] }[];
    }[];
  };
  expect(driftResult.versions[0]?.features).toEqual([
    { feature: 'bill_length_mm', test: 'ks', buckets: expect.any(Array) },
  ]);
  const buckets = driftResult.versions[0]?.features[0]?.buckets ?? [];
  // Two flushes and the final export of shutdown(): three reports of the gauge's last value.
  expect(buckets.reduce((n, b) => n + b.n, 0)).toBe(3);
  expect(Math.max(...buckets.map((b) => b.max))).toBe(0.31);
});
