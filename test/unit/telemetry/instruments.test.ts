// Issue 12: every monitor signal becomes the contract's metrics with the right attributes; refusals
// are returned (EGRESS_REFUSED), never thrown; telemetry off records nothing.
import { describe, expect, it } from 'vitest';
import type { DriftReport, FeatureDrift, MonitorEvent } from '../../../src/schemas/monitor.ts';
import { instrumentMonitor } from '../../../src/telemetry/index.ts';
import { attributesOf, decodeRequest, metricsOf, sumOf } from './otlp-json-decoder.ts';
import { createTestPipeline } from './pipeline-helper.ts';

const feature = (name: string, over: Partial<FeatureDrift>): FeatureDrift => ({
  name,
  kind: 'numeric',
  test: 'ks',
  statistic: 0.1,
  pValue: 0.2,
  threshold: 0.05,
  drifted: false,
  psi: null,
  psiLevel: null,
  count: 100,
  missingRate: 0,
  referenceMissingRate: 0,
  unseenRate: null,
  ...over,
});

const report: DriftReport = {
  model: 'churn',
  version: 2,
  window: { start: 1, end: 2, rows: 100 },
  referenceRows: 500,
  features: [
    feature('age', {
      statistic: 0.42,
      pValue: 0.001,
      drifted: true,
      psi: 0.31,
      psiLevel: 'alert',
      missingRate: 0.05,
    }),
    feature('plan', { kind: 'categorical', test: 'chi2', statistic: 3.5, drifted: false, unseenRate: 0.02 }),
  ],
  datasetDrift: { share: 0.5, threshold: 0.5, drifted: true },
  prediction: feature('prediction', { test: 'jensenshannon', statistic: 0.07, pValue: null }),
};

type Point = { value: number | undefined; attrs: Record<string, unknown> };

async function collect(p: ReturnType<typeof createTestPipeline>): Promise<Map<string, Point[]>> {
  await p.flush();
  const out = new Map<string, Point[]>();
  for (const batch of await p.outbox.peek(100))
    for (const m of metricsOf(decodeRequest(batch.body))) {
      const points = (m.gauge ?? m.sum)?.dataPoints ?? [];
      out.set(m.name, [
        ...(out.get(m.name) ?? []),
        ...points.map((d) => ({ value: d.asDouble ?? Number(d.asInt), attrs: attributesOf(d) })),
      ]);
    }
  return out;
}

describe('edgeflow instruments', () => {
  it('records a drift report per feature and test, with dataset and prediction drift', async () => {
    const p = createTestPipeline();
    expect(p.instruments.recordDrift(report)).toEqual({ ok: true, recorded: true });
    const m = await collect(p);
    const base = { 'edgeflow.model': 'churn', 'edgeflow.model.version': '2' };
    expect(m.get('edgeflow.drift.statistic')).toEqual([
      { value: 0.42, attrs: { ...base, 'edgeflow.feature': 'age', 'edgeflow.drift.test': 'ks' } },
      { value: 0.31, attrs: { ...base, 'edgeflow.feature': 'age', 'edgeflow.drift.test': 'psi' } },
      { value: 3.5, attrs: { ...base, 'edgeflow.feature': 'plan', 'edgeflow.drift.test': 'chi2' } },
    ]);
    expect(m.get('edgeflow.drift.detected')?.map((p) => [p.attrs['edgeflow.feature'], p.value])).toEqual([
      ['age', 1],
      ['plan', 0],
    ]);
    expect(m.get('edgeflow.drift.share')).toEqual([{ value: 0.5, attrs: base }]);
    expect(m.get('edgeflow.prediction.drift')).toEqual([
      { value: 0.07, attrs: { ...base, 'edgeflow.drift.test': 'jensenshannon' } },
    ]);
    expect(
      m.get('edgeflow.feature.missing_rate')?.map((p) => [p.attrs['edgeflow.feature'], p.value]),
    ).toEqual([
      ['age', 0.05],
      ['plan', 0],
    ]);
    expect(m.get('edgeflow.feature.unseen_rate')?.map((p) => [p.attrs['edgeflow.feature'], p.value])).toEqual(
      [['plan', 0.02]],
    );
  });

  it('records accuracy, release events and training throughput', async () => {
    const p = createTestPipeline();
    p.instruments.recordAccuracy({
      type: 'accuracy',
      model: 'churn',
      version: 2,
      field: { accuracy: 0.91, f1: 0.88 },
      estimated: 0.9,
      labelled: 40,
    });
    p.instruments.recordReleaseEvent('activated', { model: 'churn', version: 2 });
    p.instruments.recordReleaseEvent('activated', { model: 'churn', version: 2 });
    p.instruments.recordReleaseEvent('rolled-back', { model: 'churn', version: 2 });
    p.instruments.recordTrainThroughput(1234.5, { model: 'churn', backend: 'wasm' });
    const m = await collect(p);
    expect(m.get('edgeflow.accuracy.field')?.map((x) => [x.attrs['edgeflow.metric'], x.value])).toEqual([
      ['accuracy', 0.91],
      ['f1', 0.88],
    ]);
    expect(m.get('edgeflow.accuracy.estimated')?.map((x) => x.value)).toEqual([0.9]);
    expect(m.get('edgeflow.release.events')?.map((x) => [x.attrs['edgeflow.event'], x.value])).toEqual([
      ['activated', 2],
      ['rolled-back', 1],
    ]);
    expect(m.get('edgeflow.train.throughput')).toEqual([
      { value: 1234.5, attrs: { 'edgeflow.model': 'churn', 'edgeflow.backend': 'wasm' } },
    ]);
  });

  it('returns EGRESS_REFUSED for values outside the allow-list and reports them, without throwing', async () => {
    const p = createTestPipeline();
    const bad = p.instruments.recordReleaseEvent('downloaded-by-alice' as never);
    expect(bad.ok === false && bad.error.code).toBe('EGRESS_REFUSED');
    const leaky = p.instruments.recordDrift({
      ...report,
      features: [feature('customer alice@example.com', {})],
    });
    expect(leaky.ok === false && leaky.error.code).toBe('EGRESS_REFUSED');
    const negative = p.instruments.recordTrainThroughput(Number.NaN);
    expect(negative.ok === false && negative.error.code).toBe('INVALID_ARGUMENT');
    expect(p.errors.map((e) => e.code)).toEqual(['EGRESS_REFUSED', 'EGRESS_REFUSED', 'INVALID_ARGUMENT']);
    const m = await collect(p);
    expect(JSON.stringify([...m.entries()])).not.toContain('alice');
  });

  it('records nothing while telemetry is off', async () => {
    const p = createTestPipeline();
    p.setEnabled(false);
    expect(p.instruments.recordReleaseEvent('activated')).toEqual({ ok: true, recorded: false });
    await p.flush();
    expect(await p.outbox.size()).toEqual({ batches: 0, bytes: 0 });
  });

  it('instrumentMonitor records a source’s events until unsubscribed', async () => {
    const p = createTestPipeline();
    const listeners = new Set<(e: MonitorEvent) => void>();
    const source = {
      subscribe(listener: (e: MonitorEvent) => void) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    const emit = (rows: number): void => {
      for (const l of listeners)
        l({
          type: 'predict',
          model: 'm',
          version: 1,
          backend: 'cpu',
          rows,
          errors: {},
          seconds: { pipeline: 0, model: 0.001, total: 0.001 },
          warmup: false,
        });
    };
    const stop = instrumentMonitor(source, p.instruments);
    emit(4);
    emit(6);
    stop();
    emit(100);
    await p.flush();
    const requests = (await p.outbox.peek(10)).map((b) => decodeRequest(b.body));
    expect(sumOf(requests, 'edgeflow.predict.rows')).toBe(10);
  });
});
