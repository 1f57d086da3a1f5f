// outbox-throughput: batches per second appended to the IndexedDB outbox and drained from it (peek,
// then remove each, as the sender does), against a bare `idb` store of the same bodies (add, then a
// cursor that deletes), same page, alternating. Goal (issue 12): ≥ 200 batches/s.
import { openDB } from 'idb';
import type { ExportMetricsServiceRequestJson } from '../src/telemetry/index.ts';
import { openIndexedDbOutbox } from '../src/telemetry/index.ts';
import { defineBench, timeAlternating } from './harness.ts';

/** A request like a 60 s export of a 20-feature model (about 8 KB of JSON). */
function exportRequest(): ExportMetricsServiceRequestJson {
  const point = (feature: number, value: number) => ({
    attributes: [
      { key: 'edgeflow.feature', value: { stringValue: `feature_${feature}` } },
      { key: 'edgeflow.model', value: { stringValue: 'churn' } },
    ],
    startTimeUnixNano: '1764655200000000000',
    timeUnixNano: '1764655260000000000',
    asDouble: value,
  });
  return {
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'edgeflow' } }] },
        scopeMetrics: [
          {
            scope: { name: 'edgeflow', version: '0.1.0' },
            metrics: [
              {
                name: 'edgeflow.drift.statistic',
                gauge: { dataPoints: Array.from({ length: 20 }, (_, f) => point(f, f / 100)) },
              },
              {
                name: 'edgeflow.drift.detected',
                gauge: { dataPoints: Array.from({ length: 20 }, (_, f) => point(f, f % 2)) },
              },
            ],
          },
        ],
      },
    ],
  };
}

export default defineBench({
  name: 'outbox-throughput',
  where: 'browser',
  async run(ctx) {
    const batches = ctx.quick ? 100 : 500;
    const rounds = ctx.quick ? 3 : 7;
    const request = exportRequest();
    const body = JSON.stringify(request);
    const suffix = Date.now();
    const outbox = await openIndexedDbOutbox({ name: `bench-outbox-${suffix}`, maxBatches: batches * 2 });
    const raw = await openDB(`bench-raw-${suffix}`, 1, {
      upgrade: (db) => db.createObjectStore('batches', { keyPath: 'seq', autoIncrement: true }),
    });
    const timed = await timeAlternating(
      async () => {
        for (let i = 0; i < batches; i++) await outbox.append(request, `k${i}`);
        for (;;) {
          const next = await outbox.peek(16);
          if (next.length === 0) break;
          for (const batch of next) await outbox.remove([batch.seq]);
        }
      },
      async () => {
        for (let i = 0; i < batches; i++)
          await raw.add('batches', { key: `k${i}`, body: JSON.stringify(request), createdAt: Date.now() });
        let cursor = await raw.transaction('batches', 'readwrite').store.openCursor();
        while (cursor) {
          await cursor.delete();
          cursor = await cursor.continue();
        }
      },
      rounds,
    );
    outbox.close();
    raw.close();
    ctx.log(
      `${batches} batches of ${body.length} B: outbox ${timed.ours.toFixed(0)} ms, bare idb ${timed.theirs.toFixed(0)} ms`,
    );
    return {
      unit: 'batches/s',
      value: (batches * 1000) / timed.ours,
      baseline: (batches * 1000) / timed.theirs,
      better: 'higher',
      extra: {
        batches,
        bodyBytes: body.length,
        goalPerSecond: 200,
        baselineIs: 'bare idb add + cursor delete, no bounds or drop accounting',
      },
    };
  },
});
