// Issue 13: accepted batches are forwarded to an upstream OTLP/HTTP endpoint (here a second real
// HTTP server) through a retry queue kept in SQLite: 503 and network errors are retried, a 400 is
// dropped and counted, and each accepted batch arrives upstream once, byte for byte.

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type RunningCollector, startCollector } from '../src/server.ts';
import { edgeflowBatch } from './helpers/otlp-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'edgeflow-upstream-'));
let upstream: Server;
let upstreamUrl: string;
const received: { body: string; authorization: string | undefined; type: string | undefined }[] = [];
// The upstream answers 503 twice, then 400 for bodies holding "poison", then 200.
let unavailable = 2;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (unavailable > 0) {
        unavailable--;
        res.writeHead(503, { 'retry-after': '0' }).end();
        return;
      }
      if (body.includes('poison')) {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"code":3,"message":"no"}');
        return;
      }
      received.push({ body, authorization: req.headers.authorization, type: req.headers['content-type'] });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1/metrics`;
});
afterAll(async () => {
  await new Promise((resolve) => upstream.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300 && !condition(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

test('batches reach the upstream once each, after retries; a refused one is dropped and counted', async () => {
  const collector: RunningCollector = await startCollector({
    port: 0,
    dataDir: dir,
    upstream: upstreamUrl,
    upstreamIntervalMs: 50,
    upstreamHeaders: { authorization: 'Bearer upstream-key' },
  });
  try {
    const device = { instance: 'fwd', model: 'iris', version: 1, backend: 'cpu', deviceClass: 'c' };
    const bodies = [0, 1, 2].map((i) => JSON.stringify(edgeflowBatch(device, Date.now() - i * 60_000, 32)));
    const post = (body: BodyInit, headers: Record<string, string> = {}) =>
      fetch(new URL('/v1/metrics', collector.url), {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', ...headers },
      });
    expect((await post(bodies[0] ?? '', { 'idempotency-key': 'b0' })).status).toBe(200);
    // A replay is not forwarded again; a gzip body is forwarded decompressed.
    expect((await post(bodies[0] ?? '', { 'idempotency-key': 'b0' })).status).toBe(200);
    expect((await post(gzipSync(bodies[1] ?? ''), { 'content-encoding': 'gzip' })).status).toBe(200);
    expect((await post(bodies[2] ?? '')).status).toBe(200);
    const poison = bodies[2]?.replace('"fwd"', '"poison"') ?? '';
    expect((await post(poison)).status).toBe(200);

    await waitFor(
      () => received.length === 3 && collector.forwarder?.stats().backlog === 0,
      'three forwarded batches',
    );
    expect(received.map((r) => r.body).sort()).toEqual([...bodies].sort());
    expect(
      received.every((r) => r.authorization === 'Bearer upstream-key' && r.type === 'application/json'),
    ).toBe(true);
    expect(collector.forwarder?.stats()).toEqual({ forwarded: 3, retried: 2, dropped: 1, backlog: 0 });
  } finally {
    await collector.close();
  }
});
