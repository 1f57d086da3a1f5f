// Issue 13: OTLP/HTTP JSON ingest answers per the OTLP spec (200, partialSuccess, 400, 413, 415,
// 429 with Retry-After), takes gzip, refuses gzip bombs, and stores a replayed batch once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { METRIC } from 'edgeflow/schemas';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningCollector, startCollector } from '../src/server.ts';
import { type Device, edgeflowBatch, gauge, gaugePoint, request } from './helpers/otlp-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'edgeflow-ingest-'));
const device: Device = {
  instance: 'i-1',
  model: 'iris',
  version: 2,
  backend: 'webgpu',
  deviceClass: 'gpu=nvidia;mem=8;os=linux',
};
let collector: RunningCollector;
let url: string;

beforeAll(async () => {
  collector = await startCollector({
    port: 0,
    dataDir: dir,
    maxBodyBytes: 256 * 1024,
    maxDecodedBytes: 1024 * 1024,
    rateLimit: 5000,
  });
  url = new URL('/v1/metrics', collector.url).href;
});
afterAll(async () => {
  await collector.close();
  rmSync(dir, { recursive: true, force: true });
});

function post(body: BodyInit, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
}

describe('OTLP/HTTP JSON ingest', () => {
  test('a 512-point edgeflow batch is acknowledged with {} and stored; a replay of its batch key is acknowledged and not stored again', async () => {
    const before = collector.store.pointCount();
    const body = JSON.stringify(edgeflowBatch(device, Date.now()));
    const first = await post(body, { 'idempotency-key': 'batch-0001' });
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await first.json()).toEqual({});
    expect(collector.store.pointCount()).toBe(before + 512);
    const replay = await post(body, { 'idempotency-key': 'batch-0001' });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({});
    expect(collector.store.pointCount()).toBe(before + 512);
    // The same points under a new key are a new batch.
    expect((await post(body, { 'idempotency-key': 'batch-0002' })).status).toBe(200);
    expect(collector.store.pointCount()).toBe(before + 1024);
  });

  test('a gzip body is taken', async () => {
    const before = collector.store.pointCount();
    const body = gzipSync(
      JSON.stringify(request(device, [gauge(METRIC.driftShare, [gaugePoint(Date.now(), 0.5)])])),
    );
    const response = await post(body, { 'content-encoding': 'gzip' });
    expect(response.status).toBe(200);
    expect(collector.store.pointCount()).toBe(before + 1);
  });

  test('bad points are rejected in partialSuccess while the good ones of the same request are stored', async () => {
    const before = collector.store.pointCount();
    const now = Date.now();
    const body = request(device, [
      gauge(METRIC.driftShare, [
        gaugePoint(now, 0.25),
        { asDouble: 0.3 },
        { timeUnixNano: '1', asDouble: 'lots' },
        { timeUnixNano: String(now * 1e6), asDouble: 'HUGE' },
      ]),
      { name: 'edgeflow.summary', summary: { dataPoints: [{}, {}] } },
    ]);
    const response = await post(JSON.stringify(body).replace('"HUGE"', '1e400'));
    expect(response.status).toBe(200);
    const json = (await response.json()) as {
      partialSuccess: { rejectedDataPoints: string; errorMessage: string };
    };
    expect(json.partialSuccess.rejectedDataPoints).toBe('5');
    expect(json.partialSuccess.errorMessage).toContain('timeUnixNano is missing');
    expect(json.partialSuccess.errorMessage).toContain('summary points are not stored');
    expect(collector.store.pointCount()).toBe(before + 1);
  });

  test('a body that is not JSON is a 400 whose message says so, with a google.rpc.Status body', async () => {
    const response = await post('{"resourceMetrics": [');
    expect(response.status).toBe(400);
    const json = (await response.json()) as { code: number; message: string; edgeflowCode: string };
    expect(json.code).toBe(3);
    expect(json.edgeflowCode).toBe('PARSE_ERROR');
    expect(json.message).toMatch(/^The body is not valid JSON/);
  });

  test('a JSON body of the wrong shape is a 400 naming the path', async () => {
    const response = await post(
      JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 7 }] }] }] }),
    );
    expect(response.status).toBe(400);
    const json = (await response.json()) as { message: string; edgeflowCode: string };
    expect(json.edgeflowCode).toBe('SCHEMA_MISMATCH');
    expect(json.message).toContain('"resourceMetrics.0.scopeMetrics.0.metrics.0.name"');
  });

  test('protobuf is refused with 415 and says to send JSON; other types too', async () => {
    const proto = await post(new Uint8Array([10, 0]), { 'content-type': 'application/x-protobuf' });
    expect(proto.status).toBe(415);
    expect(((await proto.json()) as { message: string }).message).toContain(
      'OTEL_EXPORTER_OTLP_METRICS_PROTOCOL=http/json',
    );
    const text = await post('hello', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    expect(((await text.json()) as { edgeflowCode: string }).edgeflowCode).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  test('a body over the limit is a 413, and so is a gzip bomb that would decompress past it', async () => {
    const big = await post('x'.repeat(300 * 1024));
    expect(big.status).toBe(413);
    expect(((await big.json()) as { edgeflowCode: string }).edgeflowCode).toBe('PAYLOAD_TOO_LARGE');
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(256 * 1024);
    const response = await post(bomb, { 'content-encoding': 'gzip' });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { message: string }).message).toBe(
      'The body decompresses to more than 1048576 bytes; refused.',
    );
  });

  test('corrupt gzip and invalid UTF-8 are 400s', async () => {
    const corrupt = await post(new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3]), { 'content-encoding': 'gzip' });
    expect(corrupt.status).toBe(400);
    const utf8 = await post(new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]));
    expect(utf8.status).toBe(400);
    expect(((await utf8.json()) as { message: string }).message).toBe('The body is not valid UTF-8.');
  });

  test('past the per-key rate limit the answer is 429 with Retry-After', async () => {
    // 100 points/s, bursts to 200: a 150-point batch passes, a second one needs a second's refill.
    const limited = await startCollector({ port: 0, rateLimit: 100 });
    try {
      const body = JSON.stringify(edgeflowBatch(device, Date.now(), 150));
      const send = (): Promise<Response> =>
        fetch(new URL('/v1/metrics', limited.url), {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json' },
        });
      expect((await send()).status).toBe(200);
      const refused = await send();
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(((await refused.json()) as { edgeflowCode: string }).edgeflowCode).toBe('RATE_LIMITED');
      expect(limited.store.pointCount()).toBe(150);
    } finally {
      await limited.close();
    }
  });
});
