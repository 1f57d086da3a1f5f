// Issue 12, privacy as a test: a real model predicts on rows with distinctive raw values (a unique
// string id, an extreme number, a rare category); its predict, drift and error events go through
// telemetry and the IndexedDB outbox to a real HTTP sink. No outbox record and no request body
// (decompressed) may contain any of those values.
import { afterAll, expect, test } from 'vitest';
import { commands } from 'vitest/browser';
import { createPredictor } from '../../../src/monitor/index.ts';
import { METRIC } from '../../../src/schemas/telemetry.ts';
import { openIndexedDbOutbox } from '../../../src/telemetry/index.ts';
import { makeRows, registerFixture } from '../../unit/monitor/fixtures.ts';
import { metricsOf, sumOf } from '../../unit/telemetry/otlp-json-decoder.ts';
import { freshDb, sinkPosts, startTestTelemetry, waitFor } from './telemetry-helpers.ts';

const SECRET_ID = 'CUST-QX7Z-4471';
const EXTREME = 98765.4321;
const RARE = 'vermilionish';

let stopSink: (() => Promise<void>) | null = null;
afterAll(async () => {
  await stopSink?.();
});

test('no raw value, identifier or category leaves the device or lands in the outbox', async () => {
  const fixture = await registerFixture(makeRows(300, 1), { model: 'privacy' });
  const predictor = await createPredictor({
    registry: fixture.registry,
    model: 'privacy',
    backend: 'cpu',
    drift: { window: { rows: 60 } },
  });
  // The first try is answered 503, so the batches wait in the outbox where the test reads them.
  const url = await commands.startTelemetrySink([{ status: 503, headers: { 'Retry-After': '1' } }]);
  stopSink = () => commands.stopTelemetrySink(url);
  const db = freshDb('privacy');
  const { telemetry, errors } = await startTestTelemetry(url, 'privacy', {
    outbox: { name: db },
    resource: { model: 'privacy', modelVersion: 1 },
  });
  const unsubscribe = telemetry.instrument(predictor);

  const rows: Record<string, unknown>[] = makeRows(80, 2, { shift: 0.5 }).map(({ label: _, ...r }) => r);
  rows.push({ x1: EXTREME, x2: 10, color: 'red' });
  rows.push({ x1: 0.2, x2: SECRET_ID, color: 'blue' });
  rows.push({ x1: 0.3, x2: 9.5, color: RARE });
  rows.push({ x1: 0.4, x2: 11, color: 'green', customer: SECRET_ID });
  const results = await predictor.predict(rows);
  expect(results.filter((r) => !r.ok).length).toBeGreaterThan(0);
  await telemetry.flush();

  // Every outbox record, read through a second connection as any context would.
  const outbox = await openIndexedDbOutbox({ name: db });
  const stored = await outbox.peek(1000);
  outbox.close();
  await waitFor(async () => (await telemetry.status()).batches === 0);
  const posts = await sinkPosts(url);
  unsubscribe();
  await telemetry.shutdown();
  predictor.dispose();

  expect(stored.length).toBeGreaterThan(0);
  expect(posts.map((p) => p.status)).toEqual([503, 200]);
  // The signals really went through: rows, refused rows by code, and a drift window.
  const delivered = posts.slice(1).map((p) => p.request);
  // `edgeflow.predict.rows` counts every row handed to predict; refused ones are also in `errors`.
  expect(sumOf(delivered, METRIC.predictRows)).toBe(rows.length);
  expect(sumOf(delivered, METRIC.predictErrors)).toBe(results.filter((r) => !r.ok).length);
  expect(delivered.flatMap(metricsOf).map((m) => m.name)).toContain(METRIC.driftStatistic);
  for (const text of [...stored.map((s) => s.body), ...posts.map((p) => p.body)]) {
    for (const secret of [SECRET_ID, 'QX7Z', String(EXTREME), '98765', RARE, 'customer']) {
      expect(text.includes(secret), `"${secret}" leaked`).toBe(false);
    }
  }
  expect(errors.map((e) => e.code)).toEqual(['OVERLOADED']);
});
