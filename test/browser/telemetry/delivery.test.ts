// Issue 12, reliability against a real HTTP server: gzip + idempotency key, preview is exactly what
// is sent, 503 + Retry-After is honoured, 400 is dropped and counted, offline→online delivers
// every batch once and in order, turning telemetry off stops at once.
import { afterEach, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import { METRIC } from '../../../src/schemas/telemetry.ts';
import { startTelemetry } from '../../../src/telemetry/index.ts';
import { attributesOf, metricsOf, resourceOf, sumOf } from '../../unit/telemetry/otlp-json-decoder.ts';
import { freshDb, predictEvent, sinkPosts, startTestTelemetry, waitFor } from './telemetry-helpers.ts';

const sinks: string[] = [];
async function sink(script: Parameters<typeof commands.startTelemetrySink>[0] = []): Promise<string> {
  const url = await commands.startTelemetrySink(script);
  sinks.push(url);
  return url;
}

/** Emulates navigator.onLine and fires the matching event. */
function setOnline(online: boolean): void {
  if (online) delete (navigator as { onLine?: boolean }).onLine;
  else Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
  window.dispatchEvent(new Event(online ? 'online' : 'offline'));
}

afterEach(async () => {
  setOnline(true);
  for (const url of sinks.splice(0)) await commands.stopTelemetrySink(url);
});

describe('telemetry delivery', () => {
  it('sends gzipped OTLP JSON with an idempotency key; preview shows the exact body', async () => {
    const url = await sink([{ status: 200, body: '{}', delayMs: 300 }]);
    const { telemetry, errors } = await startTestTelemetry(url, 'basic', {
      resource: { model: 'churn', modelVersion: 4 },
    });
    telemetry.instruments.recordPredict(predictEvent('churn', 20));
    telemetry.recordReleaseEvent('activated', { model: 'churn', version: 4 });
    const preview = await telemetry.preview();
    await waitFor(async () => (await telemetry.status()).batches === 0);
    const posts = await sinkPosts(url);
    expect(posts.length).toBe(1);
    expect(posts[0]?.encoding).toBe('gzip');
    expect(posts[0]?.key).toBe(preview?.key);
    expect(posts[0]?.body).toBe(preview?.body);
    expect(preview?.url).toBe(`${url}/v1/metrics`);
    expect(preview?.headers['idempotency-key']).toBe(preview?.key);
    const request = posts[0]?.request;
    if (request === undefined) throw new Error('no request');
    const resource = resourceOf(request);
    expect(resource['edgeflow.model']).toBe('churn');
    expect(resource['edgeflow.model.version']).toBe('4');
    expect(resource['edgeflow.device.class']).toBe('gpu=software;mem=8;os=linux');
    expect(String(resource['service.instance.id'])).toMatch(/^[0-9a-f-]{36}$/);
    expect(Object.keys(resource).sort()).toEqual(
      [
        'edgeflow.device.class',
        'edgeflow.model',
        'edgeflow.model.version',
        'os.type',
        'service.instance.id',
        'service.name',
        'telemetry.sdk.language',
        'telemetry.sdk.name',
        'telemetry.sdk.version',
      ].sort(),
    );
    expect(sumOf([request], METRIC.predictRows)).toBe(20);
    expect(sumOf([request], METRIC.releaseEvents, (a) => a['edgeflow.event'] === 'activated')).toBe(1);
    expect(errors).toEqual([]);
    await telemetry.shutdown();
  });

  it('503 with Retry-After: 2 → the next try waits at least 2 s, same key; then a 400 is dropped and counted', async () => {
    const url = await sink([
      { status: 503, headers: { 'Retry-After': '2' } },
      { status: 200 },
      { status: 400, body: '{"error":"bad"}' },
    ]);
    const { telemetry, errors } = await startTestTelemetry(url, 'retry');
    telemetry.instruments.recordPredict(predictEvent('m', 1));
    await telemetry.flush();
    await waitFor(async () => (await sinkPosts(url)).length === 2);
    telemetry.instruments.recordPredict(predictEvent('m', 2));
    await telemetry.flush();
    await waitFor(async () => (await sinkPosts(url)).length === 3);
    telemetry.instruments.recordPredict(predictEvent('m', 3));
    await telemetry.flush();
    await waitFor(async () => (await sinkPosts(url)).length === 4);
    const posts = await sinkPosts(url);
    expect(posts.map((p) => p.status)).toEqual([503, 200, 400, 200]);
    expect(posts[1]?.key).toBe(posts[0]?.key);
    expect((posts[1]?.at ?? 0) - (posts[0]?.at ?? 0)).toBeGreaterThanOrEqual(2000);
    expect(new Set(posts.map((p) => p.key)).size).toBe(3);
    // The batch after the refused one reports it, and carries its own rows.
    const last = posts[3]?.request;
    if (last === undefined) throw new Error('no request');
    expect(sumOf([last], METRIC.telemetryDropped, (a) => a['edgeflow.reason'] === 'rejected-400')).toBe(1);
    expect(sumOf([last], METRIC.predictRows)).toBe(3);
    expect(errors.map((e) => e.code)).toEqual(['OVERLOADED', 'INVALID_ARGUMENT']);
    expect((await telemetry.status()).stats.refused).toEqual({ 'rejected-400': 1 });
    await telemetry.shutdown();
  });

  it('offline for several intervals, then online → every batch arrives exactly once, in order', async () => {
    const url = await sink();
    const { telemetry, errors } = await startTestTelemetry(url, 'offline');
    // The network goes: connections to the collector fail (real network errors, retried)…
    await commands.setTelemetrySinkDown(url, true);
    telemetry.instruments.recordPredict(predictEvent('m', 1));
    await telemetry.flush();
    await waitFor(() => errors.some((e) => e.code === 'NETWORK_ERROR'));
    // …then the browser says it is offline (Playwright's setOffline would also cut Vitest's own
    // connection, so the `offline` state is emulated on navigator, as Chromium reports it).
    setOnline(false);
    for (let i = 2; i <= 4; i++) {
      telemetry.instruments.recordPredict(predictEvent('m', i));
      await telemetry.flush();
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(await sinkPosts(url)).toEqual([]);
    expect((await telemetry.status()).batches).toBe(4);
    await commands.setTelemetrySinkDown(url, false);
    setOnline(true);
    await waitFor(async () => (await telemetry.status()).batches === 0);
    const posts = await sinkPosts(url);
    expect(posts.map((p) => sumOf([p.request], METRIC.predictRows))).toEqual([1, 2, 3, 4]);
    expect(new Set(posts.map((p) => p.key)).size).toBe(4);
    await telemetry.shutdown();
  });

  it('pagehide sends what the SDK holds with keepalive, under the same key as its outbox copy', async () => {
    const url = await sink();
    const { telemetry } = await startTestTelemetry(url, 'hide');
    telemetry.instruments.recordPredict(predictEvent('m', 12));
    window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }));
    await waitFor(
      async () => (await sinkPosts(url)).length === 2 && (await telemetry.status()).batches === 0,
    );
    const posts = await sinkPosts(url);
    // The keepalive request goes out uncompressed (no time for async gzip while the page goes away);
    // the outbox copy is the durable fallback and carries the same idempotency key.
    expect(posts.map((p) => p.encoding).sort()).toEqual(['gzip', null]);
    expect(posts[1]?.key).toBe(posts[0]?.key);
    expect(posts.map((p) => sumOf([p.request], METRIC.predictRows))).toEqual([12, 12]);
    await telemetry.shutdown();
  });

  it('off stops recording and sending at once; purge empties the outbox', async () => {
    const url = await sink([{ status: 503, headers: { 'Retry-After': '60' } }]);
    const { telemetry } = await startTestTelemetry(url, 'consent');
    telemetry.instruments.recordPredict(predictEvent('m', 5));
    await telemetry.flush();
    await waitFor(async () => (await sinkPosts(url)).length === 1);
    await telemetry.disable();
    expect(telemetry.instruments.recordPredict(predictEvent('m', 7))).toEqual({ ok: true, recorded: false });
    await telemetry.flush();
    expect((await telemetry.status()).batches).toBe(1);
    expect(await telemetry.preview()).not.toBeNull();
    await telemetry.purge();
    expect(await telemetry.status()).toMatchObject({ enabled: false, batches: 0, bytes: 0 });
    expect(await telemetry.preview()).toBeNull();
    await new Promise((r) => setTimeout(r, 200));
    expect((await sinkPosts(url)).length).toBe(1);
    await telemetry.shutdown();
  });

  it('starts off by default: nothing is recorded or stored until enable()', async () => {
    const url = await sink();
    // No `enabled` option: the library's default must be off.
    const telemetry = await startTelemetry({
      endpoint: url,
      deviceClass: false,
      outbox: { name: freshDb('default-off') },
      pollMs: 50,
    });
    expect(telemetry.isEnabled()).toBe(false);
    expect(telemetry.instruments.recordPredict(predictEvent('m', 1)).ok).toBe(true);
    await telemetry.flush();
    expect(await telemetry.preview()).toBeNull();
    telemetry.enable();
    telemetry.instruments.recordPredict(predictEvent('m', 9));
    await telemetry.flush();
    await waitFor(async () => (await sinkPosts(url)).length === 1);
    const [post] = await sinkPosts(url);
    expect(post && sumOf([post.request], METRIC.predictRows)).toBe(9);
    expect(metricsOf(post?.request ?? { resourceMetrics: [] }).map((m) => m.name)).toContain(
      METRIC.predictDuration,
    );
    expect(attributesOf({ attributes: [] })).toEqual({});
    await telemetry.shutdown();
  });
});
