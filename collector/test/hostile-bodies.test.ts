// Issue 13: 3,000 malformed or hostile bodies (fast-check: truncated JSON, wrong types, huge
// numbers, deep nesting, gzip bombs, oversized strings, invalid UTF-8, odd headers) against a real
// HTTP server: never a 5xx, never a crash, memory bounded, and the server still ingests afterwards.
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type RunningCollector, startCollector } from '../src/server.ts';
import { edgeflowBatch } from './helpers/otlp-fixtures.ts';

let collector: RunningCollector;
beforeAll(async () => {
  collector = await startCollector({
    port: 0,
    rateLimit: 0,
    maxBodyBytes: 1024 * 1024,
    maxDecodedBytes: 4 * 1024 * 1024,
  });
});
afterAll(async () => {
  await collector.close();
});

const device = { instance: 'fuzz', model: 'm', version: 1, backend: 'cpu', deviceClass: 'c' };
const valid = JSON.stringify(edgeflowBatch(device, Date.now(), 64));
// Built once: a 64 MiB gzip bomb (about 64 KiB on the wire) and a 10 MB string.
const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x7b));
const tenMegabytes = `{"resourceMetrics":[{"resource":{"attributes":[{"key":"a","value":{"stringValue":"${'x'.repeat(10_000_000)}"}}]}}]}`;

type Body = { body: Uint8Array | string; headers: Record<string, string> };
const json = { 'content-type': 'application/json' };

const bodies: fc.Arbitrary<Body> = fc.oneof(
  // Truncated JSON.
  {
    weight: 20,
    arbitrary: fc
      .integer({ min: 0, max: valid.length - 1 })
      .map((cut) => ({ body: valid.slice(0, cut), headers: json })),
  },
  // Any JSON value at the root, and at each level of the envelope.
  {
    weight: 20,
    arbitrary: fc.jsonValue().map((v) => ({ body: JSON.stringify(v) ?? 'null', headers: json })),
  },
  {
    weight: 20,
    arbitrary: fc.jsonValue().map((v) => ({ body: JSON.stringify({ resourceMetrics: v }), headers: json })),
  },
  {
    weight: 20,
    arbitrary: fc.jsonValue().map((v) => ({
      body: JSON.stringify({ resourceMetrics: [{ resource: v, scopeMetrics: [{ metrics: [] }] }] }),
      headers: json,
    })),
  },
  {
    weight: 20,
    arbitrary: fc.jsonValue().map((v) => ({
      body: JSON.stringify({
        resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'x', gauge: { dataPoints: v } }] }] }],
      }),
      headers: json,
    })),
  },
  {
    weight: 20,
    arbitrary: fc.tuple(fc.jsonValue(), fc.jsonValue(), fc.jsonValue()).map(([time, value, attrs]) => ({
      body: JSON.stringify({
        resourceMetrics: [
          {
            scopeMetrics: [
              {
                metrics: [
                  {
                    name: 'x',
                    sum: { dataPoints: [{ timeUnixNano: time, asDouble: value, attributes: attrs }] },
                  },
                ],
              },
            ],
          },
        ],
      }),
      headers: json,
    })),
  },
  {
    weight: 20,
    arbitrary: fc.tuple(fc.jsonValue(), fc.jsonValue(), fc.jsonValue()).map(([scale, offset, counts]) => ({
      body: JSON.stringify({
        resourceMetrics: [
          {
            scopeMetrics: [
              {
                metrics: [
                  {
                    name: 'edgeflow.predict.duration',
                    exponentialHistogram: {
                      aggregationTemporality: 2,
                      dataPoints: [
                        { timeUnixNano: '1', count: 1, scale, positive: { offset, bucketCounts: counts } },
                      ],
                    },
                  },
                ],
              },
            ],
          },
        ],
      }),
      headers: json,
    })),
  },
  // Huge numbers in every numeric position.
  {
    weight: 20,
    arbitrary: fc
      .constantFrom(
        '1e999999',
        '-1e400',
        '123456789012345678901234567890',
        '9007199254740993',
        '-0',
        '1e-400',
      )
      .map((n) => ({
        body: valid
          .replace(/"asDouble":[^,}]+/g, `"asDouble":${n}`)
          .replace(/"scale":\d+/g, `"scale":${n}`)
          .replace(/"timeUnixNano":"\d+"/, `"timeUnixNano":${n}`),
        headers: json,
      })),
  },
  // Deep nesting, at the root and inside an attribute value.
  {
    weight: 20,
    arbitrary: fc
      .integer({ min: 1, max: 200_000 })
      .map((depth) => ({ body: `${'['.repeat(depth)}${']'.repeat(depth)}`, headers: json })),
  },
  {
    weight: 20,
    arbitrary: fc.integer({ min: 1, max: 30_000 }).map((depth) => ({
      body: `{"resourceMetrics":[{"resource":{"attributes":[{"key":"k","value":${'{"arrayValue":{"values":['.repeat(depth)}${']}}'.repeat(depth)}}]}}]}`,
      headers: json,
    })),
  },
  // Random bytes (mostly invalid UTF-8), plain and as gzip.
  { weight: 20, arbitrary: fc.uint8Array({ maxLength: 4096 }).map((b) => ({ body: b, headers: json })) },
  {
    weight: 20,
    arbitrary: fc
      .uint8Array({ maxLength: 4096 })
      .map((b) => ({ body: b, headers: { ...json, 'content-encoding': 'gzip' } })),
  },
  {
    weight: 20,
    arbitrary: fc
      .string()
      .map((s) => ({ body: gzipSync(s), headers: { ...json, 'content-encoding': 'gzip' } })),
  },
  // Odd headers.
  {
    weight: 20,
    arbitrary: fc
      .tuple(fc.string({ maxLength: 40 }), fc.string({ maxLength: 20 }))
      .map(([type, encoding]) => ({
        body: valid,
        headers: {
          'content-type': type.replace(/[^\x20-\x7e]/g, ''),
          'content-encoding': encoding.replace(/[^\x21-\x7e]/g, ''),
        },
      })),
  },
  {
    weight: 20,
    arbitrary: fc.string({ maxLength: 300 }).map((key) => ({
      body: valid,
      headers: { ...json, 'idempotency-key': key.replace(/[^\x20-\x7e]/g, '') },
    })),
  },
  // Rare and big: gzip bombs and 10 MB strings.
  { weight: 1, arbitrary: fc.constant({ body: bomb, headers: { ...json, 'content-encoding': 'gzip' } }) },
  { weight: 1, arbitrary: fc.constant({ body: tenMegabytes, headers: json }) },
);

test('3,000 hostile bodies: 0 server errors, 0 crashes, bounded memory, still serving', async () => {
  const url = new URL('/v1/metrics', collector.url);
  const seen = new Map<number, number>();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  await fc.assert(
    fc.asyncProperty(bodies, async ({ body, headers }) => {
      const response = await fetch(url, { method: 'POST', body: body as BodyInit, headers });
      await response.arrayBuffer();
      seen.set(response.status, (seen.get(response.status) ?? 0) + 1);
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      expect([200, 400, 413, 415]).toContain(response.status);
    }),
    { numRuns: 3000, seed: 1313 },
  );
  expect([...seen.keys()].filter((s) => s >= 500)).toEqual([]);
  // Every status class was reached, so the mix is really hostile.
  expect([...seen.keys()].sort()).toEqual([200, 400, 413, 415]);
  // The server (in this process) grew by less than 600 MB while taking 64 MiB bombs and 10 MB strings.
  expect(rssPeak - rssBefore).toBeLessThan(600 * 1024 * 1024);
  const after = await fetch(url, { method: 'POST', body: valid, headers: json });
  expect(after.status).toBe(200);
}, 120_000);
