// Issue 14: release manifests, channel documents and the file check of a release.
import { expect, test } from 'vitest';
import { isEdgeflowError } from '../../../src/errors.ts';
import {
  type ChannelDocument,
  exportPublicKey,
  generateSigningKey,
  importPublicKeys,
  releaseManifestSchema,
  serializeEnvelope,
  signChannel,
  signDocument,
  signReleaseManifest,
  verifyChannel,
  verifyReleaseFiles,
  verifyReleaseManifest,
} from '../../../src/release/index.ts';
import { DAY, manifestFor, NOW, releaseFiles } from './fixtures.ts';

async function errorOf(
  promise: Promise<unknown>,
): Promise<{ code: string; message: string; details: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    if (isEdgeflowError(error))
      return { code: error.code, message: error.message, details: { ...error.details } };
    throw error;
  }
  throw new Error('expected a rejection');
}

test('manifest: sign → serialise → verify round trip; the manifest hash names the served bytes', async () => {
  const key = await generateSigningKey();
  const keys = await importPublicKeys({ keys: [await exportPublicKey(key)] });
  const manifest = await manifestFor(releaseFiles());
  const text = serializeEnvelope(await signReleaseManifest(manifest, key));
  const verified = await verifyReleaseManifest(text, keys, { now: NOW });
  expect(verified.payload).toEqual(manifest);
  expect(verified.payloadText).toBe(JSON.parse(text).payload);
  expect(text.endsWith('}\n')).toBe(true);
});

test('manifest: expired (freeze attack) → RELEASE_EXPIRED; now: false skips the check', async () => {
  const key = await generateSigningKey();
  const keys = { keys: [await exportPublicKey(key)] };
  const manifest = await manifestFor(releaseFiles());
  const envelope = await signReleaseManifest(manifest, key);
  const error = await errorOf(verifyReleaseManifest(envelope, keys, { now: manifest.expiresAt }));
  expect(error.code).toBe('RELEASE_EXPIRED');
  expect(error.details.expiresAt).toBe(manifest.expiresAt);
  expect((await verifyReleaseManifest(envelope, keys, { now: manifest.expiresAt - 1 })).payload.release).toBe(
    3,
  );
  expect((await verifyReleaseManifest(envelope, keys, { now: false })).payload.release).toBe(3);
});

test('manifest: a signed channel document is not a manifest → SIGNATURE_INVALID', async () => {
  const key = await generateSigningKey();
  const keys = { keys: [await exportPublicKey(key)] };
  const channel = await signChannel(await channelFor('0'.repeat(64)), key);
  expect((await errorOf(verifyReleaseManifest(channel, keys, { now: NOW }))).code).toBe('SIGNATURE_INVALID');
});

test('manifest: signed but malformed → PARSE_ERROR naming the field; schema refuses duplicates and a missing model.json', async () => {
  const key = await generateSigningKey();
  const keys = { keys: [await exportPublicKey(key)] };
  const manifest = await manifestFor(releaseFiles());
  const bad = await signDocument({ ...manifest, release: 0 }, 'application/vnd.edgeflow.release+json', key);
  const error = await errorOf(verifyReleaseManifest(bad, keys, { now: NOW }));
  expect(error.code).toBe('PARSE_ERROR');
  expect(error.details.field).toBe('release');
  const twice = releaseManifestSchema.safeParse({
    ...manifest,
    files: [...manifest.files, manifest.files[1]],
  });
  expect(twice.success).toBe(false);
  const noModel = releaseManifestSchema.safeParse({ ...manifest, files: manifest.files.slice(1) });
  expect(noModel.success).toBe(false);
  expect((await errorOf(signReleaseManifest({ ...manifest, expiresAt: manifest.createdAt }, key))).code).toBe(
    'INVALID_ARGUMENT',
  );
});

async function channelFor(
  manifestSha256: string,
  overrides: Partial<ChannelDocument> = {},
): Promise<ChannelDocument> {
  return {
    format: 'edgeflow-channel',
    formatVersion: 1,
    model: 'penguins',
    channel: 'stable',
    release: 3,
    manifestSha256,
    rolloutPercent: 10,
    sequence: 5,
    updatedAt: NOW,
    expiresAt: NOW + 7 * DAY,
    ...overrides,
  };
}

test('channel: sign → verify; tampered percentage → SIGNATURE_INVALID; expired → RELEASE_EXPIRED', async () => {
  const key = await generateSigningKey({ algorithm: 'ECDSA-P256-SHA256' });
  const keys = { keys: [await exportPublicKey(key)] };
  const document = await channelFor('a'.repeat(64));
  const envelope = await signChannel(document, key);
  expect((await verifyChannel(serializeEnvelope(envelope), keys, { now: NOW })).payload).toEqual(document);
  const tampered = {
    ...envelope,
    payload: envelope.payload.replace('"rolloutPercent":10', '"rolloutPercent":100'),
  };
  expect(tampered.payload).not.toBe(envelope.payload);
  expect((await errorOf(verifyChannel(tampered, keys, { now: NOW }))).code).toBe('SIGNATURE_INVALID');
  expect((await errorOf(verifyChannel(envelope, keys, { now: NOW + 7 * DAY }))).code).toBe('RELEASE_EXPIRED');
  expect((await errorOf(signChannel({ ...document, rolloutPercent: 101 }, key))).code).toBe(
    'INVALID_ARGUMENT',
  );
});

test('files: the exact files pass', async () => {
  const files = releaseFiles();
  await expect(verifyReleaseFiles(await manifestFor(files), files)).resolves.toBeUndefined();
});

test('files: one flipped bit in a shard → INTEGRITY_FAILED naming the shard', async () => {
  const files = releaseFiles();
  const manifest = await manifestFor(files);
  const shard = new Uint8Array(files.get('group1-shard2of2.bin') as Uint8Array);
  shard[200] = (shard[200] ?? 0) ^ 0x01;
  files.set('group1-shard2of2.bin', shard);
  const error = await errorOf(verifyReleaseFiles(manifest, files));
  expect(error.code).toBe('INTEGRITY_FAILED');
  expect(error.details).toMatchObject({ path: 'group1-shard2of2.bin', reason: 'sha256' });
  expect(error.message).toContain('group1-shard2of2.bin');
});

test('files: a missing, an extra, a longer and a shorter file → INTEGRITY_FAILED each, naming it', async () => {
  const manifest = await manifestFor(releaseFiles());
  const missing = releaseFiles();
  missing.delete('group1-shard1of2.bin');
  expect((await errorOf(verifyReleaseFiles(manifest, missing))).details).toEqual({
    path: 'group1-shard1of2.bin',
    reason: 'missing',
  });
  const extra = releaseFiles();
  extra.set('evil.js', new Uint8Array([1]));
  expect((await errorOf(verifyReleaseFiles(manifest, extra))).details).toEqual({
    path: 'evil.js',
    reason: 'extra',
  });
  const longer = releaseFiles();
  longer.set('model.json', new Uint8Array([...(longer.get('model.json') as Uint8Array), 32]));
  const longError = await errorOf(verifyReleaseFiles(manifest, longer));
  expect(longError.code).toBe('INTEGRITY_FAILED');
  expect(longError.details).toMatchObject({ path: 'model.json', reason: 'size' });
  const shorter = releaseFiles();
  shorter.set('group1-shard1of2.bin', (shorter.get('group1-shard1of2.bin') as Uint8Array).subarray(0, 999));
  expect((await errorOf(verifyReleaseFiles(manifest, shorter))).details).toEqual({
    path: 'group1-shard1of2.bin',
    reason: 'size',
    expected: 1000,
    actual: 999,
  });
});

test('files: two shards swapped (same total, same names) → INTEGRITY_FAILED', async () => {
  const files = releaseFiles();
  const manifest = await manifestFor(files);
  const a = files.get('group1-shard1of2.bin') as Uint8Array;
  const swapped = new Map(files);
  const rotated = new Uint8Array(a.byteLength);
  rotated.set(a.subarray(1));
  rotated[a.byteLength - 1] = a[0] ?? 0;
  swapped.set('group1-shard1of2.bin', rotated);
  expect((await errorOf(verifyReleaseFiles(manifest, swapped))).details).toMatchObject({
    path: 'group1-shard1of2.bin',
    reason: 'sha256',
  });
});
