// Issue 12: outbox full → oldest dropped, the drop count reported, IndexedDB never over its bound;
// a quota error from IndexedDB → telemetry degrades to memory with a warning and keeps delivering.
import { afterEach, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import { EdgeflowError } from '../../../src/errors.ts';
import { METRIC } from '../../../src/schemas/telemetry.ts';
import { type Outbox, openIndexedDbOutbox } from '../../../src/telemetry/index.ts';
import { sumOf } from '../../unit/telemetry/otlp-json-decoder.ts';
import { freshDb, predictEvent, sinkPosts, startTestTelemetry, waitFor } from './telemetry-helpers.ts';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

describe('outbox limits', () => {
  it('when full drops the oldest, stays within its bound and reports what it dropped', async () => {
    // The first try is answered 503 + Retry-After: 1, so the outbox fills while the sender waits.
    const url = await commands.startTelemetrySink([{ status: 503, headers: { 'Retry-After': '1' } }]);
    cleanup.push(() => commands.stopTelemetrySink(url));
    const { telemetry } = await startTestTelemetry(url, 'full', {
      outbox: { name: `full-${Date.now()}`, maxBatches: 3 },
    });
    cleanup.push(() => telemetry.shutdown());
    for (let i = 1; i <= 6; i++) {
      telemetry.instruments.recordPredict(predictEvent('m', i));
      await telemetry.flush();
      expect((await telemetry.status()).batches).toBeLessThanOrEqual(3);
    }
    expect((await telemetry.status()).batches).toBe(3);
    await waitFor(async () => (await telemetry.status()).batches === 0);
    telemetry.instruments.recordPredict(predictEvent('m', 100));
    await telemetry.flush();
    await waitFor(async () => (await sinkPosts(url)).length === 5);
    const all = await sinkPosts(url);
    expect(all.map((p) => p.status)).toEqual([503, 200, 200, 200, 200]);
    const posts = all.slice(1).map((p) => p.request);
    // Batches 1–3 were evicted; 4, 5, 6 and the new one arrive, and together report 3 drops.
    expect(posts.map((r) => sumOf([r], METRIC.predictRows))).toEqual([4, 5, 6, 100]);
    expect(
      posts.map((r) => sumOf([r], METRIC.telemetryDropped, (a) => a['edgeflow.reason'] === 'outbox-full')),
    ).toEqual([0, 1, 1, 1]);
  });

  it('a quota error from IndexedDB → in-memory outbox with a QUOTA_EXCEEDED warning; the app keeps working', async () => {
    const url = await commands.startTelemetrySink();
    cleanup.push(() => commands.stopTelemetrySink(url));
    // Chromium's quota cannot be lowered from a test (DevTools' Storage.overrideQuotaForOrigin left
    // navigator.storage.estimate() at 10 GiB here), so the real IndexedDB outbox is wrapped to fail
    // its appends the way it does when IndexedDB throws QuotaExceededError.
    const real = await openIndexedDbOutbox({ name: freshDb('quota') });
    const full: Outbox = {
      ...real,
      kind: real.kind,
      append: async () => {
        throw new EdgeflowError('QUOTA_EXCEEDED', 'IndexedDB refused to store a batch: quota', {
          cause: new DOMException('quota', 'QuotaExceededError'),
        });
      },
    };
    const { telemetry, errors } = await startTestTelemetry(url, 'quota', { outbox: full });
    cleanup.push(() => telemetry.shutdown());
    expect((await telemetry.status()).outbox).toBe('indexeddb');
    const result = telemetry.instruments.recordPredict(predictEvent('m', 8));
    expect(result).toEqual({ ok: true, recorded: true });
    await telemetry.flush();
    expect(errors.map((e) => e.code)).toEqual(['QUOTA_EXCEEDED']);
    expect(errors[0]?.message).toContain('in memory');
    expect((await telemetry.status()).outbox).toBe('memory');
    await waitFor(async () => (await sinkPosts(url)).length === 1);
    telemetry.instruments.recordPredict(predictEvent('m', 2));
    await telemetry.flush();
    await waitFor(async () => (await sinkPosts(url)).length === 2);
    expect((await sinkPosts(url)).map((p) => sumOf([p.request], METRIC.predictRows))).toEqual([8, 2]);
  });
});
