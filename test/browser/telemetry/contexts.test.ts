// Issue 12: one outbox per origin shared by the page and workers; a Web Lock elects one sender;
// a context killed mid-flush loses nothing and (by idempotency key) counts nothing twice.
import { afterEach, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import { METRIC } from '../../../src/schemas/telemetry.ts';
import { sumOf } from '../../unit/telemetry/otlp-json-decoder.ts';
import { freshDb, predictEvent, sinkPosts, startTestTelemetry, waitFor } from './telemetry-helpers.ts';

interface TelemetryWorker {
  call(message: Record<string, unknown>): Promise<unknown>;
  terminate(): void;
}

function spawn(): TelemetryWorker {
  const worker = new Worker(new URL('./telemetry-worker.ts', import.meta.url), { type: 'module' });
  let next = 0;
  const waiting = new Map<number, (value: unknown) => void>();
  worker.onmessage = (event: MessageEvent<{ id: number; result: unknown }>) => {
    waiting.get(event.data.id)?.(event.data.result);
    waiting.delete(event.data.id);
  };
  return {
    call(message) {
      const id = next++;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        worker.postMessage({ ...message, id });
      });
    },
    terminate: () => worker.terminate(),
  };
}

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** Rows per model counted once per idempotency key (what the collector stores). */
function rowsByModelOnce(posts: Awaited<ReturnType<typeof sinkPosts>>): Record<string, number> {
  const seen = new Set<string | null>();
  const out: Record<string, number> = {};
  for (const post of posts) {
    if (seen.has(post.key)) continue;
    seen.add(post.key);
    for (const model of ['page', 'w1', 'w2', 'gone'])
      out[model] =
        (out[model] ?? 0) + sumOf([post.request], METRIC.predictRows, (a) => a['edgeflow.model'] === model);
  }
  return out;
}

describe('telemetry across contexts', () => {
  it('a page and two workers recording at once → one sender, every point delivered once', async () => {
    const url = await commands.startTelemetrySink();
    cleanup.push(() => commands.stopTelemetrySink(url));
    const db = freshDb('contexts');
    const { telemetry } = await startTestTelemetry(url, 'unused', { outbox: { name: db } });
    cleanup.push(() => telemetry.shutdown());
    const workers = [spawn(), spawn()];
    for (const w of workers) cleanup.push(() => w.terminate());
    await Promise.all(workers.map((w) => w.call({ type: 'start', endpoint: url, db })));
    const rounds = 5;
    await Promise.all([
      (async () => {
        for (let i = 0; i < rounds; i++) {
          telemetry.instruments.recordPredict(predictEvent('page', 3));
          await telemetry.flush();
        }
      })(),
      ...workers.map(async (w, k) => {
        for (let i = 0; i < rounds; i++) await w.call({ type: 'record', model: `w${k + 1}`, rows: 7 });
      }),
    ]);
    await waitFor(async () => (await telemetry.status()).batches === 0);
    const posts = await sinkPosts(url);
    expect(posts.length).toBe(3 * rounds);
    expect(new Set(posts.map((p) => p.key)).size).toBe(3 * rounds);
    expect(rowsByModelOnce(posts)).toEqual({ page: 15, w1: 35, w2: 35, gone: 0 });
    const senders = [
      (await telemetry.status()).sender,
      ...(await Promise.all(
        workers.map(async (w) => ((await w.call({ type: 'status' })) as { sender: boolean }).sender),
      )),
    ];
    expect(senders.filter(Boolean).length).toBe(1);
  });

  it('a context killed in the middle of a flush → nothing lost, nothing counted twice', async () => {
    const url = await commands.startTelemetrySink([{ status: 200, delayMs: 1500 }]);
    cleanup.push(() => commands.stopTelemetrySink(url));
    const db = freshDb('killed');
    const doomed = spawn();
    await doomed.call({ type: 'start', endpoint: url, db });
    await doomed.call({ type: 'record', model: 'gone', rows: 11 });
    await doomed.call({ type: 'record', model: 'gone', rows: 4 });
    // The first batch is on the wire, unanswered: the context goes away (as a reload does).
    await waitFor(async () => (await sinkPosts(url)).length === 1);
    doomed.terminate();
    const { telemetry } = await startTestTelemetry(url, 'unused', { outbox: { name: db } });
    cleanup.push(() => telemetry.shutdown());
    await waitFor(async () => (await telemetry.status()).batches === 0);
    const posts = await sinkPosts(url);
    // The unacknowledged batch is sent again under the same key; the collector keeps one copy.
    expect(posts.map((p) => sumOf([p.request], METRIC.predictRows))).toEqual([11, 11, 4]);
    expect(posts[1]?.key).toBe(posts[0]?.key);
    expect(rowsByModelOnce(posts).gone).toBe(15);
  });
});
