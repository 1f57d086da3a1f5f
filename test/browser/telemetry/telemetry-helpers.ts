// Shared by the telemetry browser tests: a telemetry setup on a fresh outbox pointed at a real sink.
import { commands } from 'vitest/browser';
import type { EdgeflowError } from '../../../src/errors.ts';
import type { PredictEvent } from '../../../src/schemas/monitor.ts';
import { startTelemetry, type Telemetry, type TelemetryOptions } from '../../../src/telemetry/index.ts';
import { type DecodedRequest, decodeRequest } from '../../unit/telemetry/otlp-json-decoder.ts';

let n = 0;
/** A database name no other test uses. */
export const freshDb = (label: string): string => `tel-${label}-${Date.now()}-${n++}`;

/** A predict event for model `model` with `rows` rows. */
export const predictEvent = (model: string, rows: number): PredictEvent => ({
  type: 'predict',
  model,
  version: 1,
  backend: 'cpu',
  rows,
  errors: {},
  seconds: { pipeline: 0.0005, model: 0.0015, total: 0.002 },
  warmup: false,
});

/** startTelemetry with test-friendly settings: manual flushes, fast retries, a fresh outbox. */
export async function startTestTelemetry(
  endpoint: string,
  label: string,
  extra: Partial<TelemetryOptions> = {},
): Promise<{ telemetry: Telemetry; errors: EdgeflowError[] }> {
  const errors: EdgeflowError[] = [];
  const telemetry = await startTelemetry({
    endpoint,
    interval: 3_600_000,
    enabled: true,
    deviceClass: 'gpu=software;mem=8;os=linux',
    outbox: { name: freshDb(label) },
    retry: { initialDelayMs: 50, maxDelayMs: 100 },
    pollMs: 50,
    onError: (e) => errors.push(e),
    ...extra,
  });
  return { telemetry, errors };
}

/** Waits until `check` holds (polling every 50 ms, up to `ms`). */
export async function waitFor(check: () => Promise<boolean> | boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`condition not met within ${ms} ms`);
}

/** The sink's POSTs, decoded with the independent decoder. */
export async function sinkPosts(url: string): Promise<
  {
    key: string | null;
    at: number;
    status: number;
    request: DecodedRequest;
    body: string;
    encoding: string | null;
  }[]
> {
  const requests = await commands.telemetrySinkRequests(url);
  return requests
    .filter((r) => r.method === 'POST')
    .map((r) => ({
      key: r.key,
      at: r.at,
      status: r.status,
      request: decodeRequest(r.body),
      body: r.body,
      encoding: r.contentEncoding,
    }));
}
