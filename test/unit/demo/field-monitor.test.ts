// Issue 15 (monitor view): the demo's collector client reads the real collector's fleet, drift and
// latency answers (real HTTP server, real SQLite), checks them at the boundary, and names the
// problem when the collector is down, refuses a query or answers another shape; the drift
// assessment raises the alert from the fleet's reports and clears it when devices stop drifting.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METRIC } from 'edgeflow/schemas';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningCollector, startCollector } from '../../../collector/src/server.ts';
import {
  type Device,
  expHistogram,
  expHistogramPoint,
  gauge,
  gaugePoint,
  request,
} from '../../../collector/test/helpers/otlp-fixtures.ts';
import { driftColumns, latencyColumns } from '../../../demo/field/monitor/chart-data.ts';
import { createCollectorApi, type DriftResponse } from '../../../demo/field/monitor/collector-api.ts';
import { assessDrift, driftThreshold } from '../../../demo/field/monitor/drift-assessment.ts';

const dir = mkdtempSync(join(tmpdir(), 'edgeflow-demo-monitor-'));
let collector: RunningCollector;
const device = (instance: string, version: number, release: number): Device => ({
  instance,
  model: 'penguins',
  version,
  backend: instance === 'c' ? 'webgpu' : 'wasm',
  deviceClass: instance === 'c' ? 'gpu=nvidia' : 'gpu=none',
  release,
});

/** One drift report of a device: KS on two features (bill drifted or not), its PSI, the share, prediction drift. */
function driftReport(d: Device, t: number, billDrifted: boolean) {
  const ks = (feature: string) => ({ 'edgeflow.feature': feature, 'edgeflow.drift.test': 'ks' });
  return request(d, [
    gauge(METRIC.driftStatistic, [
      gaugePoint(t, billDrifted ? 0.62 : 0.08, ks('bill_length_mm')),
      gaugePoint(t, 0.05, ks('flipper_length_mm')),
      gaugePoint(t, billDrifted ? 0.9 : 0.02, {
        'edgeflow.feature': 'bill_length_mm',
        'edgeflow.drift.test': 'psi',
      }),
    ]),
    gauge(METRIC.driftDetected, [
      gaugePoint(t, billDrifted ? 1 : 0, ks('bill_length_mm')),
      gaugePoint(t, 0, ks('flipper_length_mm')),
    ]),
    gauge(METRIC.driftShare, [gaugePoint(t, billDrifted ? 0.5 : 0)]),
    gauge(METRIC.predictionDrift, [gaugePoint(t, 0.03, { 'edgeflow.drift.test': 'chi2' })]),
    expHistogram(METRIC.predictDuration, [
      expHistogramPoint(
        t,
        { scale: 0, offset: -10, counts: [4, 4, 2], sum: 0.02 },
        { 'edgeflow.stage': 'total' },
      ),
    ]),
  ]);
}

async function send(body: unknown): Promise<void> {
  const response = await fetch(new URL('/v1/metrics', collector.url), {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
  expect(response.status).toBe(200);
}

const now = Date.now();
beforeAll(async () => {
  collector = await startCollector({ port: 0, dataDir: dir, log: () => undefined });
  // Two minutes ago three devices on v1 saw bill_length_mm drift; now a and b run v2 and see none,
  // while c (still on v1) keeps drifting.
  for (const name of ['a', 'b', 'c']) await send(driftReport(device(name, 1, 1), now - 120_000, true));
  await send(driftReport(device('a', 2, 2), now - 5000, false));
  await send(driftReport(device('b', 2, 2), now - 5000, false));
});
afterAll(async () => {
  await collector?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('collector client', () => {
  test('reads the fleet, drift and latency of the real collector', async () => {
    const api = createCollectorApi({ url: collector.url });
    const fleet = await api.fleet({ window: '5m' });
    expect(fleet.models.map((m) => m.model)).toEqual(['penguins']);
    const versions = fleet.models[0]?.versions ?? [];
    expect(versions.map((v) => [v.version, v.activeDevices])).toEqual([
      [1, 3],
      [2, 2],
    ]);
    expect(versions[0]?.backends).toEqual({ wasm: 2, webgpu: 1 });
    expect(fleet.releases).toEqual([]);

    const drift = await api.drift('penguins', { window: '5m', bucket: '10s' });
    expect(drift.bucketMs).toBe(10_000);
    expect(drift.versions.map((v) => v.version)).toEqual([1, 2]);
    const bill = drift.versions[0]?.features.find((f) => f.feature === 'bill_length_mm' && f.test === 'ks');
    expect(bill?.buckets.map((b) => [b.mean, b.n, b.driftedShare])).toEqual([[0.62, 3, 1]]);

    const latency = await api.latency('penguins', { window: '5m', bucket: '10s', stage: 'total' });
    expect(latency.versions.map((v) => [v.version, v.count])).toEqual([
      [1, 30],
      [2, 20],
    ]);
    const columns = latencyColumns(latency);
    expect(columns.lines.map((l) => l.label)).toEqual([
      'v1 p50',
      'v1 p95',
      'v1 p99',
      'v2 p50',
      'v2 p95',
      'v2 p99',
    ]);
    // One x per bucket with data (seconds), one column per line; v1 has nothing in v2's bucket.
    expect(columns.data[0]).toHaveLength(2);
    expect(columns.data[1]?.[1]).toBeNull();
    expect(columns.data[4]?.[0]).toBeNull();
    const p50 = latency.versions[0]?.p50 ?? Number.NaN;
    expect(columns.data[1]?.[0]).toBeCloseTo(p50 * 1000, 9);

    const errors = await api.errors('penguins', { window: '5m' });
    expect(errors.errors).toEqual([]);
  });

  test('raises the drift alert from the fleet reports, and clears it once the drifting devices are gone', async () => {
    const api = createCollectorApi({ url: collector.url });
    const drift = await api.drift('penguins', { window: '5m', bucket: '10s' });
    // Over the whole window v1 drifted on bill_length_mm (all three reports flagged it).
    // Three devices here, so the minimum report count comes down to what they sent.
    const wide = assessDrift(drift, { recentMs: 5 * 60_000, minReports: 3 });
    expect(wide.alerts).toEqual([{ version: 1, features: ['bill_length_mm'], datasetShare: 0.5 }]);
    const v1 = wide.versions.find((v) => v.version === 1);
    const row = v1?.features.find((f) => f.feature === 'bill_length_mm' && f.test === 'ks');
    expect(row).toMatchObject({ statistic: 0.62, driftedShare: 1, reports: 3, drifted: true });
    expect(row?.threshold.label).toBe('p < 0.05');
    // PSI is shown with its own threshold and verdict, but never pages on its own.
    expect(v1?.features.find((f) => f.test === 'psi')).toMatchObject({ drifted: true, driftedShare: null });
    expect(v1?.prediction.map((p) => [p.feature, p.test, p.drifted])).toEqual([
      ['(prediction)', 'chi2', false],
    ]);
    expect(v1?.datasetDrifted).toBe(true);

    // Over the last 30 s only v2 reported, without drift: no alert, v1 dropped out.
    const recent = assessDrift(drift);
    expect(recent.versions.map((v) => v.version)).toEqual([2]);
    expect(recent.alerts).toEqual([]);

    // One device still on v1 drifting now brings the alert back for v1 only.
    await send(driftReport(device('c', 1, 1), Date.now() - 1000, true));
    const latest = await api.drift('penguins', { window: '5m', bucket: '10s' });
    const again = assessDrift(latest, { minReports: 1 });
    expect(again.alerts.map((a) => [a.version, a.features])).toEqual([[1, ['bill_length_mm']]]);
    // With the default minimum (6 reports), one device's one report never pages.
    expect(assessDrift(latest).alerts).toEqual([]);

    const chart = driftColumns(drift);
    expect(chart.lines.map((l) => l.label)).toEqual([
      'v1 bill_length_mm (ks)',
      'v1 flipper_length_mm (ks)',
      'v1 prediction (chi2)',
      'v1 dataset drift share',
      'v2 bill_length_mm (ks)',
      'v2 flipper_length_mm (ks)',
      'v2 prediction (chi2)',
      'v2 dataset drift share',
    ]);
    expect(chart.lines.filter((l) => l.scale === 'share')).toHaveLength(2);
  });

  test('names the problem: collector down, a refused query, an answer of another shape', async () => {
    // A port nothing listens on: the collector is down.
    const closed = await startCollector({
      port: 0,
      dataDir: mkdtempSync(join(tmpdir(), 'edgeflow-closed-')),
      log: () => undefined,
    });
    const closedUrl = closed.url;
    await closed.close();
    const down = await createCollectorApi({ url: closedUrl })
      .fleet()
      .catch((e: unknown) => e);
    expect(down).toMatchObject({ code: 'NETWORK_ERROR' });
    expect((down as Error).message).toContain('cannot be reached');

    const api = createCollectorApi({ url: collector.url });
    const refused = await api.drift('penguins', { window: '5m', bucket: '1ms' }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((refused as Error).message).toMatch(/answered 400 .*buckets/);

    const wrong = createCollectorApi({
      url: collector.url,
      fetch: async () => new Response(JSON.stringify({ from: 1, to: 2, models: [{ model: 'x' }] })),
    });
    const mismatch = await wrong.fleet().catch((e: unknown) => e);
    expect(mismatch).toMatchObject({ code: 'SCHEMA_MISMATCH' });
    expect((mismatch as Error).message).toContain('"models.0.activeDevices"');
  });
});

describe('drift assessment', () => {
  const series = (test: string, mean: number, driftedShare: number | null) => ({
    feature: 'f',
    test,
    buckets: [{ t: 0, mean, max: mean, n: 6, driftedShare }],
  });
  const answer = (features: DriftResponse['versions'][number]['features']): DriftResponse => ({
    model: 'm',
    from: 0,
    to: 10_000,
    bucketMs: 10_000,
    versions: [{ version: 3, features, datasetDrift: [], prediction: [] }],
  });

  test('thresholds: p-value tests, distances and PSI, defaults and stored overrides', () => {
    expect(driftThreshold('ks').label).toBe('p < 0.05');
    expect(driftThreshold('chi2', { pValue: 0.01 }).label).toBe('p < 0.01');
    expect(driftThreshold('wasserstein')).toEqual({ kind: 'distance', value: 0.1, label: '≥ 0.1' });
    expect(driftThreshold('jensenshannon', { distance: 0.2 }).value).toBe(0.2);
    expect(driftThreshold('psi')).toEqual({ kind: 'psi', value: 0.25, label: '≥ 0.25' });
  });

  test('a feature drifts when at least half the reports flag it; a distance without a flag by its threshold', () => {
    expect(assessDrift(answer([series('ks', 0.3, 0.25)])).alerts).toEqual([]);
    expect(assessDrift(answer([series('ks', 0.3, 0.5)])).alerts).toEqual([
      { version: 3, features: ['f'], datasetShare: null },
    ]);
    expect(assessDrift(answer([series('ks', 0.3, 0.25)]), { alertShare: 0.2 }).alerts).toHaveLength(1);
    expect(assessDrift(answer([series('wasserstein', 0.12, null)])).alerts).toHaveLength(1);
    expect(
      assessDrift(answer([series('wasserstein', 0.12, null)]), { thresholds: () => ({ distance: 0.2 }) })
        .alerts,
    ).toEqual([]);
    // Fewer reports than the minimum: no alert, however clear.
    expect(assessDrift(answer([series('ks', 0.3, 1)]), { minReports: 7 }).alerts).toEqual([]);
    // A p-value test without the device's flag cannot be judged from D alone: no alert.
    expect(assessDrift(answer([series('ks', 0.9, null)])).alerts).toEqual([]);
    expect(assessDrift(answer([series('psi', 0.9, null)])).alerts).toEqual([]);
  });
});
