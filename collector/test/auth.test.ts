// Issue 13: ingest needs an API key once keys are configured (hashed in a file, several, revocable
// without a restart); an ingest key can neither query nor publish; admin endpoints need the admin
// token; a non-loopback listen address without keys is refused at start.
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METRIC } from 'edgeflow/schemas';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hashSecret, isLoopbackAddress, presentedToken } from '../src/auth.ts';
import { type RunningCollector, startCollector } from '../src/server.ts';
import { gauge, gaugePoint, request } from './helpers/otlp-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'edgeflow-auth-'));
const keyFile = join(dir, 'keys.json');
const writeKeys = (revokedA: boolean): void =>
  writeFileSync(
    keyFile,
    JSON.stringify({
      keys: [
        { id: 'fleet-a', sha256: hashSecret('key-a'), revoked: revokedA },
        { id: 'fleet-b', sha256: hashSecret('key-b') },
      ],
    }),
  );
let collector: RunningCollector;
const body = JSON.stringify(
  request({ instance: 'x', model: 'm', version: 1, backend: 'cpu', deviceClass: 'c' }, [
    gauge(METRIC.driftShare, [gaugePoint(Date.now(), 0.1)]),
  ]),
);

beforeAll(async () => {
  writeKeys(false);
  collector = await startCollector({
    port: 0,
    dataDir: dir,
    apiKeyFile: keyFile,
    apiKeys: ['env-key'],
    adminToken: 'admin-secret',
  });
});
afterAll(async () => {
  await collector.close();
  rmSync(dir, { recursive: true, force: true });
});

function ingest(token?: string): Promise<Response> {
  return fetch(new URL('/v1/metrics', collector.url), {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
}

function admin(path: string, token?: string, init: RequestInit = {}): Promise<Response> {
  return fetch(new URL(path, collector.url), {
    ...init,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
}

async function code(response: Response): Promise<string> {
  const json = (await response.json()) as { edgeflowCode?: string; error?: { code: string } };
  return json.edgeflowCode ?? json.error?.code ?? '';
}

describe('ingest keys', () => {
  test('missing and wrong keys are 401; each configured key (file or environment) is accepted', async () => {
    const missing = await ingest();
    expect(missing.status).toBe(401);
    expect(await code(missing)).toBe('UNAUTHORIZED');
    expect((await ingest('key-c')).status).toBe(401);
    expect((await ingest('admin-secret')).status).toBe(401);
    expect((await ingest('key-a')).status).toBe(200);
    expect((await ingest('key-b')).status).toBe(200);
    expect((await ingest('env-key')).status).toBe(200);
    const viaHeader = await fetch(new URL('/v1/metrics', collector.url), {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-api-key': 'key-b' },
    });
    expect(viaHeader.status).toBe(200);
  });

  test('a key marked revoked in the key file is refused without a restart; the others still work', async () => {
    writeKeys(true);
    const later = new Date(Date.now() + 5000);
    utimesSync(keyFile, later, later);
    // The file is checked for changes at most once a second.
    await new Promise((r) => setTimeout(r, 1100));
    const revoked = await ingest('key-a');
    expect(revoked.status).toBe(401);
    expect(((await revoked.json()) as { message: string }).message).toBe(
      'API key "fleet-a" was revoked; use a current key.',
    );
    expect((await ingest('key-b')).status).toBe(200);
  });
});

describe('admin endpoints', () => {
  test('an ingest key can neither query nor publish (403); no or a wrong token is 401; the admin token passes', async () => {
    const asIngest = await admin('/api/fleet', 'key-b');
    expect(asIngest.status).toBe(403);
    expect(await code(asIngest)).toBe('FORBIDDEN');
    const publish = await admin('/api/releases', 'key-b', { method: 'POST', body: new FormData() });
    expect(publish.status).toBe(403);
    const channel = await admin('/api/models/m/channels/stable', 'env-key', { method: 'PUT', body: '{}' });
    expect(channel.status).toBe(403);
    expect((await admin('/api/fleet')).status).toBe(401);
    expect((await admin('/api/fleet', 'admin-secrets')).status).toBe(401);
    const ok = await admin('/api/fleet', 'admin-secret');
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { models: { model: string }[] }).models.map((m) => m.model)).toEqual(['m']);
  });

  test('error answers carry a code and a message, never a stack', async () => {
    const response = await admin('/api/models/m/latency?window=soon', 'admin-secret');
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      error: {
        code: 'INVALID_ARGUMENT',
        message: 'window="soon" is not a duration. Use a number with ms, s, m, h or d, e.g. 15m.',
      },
    });
  });
});

describe('safe defaults', () => {
  test('listening on a non-loopback address without an API key is refused, saying how to add one', async () => {
    await expect(startCollector({ port: 0, host: '0.0.0.0' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('--api-key-file'),
    });
  });

  test('with keys, a non-loopback address is allowed', async () => {
    const open = await startCollector({ port: 0, host: '0.0.0.0', apiKeys: ['k'] });
    expect(open.notes[0]).toBe('ingest: API key required (Authorization: Bearer <key>)');
    await open.close();
  });

  test('loopback detection and token extraction', () => {
    expect(['127.0.0.1', '127.8.9.1', '::1', '::ffff:127.0.0.1'].map(isLoopbackAddress)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['10.0.0.1', '::ffff:10.0.0.1', '192.168.1.127', '', undefined].map(isLoopbackAddress)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(presentedToken('Bearer abc', undefined)).toBe('abc');
    expect(presentedToken('Basic abc', 'k')).toBe('k');
    expect(presentedToken(undefined, undefined)).toBeNull();
  });
});
