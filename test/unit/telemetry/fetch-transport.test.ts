// Issue 12: the transport against a real node:http server: gzip + idempotency key on the wire, and
// each status classified (retry 429/5xx with Retry-After, keep on 401, drop 400/413 by reason).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetchTransport } from '../../../src/telemetry/index.ts';

let server: Server;
let base = '';
const answers: { status: number; headers?: Record<string, string>; body?: string }[] = [];
const seen: { path: string; key: string | undefined; encoding: string | undefined; body: string }[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const encoding = request.headers['content-encoding'];
      seen.push({
        path: request.url ?? '',
        key: request.headers['idempotency-key'] as string | undefined,
        encoding,
        body: (encoding === 'gzip' ? gunzipSync(raw) : raw).toString('utf8'),
      });
      const answer = answers.shift() ?? { status: 200 };
      response.writeHead(answer.status, answer.headers);
      response.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('fetch transport', () => {
  const transport = () => createFetchTransport({ endpoint: base, headers: { 'x-api-key': 'k' } });
  const batch = { key: 'batch-1', body: '{"resourceMetrics":[]}' };

  it('POSTs gzip to /v1/metrics with the idempotency key and reads partialSuccess', async () => {
    answers.push({ status: 200, body: '{"partialSuccess":{"rejectedDataPoints":"3"}}' });
    expect(await transport().send(batch)).toEqual({ kind: 'success', status: 200, rejectedDataPoints: 3 });
    expect(seen.at(-1)).toEqual({ path: '/v1/metrics', key: 'batch-1', encoding: 'gzip', body: batch.body });
  });

  it('classifies statuses', async () => {
    answers.push(
      { status: 429, headers: { 'retry-after': '3' } },
      { status: 503 },
      { status: 401 },
      { status: 413 },
      { status: 400, body: 'field resourceMetrics missing' },
    );
    const t = transport();
    const r429 = await t.send(batch);
    expect(r429.kind === 'retryable' && [r429.status, r429.retryAfterMs, r429.error.code]).toEqual([
      429,
      3000,
      'RATE_LIMITED',
    ]);
    const r503 = await t.send(batch);
    expect(r503.kind === 'retryable' && [r503.retryAfterMs, r503.error.code]).toEqual([null, 'OVERLOADED']);
    const r401 = await t.send(batch);
    expect(r401.kind === 'retryable' && r401.error.code).toBe('UNAUTHORIZED');
    const r413 = await t.send(batch);
    expect(r413.kind === 'failure' && [r413.reason, r413.error.code]).toEqual([
      'rejected-413',
      'PAYLOAD_TOO_LARGE',
    ]);
    const r400 = await t.send(batch);
    expect(r400.kind === 'failure' && [r400.reason, r400.error.code]).toEqual([
      'rejected-400',
      'INVALID_ARGUMENT',
    ]);
    expect(r400.kind === 'failure' && r400.error.message).toContain('field resourceMetrics missing');
  });

  it('a network error is retryable with NETWORK_ERROR', async () => {
    const result = await createFetchTransport({ endpoint: 'http://127.0.0.1:9' }).send(batch);
    expect(result.kind === 'retryable' && [result.status, result.error.code]).toEqual([
      null,
      'NETWORK_ERROR',
    ]);
  });

  it('a keepalive send is not compressed', async () => {
    await transport().send(batch, { keepalive: true });
    expect(seen.at(-1)?.encoding).toBeUndefined();
  });
});
