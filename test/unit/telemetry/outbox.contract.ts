// One contract for every Outbox (memory here in Node, IndexedDB in Chromium): order, bounds,
// drop-oldest with the count reported in the next batch, discard by reason, purge. Issue 12.
import { expect, it } from 'vitest';
import type { ExportMetricsServiceRequestJson, Outbox, OutboxLimits } from '../../../src/telemetry/index.ts';
import { attributesOf, decodeRequest, metricsOf } from './otlp-json-decoder.ts';

/** A request with one gauge point whose value is `n` (and a body size that grows with `pad`). */
export function requestWith(n: number, pad = 0): ExportMetricsServiceRequestJson {
  return {
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: `svc${'x'.repeat(pad)}` } }] },
        scopeMetrics: [
          {
            scope: { name: 'edgeflow' },
            metrics: [
              {
                name: 'edgeflow.drift.share',
                gauge: {
                  dataPoints: [{ attributes: [], startTimeUnixNano: '1', timeUnixNano: '2', asDouble: n }],
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

function shareOf(body: string): number | undefined {
  return metricsOf(decodeRequest(body)).find((m) => m.name === 'edgeflow.drift.share')?.gauge?.dataPoints[0]
    ?.asDouble;
}

function dropsIn(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of metricsOf(decodeRequest(body)))
    if (m.name === 'edgeflow.telemetry.dropped')
      for (const p of m.sum?.dataPoints ?? [])
        out[String(attributesOf(p)['edgeflow.reason'])] = p.asInt ?? '';
  return out;
}

/** Runs the contract against outboxes made by `open` (each call a fresh, empty outbox). */
export function outboxContract(open: (limits: Partial<OutboxLimits>) => Promise<Outbox>): void {
  it('keeps batches in order with their keys and exact bodies', async () => {
    const outbox = await open({});
    for (const n of [1, 2, 3]) await outbox.append(requestWith(n), `k${n}`);
    const batches = await outbox.peek(10);
    expect(batches.map((b) => [b.key, shareOf(b.body)])).toEqual([
      ['k1', 1],
      ['k2', 2],
      ['k3', 3],
    ]);
    expect(batches.map((b) => b.bytes)).toEqual(
      batches.map((b) => new TextEncoder().encode(b.body).byteLength),
    );
    expect(await outbox.size()).toEqual({ batches: 3, bytes: batches.reduce((s, b) => s + b.bytes, 0) });
    await outbox.remove([batches[0]?.seq ?? -1]);
    expect((await outbox.peek(10)).map((b) => b.key)).toEqual(['k2', 'k3']);
    outbox.close();
  });

  it('when full drops the oldest, never exceeds its bounds, and reports the count in the next batch', async () => {
    const outbox = await open({ maxBatches: 3 });
    for (const n of [1, 2, 3, 4, 5]) {
      const result = await outbox.append(requestWith(n), `k${n}`);
      expect(result.evicted).toBe(n > 3 ? 1 : 0);
      expect((await outbox.size()).batches).toBeLessThanOrEqual(3);
    }
    expect((await outbox.peek(10)).map((b) => b.key)).toEqual(['k3', 'k4', 'k5']);
    expect(await outbox.pendingDrops()).toEqual({ 'outbox-full': 1 });
    await outbox.append(requestWith(6), 'k6');
    const sixth = (await outbox.peek(10)).at(-1);
    // k4 evicted by k6 (count 1 pending again); k6 carries the 1 drop caused by k5's append.
    expect((await outbox.peek(10)).map((b) => b.key)).toEqual(['k4', 'k5', 'k6']);
    expect(dropsIn(sixth?.body ?? '')).toEqual({ 'outbox-full': '1' });
    expect(await outbox.pendingDrops()).toEqual({ 'outbox-full': 1 });
    outbox.close();
  });

  it('bounds bytes too: evicts by size and refuses a single batch larger than the bound', async () => {
    const one = new TextEncoder().encode(JSON.stringify(requestWith(1, 200))).byteLength;
    const outbox = await open({ maxBytes: one * 2 + 10, maxBatches: 100 });
    for (const n of [1, 2, 3]) await outbox.append(requestWith(n, 200), `k${n}`);
    const size = await outbox.size();
    expect(size.batches).toBe(2);
    expect(size.bytes).toBeLessThanOrEqual(one * 2 + 10);
    const tooLarge = await outbox.append(requestWith(9, 5000), 'big');
    expect(tooLarge.batch).toBeNull();
    expect(await outbox.pendingDrops()).toEqual({ 'outbox-full': 1, 'too-large': 1 });
    expect((await outbox.peek(10)).map((b) => b.key)).toEqual(['k2', 'k3']);
    outbox.close();
  });

  it('discard removes refused batches and counts them by reason', async () => {
    const outbox = await open({});
    await outbox.append(requestWith(1), 'a');
    await outbox.append(requestWith(2), 'b');
    const [a] = await outbox.peek(1);
    await outbox.discard([a?.seq ?? -1], 'rejected-400');
    await outbox.discard([a?.seq ?? -1], 'rejected-400');
    expect(await outbox.pendingDrops()).toEqual({ 'rejected-400': 1 });
    const { batch } = await outbox.append(requestWith(3), 'c');
    expect(dropsIn(batch?.body ?? '')).toEqual({ 'rejected-400': '1' });
    expect(await outbox.pendingDrops()).toEqual({});
    outbox.close();
  });

  it('purge empties batches and pending drops', async () => {
    const outbox = await open({ maxBatches: 1 });
    await outbox.append(requestWith(1), 'a');
    await outbox.append(requestWith(2), 'b');
    await outbox.purge();
    expect(await outbox.size()).toEqual({ batches: 0, bytes: 0 });
    expect(await outbox.pendingDrops()).toEqual({});
    expect(await outbox.peek(5)).toEqual([]);
    outbox.close();
  });
}
