// Issue 15, the publish view's "signature status": after publishing, the page checks what the host
// serves as an edge client would (channel and manifest signatures with the page's public key, the
// manifest's hash against the channel, every file's size and SHA-256), over real HTTP. A tampered
// file, a manifest signed by another key and a missing release each show as a failed check.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeFieldError } from '../../../demo/field/publish/field-error.tsx';
import { verifyPublishedRelease } from '../../../demo/field/publish/publish.ts';
import { createRng, fitPipeline, ingestDataset, profileTable } from '../../../src/data/index.ts';
import {
  exportPublicKey,
  generateSigningKey,
  type PublicKeySet,
  type PublishResult,
  publishVersion,
  type ReleaseWriter,
  type SigningKey,
} from '../../../src/edge/index.ts';
import { EdgeflowError } from '../../../src/errors.ts';
import { MemoryModelStore } from '../../../src/registry/memory-store.ts';
import { createRegistry, type Registry } from '../../../src/registry/registry.ts';
import { base64, type Host, host } from './release-host-client.ts';

let registry: Registry;
let key: SigningKey;
let publicKeys: PublicKeySet;
let server: Host;
const rows: Record<string, unknown>[] = [];

beforeAll(async () => {
  await tf.setBackend('cpu');
  const rng = createRng(5);
  for (let i = 0; i < 120; i++) {
    const x1 = Math.fround(rng.normal());
    rows.push({ x1, x2: Math.fround(rng.normal()), label: x1 > 0 ? 'yes' : 'no' });
  }
  const ds = await ingestDataset({ rows }, { target: 'label' });
  const pipeline = fitPipeline(ds.table, ds.schema);
  registry = await createRegistry({ store: new MemoryModelStore(), channel: null });
  const net = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [pipeline.featureCount], units: 2, activation: 'softmax' })],
  });
  await registry.saveModel('base', net, {
    pipeline: pipeline as never,
    profile: profileTable(ds.table, ds.schema) as never,
    signature: { columns: pipeline.columns.map((c) => ({ name: c.name, type: c.type })) } as never,
  });
  net.dispose();
  key = await generateSigningKey();
  publicKeys = { keys: [await exportPublicKey(key)] };
  server = await host.startReleaseHost();
});

afterAll(async () => {
  await host.stopReleaseHost(server.id);
  await registry.close();
});

/** Publishes version 1 to the host under `model` (release 1, channel stable), signed by `signer`. */
async function publishTo(model: string, signer: SigningKey): Promise<PublishResult> {
  const writer: ReleaseWriter = {
    highestRelease: async () => 0,
    async writeRelease(release) {
      await host.writeReleaseHostFiles(server.id, [
        ...[...release.files].map(([path, data]) => ({ path: `${model}/1/${path}`, base64: base64(data) })),
        { path: `${model}/1/manifest.json`, base64: base64(release.manifestText) },
      ]);
    },
    async writeChannel(_model, channel, text) {
      await host.writeReleaseHostFiles(server.id, [
        { path: `${model}/channels/${channel}.json`, base64: base64(text) },
      ]);
    },
  };
  return publishVersion(registry, 'base', 1, {
    signingKey: signer,
    releaseModel: model,
    goldenRows: rows.slice(0, 3),
    target: { kind: 'writer', writer },
  });
}

test('a release as published verifies with the page key; the status names the key', async () => {
  const result = await publishTo('verify-ok', key);
  await expect(verifyPublishedRelease(result, publicKeys, server.url)).resolves.toEqual({
    state: 'verified',
    keyId: key.keyId,
  });
});

test('a file changed on the host fails the check with INTEGRITY_FAILED naming the file', async () => {
  const result = await publishTo('verify-tampered', key);
  const shard = result.files.find((f) => f.path.endsWith('.bin'));
  expect(shard).toBeDefined();
  await host.writeReleaseHostFiles(server.id, [
    { path: `verify-tampered/1/${shard?.path}`, base64: base64(new Uint8Array(shard?.bytes ?? 8)) },
  ]);
  const status = await verifyPublishedRelease(result, publicKeys, server.url);
  expect(status.state).toBe('failed');
  expect(status.state === 'failed' && status.code).toBe('INTEGRITY_FAILED');
  expect(status.state === 'failed' && status.message).toContain(shard?.path ?? '?');
});

test('a release signed by another key, or not on the host at all, fails the check', async () => {
  const other = await publishTo('verify-other-key', await generateSigningKey());
  const status = await verifyPublishedRelease(other, publicKeys, server.url);
  expect(status.state === 'failed' && status.code).toBe('UNKNOWN_KEY');
  const missing = await verifyPublishedRelease(
    { model: 'never-published', release: 1, channel: 'stable', manifestSha256: '0'.repeat(64) },
    publicKeys,
    server.url,
  );
  expect(missing.state === 'failed' && missing.code).toBe('NOT_FOUND');
});

test('errors read as a sentence first: the collector without release keys, a conflict, a network failure', () => {
  const forbidden = describeFieldError(
    new EdgeflowError(
      'FORBIDDEN',
      'POST http://127.0.0.1:4318/api/releases answered 403: This collector has no trusted release keys, so it refuses uploads. Start it with --release-keys-file.',
      { details: { status: 403 } },
    ),
  );
  expect(forbidden).toMatchObject({ code: 'FORBIDDEN', status: 403 });
  expect(forbidden.sentence).toContain('--release-keys-file');
  expect(
    describeFieldError(new EdgeflowError('RELEASE_DOWNGRADE', 'x', { details: { status: 409 } })),
  ).toMatchObject({
    code: 'RELEASE_DOWNGRADE',
    status: 409,
  });
  expect(describeFieldError(new EdgeflowError('NETWORK_ERROR', 'fetch failed')).sentence).toContain(
    'did not answer',
  );
  expect(describeFieldError(new EdgeflowError('QUOTA_EXCEEDED', 'full')).sentence).toContain(
    'storage is full',
  );
});
