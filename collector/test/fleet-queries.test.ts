// Issue 13: the fleet queries (fleet, drift, latency, errors) answer exact aggregates from a real
// SQLite file, in time buckets for charts; bad parameters are 400s naming the parameter.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METRIC } from 'edgeflow/schemas';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningCollector, startCollector } from '../src/server.ts';
import {
  counter,
  type Device,
  expHistogram,
  expHistogramPoint,
  gauge,
  gaugePoint,
  nanos,
  request,
} from './helpers/otlp-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'edgeflow-queries-'));
let collector: RunningCollector;
const T0 = Date.UTC(2026, 10, 30, 12, 0, 0); // bucket-aligned start
const a: Device = {
  instance: 'a',
  model: 'iris',
  version: 1,
  backend: 'webgpu',
  deviceClass: 'gpu=nvidia',
  release: 4,
};
const b: Device = {
  instance: 'b',
  model: 'iris',
  version: 2,
  backend: 'wasm',
  deviceClass: 'gpu=none',
  release: 5,
};
const c: Device = {
  instance: 'c',
  model: 'iris',
  version: 2,
  backend: 'wasm',
  deviceClass: 'gpu=none',
  release: 5,
};
const d: Device = {
  instance: 'd',
  model: 'iris',
  version: 2,
  backend: 'webgpu',
  deviceClass: 'gpu=nvidia',
  release: 5,
};

async function send(body: unknown): Promise<void> {
  const response = await fetch(new URL('/v1/metrics', collector.url), {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({});
}

async function get<T>(path: string): Promise<T> {
  const response = await fetch(new URL(path, collector.url));
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

beforeAll(async () => {
  collector = await startCollector({ port: 0, dataDir: dir, retentionMs: 100 * 365 * 86_400_000 });
  const drift = (device: Device, t: number, stat: number, flagged: number, share: number) =>
    request(device, [
      gauge(METRIC.driftStatistic, [
        gaugePoint(t, stat, { 'edgeflow.feature': 'petal_width', 'edgeflow.drift.test': 'ks' }),
      ]),
      gauge(METRIC.driftDetected, [
        gaugePoint(t, flagged, { 'edgeflow.feature': 'petal_width', 'edgeflow.drift.test': 'ks' }),
      ]),
      gauge(METRIC.driftShare, [gaugePoint(t, share)]),
    ]);
  // Bucket 0 (T0 … T0+60 s): b 0.2 (no drift), c 0.4 (drift); bucket 1: b 0.6, c 0.8 (both drift).
  await send(drift(b, T0 + 10_000, 0.2, 0, 0.25));
  await send(drift(c, T0 + 20_000, 0.4, 1, 0.5));
  await send(drift(b, T0 + 70_000, 0.6, 1, 0.75));
  await send(drift(c, T0 + 80_000, 0.8, 1, 1));
  await send(drift(a, T0 + 30_000, 0.1, 0, 0));
  // Latency at scale 0: bucket i covers (2^i, 2^(i+1)] seconds·2^-10 via offset -10.
  const lat = (device: Device, t: number, counts: number[]) =>
    request(device, [
      expHistogram(METRIC.predictDuration, [
        expHistogramPoint(t, { scale: 0, offset: -10, counts, sum: 1 }, { 'edgeflow.stage': 'total' }),
      ]),
    ]);
  await send(lat(b, T0 + 5000, [10, 0, 0])); // 10 calls in (2^-10, 2^-9]
  await send(lat(c, T0 + 65_000, [0, 9, 1])); // 9 in (2^-9, 2^-8], 1 in (2^-8, 2^-7]
  await send(lat(d, T0 + 66_000, [0, 0, 80])); // 80 in (2^-8, 2^-7] on the GPU class
  const errs = (device: Device, t: number, code: string, n: number) =>
    request(device, [
      counter(METRIC.predictErrors, [
        {
          timeUnixNano: nanos(t),
          asInt: String(n),
          attributes: [{ key: 'error.type', value: { stringValue: code } }],
        },
      ]),
    ]);
  await send(errs(b, T0 + 1000, 'UNSEEN_CATEGORY', 4));
  await send(errs(c, T0 + 2000, 'UNSEEN_CATEGORY', 3));
  await send(errs(c, T0 + 3000, 'MISSING_VALUE', 9));
});
afterAll(async () => {
  await collector.close();
  rmSync(dir, { recursive: true, force: true });
});

const range = `from=${T0}&to=${T0 + 120_000}&bucket=1m`;

describe('fleet queries', () => {
  test('fleet: active devices per version with release, backend and device-class mix', async () => {
    const fleet = await get<{ models: unknown[] }>(`/api/fleet?${range}`);
    expect(fleet.models).toEqual([
      {
        model: 'iris',
        activeDevices: 4,
        versions: [
          {
            version: 1,
            activeDevices: 1,
            releases: { 4: 1 },
            backends: { webgpu: 1 },
            deviceClasses: { 'gpu=nvidia': 1 },
            lastSeen: T0 + 30_000,
          },
          {
            version: 2,
            activeDevices: 3,
            releases: { 5: 3 },
            backends: { wasm: 2, webgpu: 1 },
            deviceClasses: { 'gpu=none': 2, 'gpu=nvidia': 1 },
            lastSeen: T0 + 80_000,
          },
        ],
      },
    ]);
    // A window after every device went quiet has none.
    expect(
      (await get<{ models: unknown[] }>(`/api/fleet?from=${T0 + 90_000}&to=${T0 + 120_000}`)).models,
    ).toEqual([]);
  });

  test('drift: per feature and test, by version, in time buckets, with the drifted share and dataset drift', async () => {
    const drift = await get<{ bucketMs: number; versions: unknown[] }>(`/api/models/iris/drift?${range}`);
    expect(drift.bucketMs).toBe(60_000);
    expect(drift.versions).toEqual([
      {
        version: 1,
        features: [
          {
            feature: 'petal_width',
            test: 'ks',
            buckets: [{ t: T0, mean: 0.1, max: 0.1, n: 1, driftedShare: 0 }],
          },
        ],
        datasetDrift: [{ t: T0, mean: 0, max: 0, n: 1, driftedReports: 0 }],
        prediction: [],
      },
      {
        version: 2,
        features: [
          {
            feature: 'petal_width',
            test: 'ks',
            buckets: [
              { t: T0, mean: expect.closeTo(0.3, 12), max: 0.4, n: 2, driftedShare: 0.5 },
              { t: T0 + 60_000, mean: expect.closeTo(0.7, 12), max: 0.8, n: 2, driftedShare: 1 },
            ],
          },
        ],
        datasetDrift: [
          { t: T0, mean: 0.375, max: 0.5, n: 2, driftedReports: 0.5 },
          { t: T0 + 60_000, mean: 0.875, max: 1, n: 2, driftedReports: 1 },
        ],
        prediction: [],
      },
    ]);
  });

  test('sub-minute buckets read the raw points and agree with the per-minute rollups', async () => {
    type Drift = { versions: { version: number; features: unknown[]; datasetDrift: unknown[] }[] };
    const rollup = await get<Drift>(`/api/models/iris/drift?${range}`);
    const raw = await get<Drift>(`/api/models/iris/drift?from=${T0}&to=${T0 + 120_000}&bucket=30s`);
    // With 30 s buckets, version 2's reports still fall in buckets starting at T0 and T0+60 s.
    expect(raw.versions[1]).toEqual(rollup.versions[1]);
    type Latency = { versions: { count: number; p50: number; p99: number }[] };
    const rawLatency = await get<Latency>(
      `/api/models/iris/latency?from=${T0}&to=${T0 + 120_000}&bucket=30s`,
    );
    const rollupLatency = await get<Latency>(`/api/models/iris/latency?${range}`);
    expect(rawLatency.versions.map(({ count, p50, p99 }) => [count, p50, p99])).toEqual(
      rollupLatency.versions.map(({ count, p50, p99 }) => [count, p50, p99]),
    );
  });

  test('latency: p50/p95/p99 merged across devices, by version, bucket and device class; errors by code', async () => {
    const latency = await get<{ versions: unknown[]; deviceClasses: unknown[] }>(
      `/api/models/iris/latency?${range}`,
    );
    const mid = (i: number): number => 2 ** (i + 0.5);
    expect(latency.versions).toEqual([
      {
        version: 2,
        // 100 calls: 10 at -10, 9 at -9, 81 at -8 → p50 and above in bucket -8.
        count: 100,
        p50: mid(-8),
        p95: mid(-8),
        p99: mid(-8),
        buckets: [
          { t: T0, count: 10, p50: mid(-10), p95: mid(-10), p99: mid(-10) },
          // 90 calls: 9 at -9, 81 at -8 → rank 45 falls in -8.
          { t: T0 + 60_000, count: 90, p50: mid(-8), p95: mid(-8), p99: mid(-8) },
        ],
      },
    ]);
    expect(latency.deviceClasses).toEqual([
      // gpu=none: 10 at -10, 9 at -9, 1 at -8 → p50 rank 10 in -10, p95 rank 19 in -9, p99 rank 20 in -8.
      { version: 2, deviceClass: 'gpu=none', count: 20, p50: mid(-10), p95: mid(-9), p99: mid(-8) },
      { version: 2, deviceClass: 'gpu=nvidia', count: 80, p50: mid(-8), p95: mid(-8), p99: mid(-8) },
    ]);
    const errors = await get<{ errors: unknown[] }>(`/api/models/iris/errors?${range}`);
    expect(errors.errors).toEqual([
      { version: 2, code: 'MISSING_VALUE', count: 9 },
      { version: 2, code: 'UNSEEN_CATEGORY', count: 7 },
    ]);
  });

  test('a model with nothing stored answers empty series, not 404', async () => {
    const drift = await get<{ versions: unknown[] }>(`/api/models/unknown-model/drift?${range}`);
    expect(drift.versions).toEqual([]);
  });

  test('bad time parameters are 400s naming the parameter', async () => {
    const cases: [string, string][] = [
      ['window=5 minutes', 'window="5 minutes" is not a duration'],
      [`from=${T0}&to=${T0}`, 'must be before to'],
      [`from=${T0}&to=${T0 + 86_400_000}&bucket=1s`, 'at most 2000'],
      ['from=yesterday', 'from="yesterday" is not a time'],
    ];
    for (const [query, message] of cases) {
      const response = await fetch(new URL(`/api/models/iris/latency?${query}`, collector.url));
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('INVALID_ARGUMENT');
      expect(body.error.message).toContain(message);
    }
  });

  test('retention deletes points older than the cutoff and keeps the rest', () => {
    const before = collector.store.pointCount();
    // Before T0+60 s: 3 drift reports × 3 points, 1 latency histogram, 3 error counts.
    expect(collector.store.pruneOlderThan(T0 + 60_000)).toBe(13);
    expect(collector.store.pointCount()).toBe(before - 13);
  });
});
