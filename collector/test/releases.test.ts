// Issue 13: release hosting. A signed release uploads only when its signature (by a trusted key)
// and every file's size and SHA-256 check out; nothing half-uploaded is served; files are served
// immutable with strong ETags, 304 and ranges; channels move only by a newer signed document.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  exportPublicKey,
  generateSigningKey,
  type SigningKey,
  serializeEnvelope,
  sha256Hex,
  signChannel,
  signReleaseManifest,
} from 'edgeflow/release';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningCollector, startCollector } from '../src/server.ts';

const dir = mkdtempSync(join(tmpdir(), 'edgeflow-releases-'));
const keysFile = join(dir, 'release-keys.json');
let collector: RunningCollector;
let trusted: SigningKey;
let stranger: SigningKey;
const ADMIN = 'admin-token';
const modelJson = new TextEncoder().encode(
  JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [] }] }),
);
const shard = new Uint8Array(Array.from({ length: 4096 }, (_, i) => (i * 31) % 256));

async function buildRelease(
  release: number,
  signer: SigningKey,
  files: Map<string, Uint8Array>,
): Promise<string> {
  const now = Date.now();
  const manifest = {
    format: 'edgeflow-release' as const,
    formatVersion: 1 as const,
    model: 'iris',
    release,
    version: release,
    createdAt: now,
    expiresAt: now + 86_400_000,
    files: await Promise.all(
      [...files].map(async ([path, bytes]) => ({
        path,
        bytes: bytes.length,
        sha256: await sha256Hex(bytes),
      })),
    ),
    pipeline: null,
    profile: null,
    signature: null,
    metrics: { accuracy: 0.97 },
    lineage: { runId: 'run-1', datasetFingerprint: null },
    golden: [],
    goldenTolerance: 0.001,
  };
  return serializeEnvelope(await signReleaseManifest(manifest, signer));
}

function upload(manifestText: string, files: Map<string, Uint8Array>): Promise<Response> {
  const form = new FormData();
  // A file part keeps the exact bytes (string fields get their line breaks turned into CRLF).
  form.set('manifest', new Blob([manifestText], { type: 'application/json' }), 'manifest.json');
  for (const [path, bytes] of files) form.set(path, new Blob([bytes as BufferSource]), path);
  return fetch(new URL('/api/releases', collector.url), {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${ADMIN}` },
  });
}

async function channelDoc(
  release: number,
  manifestText: string,
  sequence: number,
  signer: SigningKey,
  manifestSha256?: string,
): Promise<string> {
  const now = Date.now();
  return serializeEnvelope(
    await signChannel(
      {
        format: 'edgeflow-channel',
        formatVersion: 1,
        model: 'iris',
        channel: 'stable',
        release,
        manifestSha256: manifestSha256 ?? (await sha256Hex(manifestText)),
        rolloutPercent: 25,
        sequence,
        updatedAt: now,
        expiresAt: now + 86_400_000,
      },
      signer,
    ),
  );
}

function putChannel(text: string): Promise<Response> {
  return fetch(new URL('/api/models/iris/channels/stable', collector.url), {
    method: 'PUT',
    body: text,
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
  });
}

async function errorCode(response: Response): Promise<string> {
  return ((await response.json()) as { error: { code: string } }).error.code;
}

const files = (): Map<string, Uint8Array> =>
  new Map([
    ['model.json', modelJson],
    ['group1-shard1of1.bin', shard],
  ]);
let release1: string;
let channel1: string;

beforeAll(async () => {
  trusted = await generateSigningKey({ algorithm: 'Ed25519' });
  stranger = await generateSigningKey({ algorithm: 'Ed25519' });
  writeFileSync(keysFile, JSON.stringify({ keys: [await exportPublicKey(trusted)] }));
  collector = await startCollector({
    port: 0,
    dataDir: join(dir, 'data'),
    releaseKeysFile: keysFile,
    adminToken: ADMIN,
  });
  release1 = await buildRelease(1, trusted, files());
  expect((await upload(release1, files())).status).toBe(201);
  channel1 = await channelDoc(1, release1, 1, trusted);
  expect((await putChannel(channel1)).status).toBe(200);
});
afterAll(async () => {
  await collector.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('serving', () => {
  test('release files are immutable with a strong ETag (their SHA-256), 304 on If-None-Match, and CORS for other origins', async () => {
    const url = new URL('/releases/iris/1/group1-shard1of1.bin', collector.url);
    const response = await fetch(url, { headers: { origin: 'https://kiosk.example' } });
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(shard);
    const etag = `"${await sha256Hex(shard)}"`;
    expect(response.headers.get('etag')).toBe(etag);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const again = await fetch(url, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const manifest = await fetch(new URL('/releases/iris/1/manifest.json', collector.url));
    expect(await manifest.text()).toBe(release1);
  });

  test('Range returns exactly the asked bytes; an unsatisfiable range is 416', async () => {
    const url = new URL('/releases/iris/1/group1-shard1of1.bin', collector.url);
    const part = await fetch(url, { headers: { range: 'bytes=100-107' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 100-107/4096');
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(shard.slice(100, 108));
    const tail = await fetch(url, { headers: { range: 'bytes=-4' } });
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(shard.slice(4092));
    const beyond = await fetch(url, { headers: { range: 'bytes=5000-' } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe('bytes */4096');
  });

  test('a channel document is served no-cache with an ETag and 304', async () => {
    const url = new URL('/releases/iris/channels/stable.json', collector.url);
    const response = await fetch(url);
    expect(await response.text()).toBe(channel1);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const etag = response.headers.get('etag') ?? '';
    expect(etag).toBe(`"${await sha256Hex(channel1)}"`);
    expect((await fetch(url, { headers: { 'if-none-match': etag } })).status).toBe(304);
  });
});

describe('uploads are refused unless everything checks out, and leave nothing behind', () => {
  const releaseDir = (): string[] => readdirSync(join(dir, 'data', 'releases', 'iris')).sort();

  test('one flipped byte in a shard: 400 INTEGRITY_FAILED naming the file; nothing served, nothing on disk', async () => {
    const manifest = await buildRelease(2, trusted, files());
    const flipped = files();
    const bad = shard.slice();
    bad[1234] = (bad[1234] ?? 0) ^ 1;
    flipped.set('group1-shard1of1.bin', bad);
    const response = await upload(manifest, flipped);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('INTEGRITY_FAILED');
    expect(body.error.message).toContain('"group1-shard1of1.bin"');
    expect((await fetch(new URL('/releases/iris/2/model.json', collector.url))).status).toBe(404);
    expect(releaseDir()).toEqual(['1', 'channels']);
  });

  test('a release signed by an untrusted key is 400 UNKNOWN_KEY; a manifest changed after signing is 400 SIGNATURE_INVALID', async () => {
    expect(await errorCode(await upload(await buildRelease(2, stranger, files()), files()))).toBe(
      'UNKNOWN_KEY',
    );
    const signed = JSON.parse(await buildRelease(2, trusted, files())) as { payload: string };
    signed.payload = signed.payload.replace('"accuracy":0.97', '"accuracy":0.99');
    const tampered = await upload(JSON.stringify(signed), files());
    expect(tampered.status).toBe(400);
    expect(await errorCode(tampered)).toBe('SIGNATURE_INVALID');
    expect(releaseDir()).toEqual(['1', 'channels']);
  });

  test('a missing or extra file is refused', async () => {
    const manifest = await buildRelease(2, trusted, files());
    expect(await errorCode(await upload(manifest, new Map([['model.json', modelJson]])))).toBe(
      'INTEGRITY_FAILED',
    );
    const extra = files();
    extra.set('notes.txt', new Uint8Array([1]));
    expect(await errorCode(await upload(manifest, extra))).toBe('INTEGRITY_FAILED');
  });

  test('a release number not above the latest is 409', async () => {
    const response = await upload(await buildRelease(1, trusted, files()), files());
    expect(response.status).toBe(409);
    expect(await errorCode(response)).toBe('RELEASE_DOWNGRADE');
  });

  test('the channel moves only by a valid, newer document naming a published manifest', async () => {
    const url = new URL('/releases/iris/channels/stable.json', collector.url);
    const release2 = await buildRelease(2, trusted, files());
    expect((await upload(release2, files())).status).toBe(201);
    const byStranger = await putChannel(await channelDoc(2, release2, 2, stranger));
    expect(byStranger.status).toBe(400);
    expect(await errorCode(byStranger)).toBe('UNKNOWN_KEY');
    const flippedDoc = JSON.parse(await channelDoc(2, release2, 2, trusted)) as { payload: string };
    flippedDoc.payload = flippedDoc.payload.replace('"rolloutPercent":25', '"rolloutPercent":95');
    expect(await errorCode(await putChannel(JSON.stringify(flippedDoc)))).toBe('SIGNATURE_INVALID');
    const staleSequence = await putChannel(await channelDoc(2, release2, 1, trusted));
    expect(staleSequence.status).toBe(409);
    expect(await errorCode(staleSequence)).toBe('VERSION_CONFLICT');
    expect(
      await errorCode(await putChannel(await channelDoc(2, release2, 2, trusted, 'ab'.repeat(32)))),
    ).toBe('INTEGRITY_FAILED');
    expect(await errorCode(await putChannel(await channelDoc(7, release2, 2, trusted)))).toBe('NOT_FOUND');
    expect(await (await fetch(url)).text()).toBe(channel1);
    const channel2 = await channelDoc(2, release2, 2, trusted);
    expect((await putChannel(channel2)).status).toBe(200);
    expect(await (await fetch(url)).text()).toBe(channel2);
  });

  test('a restarted collector serves what was published and lists it in the fleet view', async () => {
    await collector.close();
    collector = await startCollector({
      port: 0,
      dataDir: join(dir, 'data'),
      releaseKeysFile: keysFile,
      adminToken: ADMIN,
    });
    expect((await fetch(new URL('/releases/iris/2/model.json', collector.url))).status).toBe(200);
    const fleet = (await (
      await fetch(new URL('/api/fleet', collector.url), { headers: { authorization: `Bearer ${ADMIN}` } })
    ).json()) as {
      releases: unknown;
    };
    expect(fleet.releases).toEqual([
      {
        model: 'iris',
        releases: [1, 2],
        channels: { stable: { release: 2, rolloutPercent: 25, sequence: 2, updatedAt: expect.any(Number) } },
      },
    ]);
    expect(existsSync(join(dir, 'data', 'releases', 'iris', '2', 'manifest.json'))).toBe(true);
  });
});
