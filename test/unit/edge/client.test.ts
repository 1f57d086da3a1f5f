// Issue 14: the edge client in Node against a real HTTP server serving a release folder: update,
// conditional polling, and every refusal leaving the active release untouched.
import { rm } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createEdgeClient, type EdgeClientEvent } from '../../../src/edge/index.ts';
import { MemoryModelStore } from '../../../src/registry/index.ts';
import { generateSigningKey } from '../../../src/release/index.ts';
import { codeOf } from '../../helpers/error-code.ts';
import { createPublisher, type Publisher } from './fixtures.ts';
import { type FolderServer, serveFolder } from './folder-server.ts';

let publisher: Publisher;
let server: FolderServer;

beforeAll(async () => {
  publisher = await createPublisher();
  server = await serveFolder(publisher.root);
});

afterAll(async () => {
  await server.close();
  await rm(publisher.root, { recursive: true, force: true });
});

async function clientFor(
  model: string,
  store = new MemoryModelStore(),
  extra: { installId?: string; expectedSignature?: { name: string; type: string }[] } = {},
) {
  const events: EdgeClientEvent[] = [];
  const client = await createEdgeClient({
    baseUrl: `${server.url}/`,
    model,
    channel: 'stable',
    publicKeys: publisher.publicKeys,
    store,
    ...extra,
  });
  for (const type of ['update-available', 'activated', 'rolled-back', 'rejected'] as const)
    client.on(type, (e) => events.push(e));
  return { client, events, store };
}

describe('update path', () => {
  test('downloads, verifies, golden-checks and activates; the next poll is a 304; predictions match the publisher', async () => {
    const built = await publisher.publish({ model: 'm-update', version: 1, release: 1 });
    const { client, events } = await clientFor('m-update');
    expect(client.active()).toBeNull();
    const tensorsBefore = tf.memory().numTensors;
    expect(await client.checkForUpdate()).toEqual({ status: 'activated', release: 1, downloaded: true });
    expect(events.map((e) => e.type)).toEqual(['update-available', 'activated']);
    expect(client.active()?.release).toBe(1);
    expect(client.active()?.manifest).toEqual(built.manifest);
    const predictor = await client.predictor();
    const results = await predictor.predict(publisher.goldenRows);
    expect(results.map((r) => (r.ok ? r.prediction : null))).toEqual(
      built.manifest.golden.map((g) => g.output),
    );
    // Conditional poll: the channel answers 304 and nothing is downloaded.
    const before = server.log.length;
    expect(await client.checkForUpdate()).toEqual({ status: 'not-modified' });
    expect(server.log.slice(before)).toEqual(['GET /m-update/channels/stable.json 304']);
    await client.close();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  test('a new release replaces the active one; the previous stays stored; restart starts offline from the store', async () => {
    await publisher.publish({ model: 'm-next', version: 1, release: 1 });
    const { client, events, store } = await clientFor('m-next');
    await client.checkForUpdate();
    await publisher.publish({ model: 'm-next', version: 2, release: 2 });
    expect(await client.checkForUpdate()).toEqual({ status: 'activated', release: 2, downloaded: true });
    expect(events.filter((e) => e.type === 'activated')).toEqual([
      { type: 'activated', release: 1, previous: null },
      { type: 'activated', release: 2, previous: 1 },
    ]);
    expect((await store.listVersions('m-next')).map((v) => v.version)).toEqual([1, 2]);
    expect((await store.getAlias('m-next', 'active'))?.version).toBe(2);
    expect((await store.getAlias('m-next', 'previous'))?.version).toBe(1);
    const expected = (await (await client.predictor()).predict(publisher.goldenRows)).map((r) =>
      r.ok ? r.prediction : null,
    );
    await client.close();
    // Offline: a client on the same store with a base URL nobody answers still predicts with release 2.
    await store.open();
    const offline = await createEdgeClient({
      baseUrl: 'http://127.0.0.1:9/',
      model: 'm-next',
      channel: 'stable',
      publicKeys: publisher.publicKeys,
      store,
    });
    expect(offline.active()?.release).toBe(2);
    const again = (await (await offline.predictor()).predict(publisher.goldenRows)).map((r) =>
      r.ok ? r.prediction : null,
    );
    expect(again).toEqual(expected);
    expect(await codeOf(offline.checkForUpdate())).toBe('NETWORK_ERROR');
    expect(offline.active()?.release).toBe(2);
    await offline.close();
  });

  test('staged rollout: at 0 % nobody updates; raised to 100 % the same device updates', async () => {
    await publisher.publish({ model: 'm-rollout', version: 1, release: 1, rolloutPercent: 0 });
    const { client } = await clientFor('m-rollout', new MemoryModelStore(), { installId: 'device-42' });
    const outcome = await client.checkForUpdate();
    expect(outcome.status).toBe('not-in-rollout');
    expect(client.active()).toBeNull();
    const { buildChannel } = await import('../../../src/edge/index.ts');
    const { writeChannelFile } = await import('../../../src/edge/node/index.ts');
    const { readFile } = await import('node:fs/promises');
    const { sha256Hex } = await import('../../../src/release/index.ts');
    const manifestSha256 = await sha256Hex(await readFile(`${publisher.root}/m-rollout/1/manifest.json`));
    const raised = await buildChannel({
      model: 'm-rollout',
      channel: 'stable',
      release: 1,
      manifestSha256,
      rolloutPercent: 100,
      sequence: 2,
      signingKey: publisher.key,
    });
    await writeChannelFile(publisher.root, raised.text);
    expect(await client.checkForUpdate()).toEqual({ status: 'activated', release: 1, downloaded: true });
    await client.close();
  });
});

describe('refusals keep the active release', () => {
  async function activeOn(model: string) {
    await publisher.publish({ model, version: 1, release: 1 });
    const handle = await clientFor(model);
    await handle.client.checkForUpdate();
    handle.events.length = 0;
    return handle;
  }

  test('a flipped byte in a shard → INTEGRITY_FAILED; nothing stored; rejected event', async () => {
    const { client, events, store } = await activeOn('m-tamper');
    const built = await publisher.publish({ model: 'm-tamper', version: 2, release: 2 });
    const shard = [...built.files.keys()].find((p) => p.endsWith('.bin')) as string;
    server.override(`/m-tamper/2/${shard}`, (_req, res, file) => {
      const bytes = Buffer.from(file as Buffer);
      bytes[3] = (bytes[3] ?? 0) ^ 1;
      res.writeHead(200, { 'Content-Length': bytes.byteLength });
      res.end(bytes);
      return true;
    });
    expect(await codeOf(client.checkForUpdate())).toBe('INTEGRITY_FAILED');
    server.override(`/m-tamper/2/${shard}`, null);
    expect(client.active()?.release).toBe(1);
    expect((await store.listVersions('m-tamper')).map((v) => v.version)).toEqual([1]);
    expect(events.map((e) => [e.type, 'code' in e ? e.code : null])).toEqual([
      ['update-available', null],
      ['rejected', 'INTEGRITY_FAILED'],
    ]);
    await client.close();
  });

  test('a manifest.json that does not hash to what the channel names → INTEGRITY_FAILED', async () => {
    const { client } = await activeOn('m-manifest');
    await publisher.publish({ model: 'm-manifest', version: 2, release: 2 });
    server.override('/m-manifest/2/manifest.json', (_req, res, file) => {
      res.writeHead(200);
      res.end(`${(file as Buffer).toString('utf8')} `);
      return true;
    });
    expect(await codeOf(client.checkForUpdate())).toBe('INTEGRITY_FAILED');
    expect(client.active()?.release).toBe(1);
    await client.close();
  });

  test('a release signed by an unknown key → UNKNOWN_KEY', async () => {
    const { client } = await activeOn('m-unknown');
    await publisher.publish({ model: 'm-unknown', version: 2, release: 2, key: await generateSigningKey() });
    expect(await codeOf(client.checkForUpdate())).toBe('UNKNOWN_KEY');
    expect(client.active()?.release).toBe(1);
    await client.close();
  });

  test('a channel pointing at a lower release → RELEASE_DOWNGRADE, also after a restart', async () => {
    await publisher.publish({ model: 'm-down', version: 1, release: 1 });
    await publisher.publish({ model: 'm-down', version: 2, release: 2, writeChannel: false });
    const { client, store } = await clientFor('m-down');
    await client.checkForUpdate();
    // Point the channel at release 2, update, then replay the old (validly signed) channel for 1.
    const { readFile, writeFile } = await import('node:fs/promises');
    const oldChannel = await readFile(`${publisher.root}/m-down/channels/stable.json`, 'utf8');
    const { buildChannel } = await import('../../../src/edge/index.ts');
    const { sha256Hex } = await import('../../../src/release/index.ts');
    const manifestSha256 = await sha256Hex(await readFile(`${publisher.root}/m-down/2/manifest.json`));
    const channel2 = await buildChannel({
      model: 'm-down',
      channel: 'stable',
      release: 2,
      manifestSha256,
      sequence: 9,
      signingKey: publisher.key,
    });
    await writeFile(`${publisher.root}/m-down/channels/stable.json`, channel2.text);
    expect((await client.checkForUpdate()).status).toBe('activated');
    await writeFile(`${publisher.root}/m-down/channels/stable.json`, oldChannel);
    expect(await codeOf(client.checkForUpdate())).toBe('RELEASE_DOWNGRADE');
    expect(client.active()?.release).toBe(2);
    await client.close();
    await store.open();
    const restarted = await createEdgeClient({
      baseUrl: server.url,
      model: 'm-down',
      channel: 'stable',
      publicKeys: publisher.publicKeys,
      store,
    });
    expect(await codeOf(restarted.checkForUpdate())).toBe('RELEASE_DOWNGRADE');
    expect(restarted.active()?.release).toBe(2);
    await restarted.close();
  });

  test('an expired channel document (freeze attack) → RELEASE_EXPIRED', async () => {
    const { client } = await activeOn('m-expired');
    await publisher.publish({
      model: 'm-expired',
      version: 2,
      release: 2,
      now: Date.now() - 10_000,
      channelLifetimeMs: 5_000,
    });
    expect(await codeOf(client.checkForUpdate())).toBe('RELEASE_EXPIRED');
    expect(client.active()?.release).toBe(1);
    await client.close();
  });

  test('a shard longer than the manifest says (endless data) → INTEGRITY_FAILED; the read stops', async () => {
    const { client } = await activeOn('m-endless');
    const built = await publisher.publish({ model: 'm-endless', version: 2, release: 2 });
    const shard = [...built.files.keys()].find((p) => p.endsWith('.bin')) as string;
    let sent = 0;
    server.override(`/m-endless/2/${shard}`, (_req, res) => {
      // No Content-Length: the body just keeps coming, 64 KiB at a time, up to 64 MiB.
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      const chunk = Buffer.alloc(65_536, 7);
      const pump = () => {
        while (sent < 64 * 1024 * 1024) {
          sent += chunk.byteLength;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => {
        sent = -sent;
      });
      pump();
      return true;
    });
    expect(await codeOf(client.checkForUpdate())).toBe('INTEGRITY_FAILED');
    server.override(`/m-endless/2/${shard}`, null);
    expect(client.active()?.release).toBe(1);
    // The client hung up long before 64 MiB (the server saw the socket close).
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sent).toBeLessThan(0);
    expect(-sent).toBeLessThan(16 * 1024 * 1024);
    await client.close();
  });

  test('a model for other inputs than the app sends → SCHEMA_MISMATCH', async () => {
    await publisher.publish({ model: 'm-schema', version: 1, release: 1 });
    const { client, store } = await clientFor('m-schema', new MemoryModelStore(), {
      expectedSignature: [
        { name: 'x1', type: 'numeric' },
        { name: 'colour', type: 'categorical' },
      ],
    });
    expect(await codeOf(client.checkForUpdate())).toBe('SCHEMA_MISMATCH');
    expect(client.active()).toBeNull();
    expect(await store.listVersions('m-schema')).toEqual([]);
    await client.close();
  });

  test('golden pairs that do not reproduce → GOLDEN_CHECK_FAILED; the candidate is removed and not retried', async () => {
    const { client, store } = await activeOn('m-golden');
    await publisher.publish({
      model: 'm-golden',
      version: 2,
      release: 2,
      editGolden: (golden) =>
        golden.map((g, i) =>
          i === 2 ? { ...g, output: { label: 'no', probabilities: { no: 0.5, yes: 0.5 } } } : g,
        ),
    });
    expect(await codeOf(client.checkForUpdate())).toBe('GOLDEN_CHECK_FAILED');
    expect(client.active()?.release).toBe(1);
    expect((await store.listVersions('m-golden')).map((v) => v.version)).toEqual([1]);
    expect(await client.checkForUpdate()).toEqual({ status: 'up-to-date', release: 1 });
    await client.close();
  });

  test('quota exhausted while storing → QUOTA_EXCEEDED; the active release stays', async () => {
    const { client, store } = await activeOn('m-quota');
    await publisher.publish({ model: 'm-quota', version: 2, release: 2 });
    const commit = store.commitVersion.bind(store);
    store.commitVersion = async () => {
      const { EdgeflowError } = await import('../../../src/errors.ts');
      throw new EdgeflowError('QUOTA_EXCEEDED', 'The origin is out of storage quota.');
    };
    expect(await codeOf(client.checkForUpdate())).toBe('QUOTA_EXCEEDED');
    store.commitVersion = commit;
    expect(client.active()?.release).toBe(1);
    expect((await store.listVersions('m-quota')).map((v) => v.version)).toEqual([1]);
    await client.close();
  });

  test('a crash rate over the threshold rolls back to the previous release and reports why', async () => {
    const { client, events, store } = await activeOn('m-crash');
    await publisher.publish({ model: 'm-crash', version: 2, release: 2 });
    await client.checkForUpdate();
    expect(client.active()?.release).toBe(2);
    for (let i = 0; i < 9; i++) await client.reportHealth(i % 3 === 0);
    expect(client.active()?.release).toBe(2);
    for (let i = 0; i < 11; i++) await client.reportHealth(false);
    expect(client.active()?.release).toBe(1);
    const rolled = events.find((e) => e.type === 'rolled-back');
    expect(rolled).toMatchObject({ type: 'rolled-back', from: 2, to: 1, code: 'CRASH_RATE' });
    // The bad release is not taken again from the same channel, also after a restart (no ETag).
    expect(await client.checkForUpdate()).toEqual({ status: 'not-modified' });
    await client.close();
    await store.open();
    const restarted = await createEdgeClient({
      baseUrl: server.url,
      model: 'm-crash',
      channel: 'stable',
      publicKeys: publisher.publicKeys,
      store,
    });
    expect(restarted.active()?.release).toBe(1);
    expect(await restarted.checkForUpdate()).toEqual({ status: 'up-to-date', release: 1 });
    await restarted.close();
  });
});

test('a Node client on a directory store round-trips a release across a restart, offline', async () => {
  const { mkdtemp } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { FileSystemModelStore } = await import('../../../src/edge/node/index.ts');
  const directory = await mkdtemp(`${tmpdir()}/edgeflow-device-`);
  const built = await publisher.publish({ model: 'm-disk', version: 2, release: 1 });
  const client = await createEdgeClient({
    baseUrl: server.url,
    model: 'm-disk',
    channel: 'stable',
    publicKeys: publisher.publicKeys,
    store: new FileSystemModelStore({ directory }),
  });
  expect(await client.checkForUpdate()).toEqual({ status: 'activated', release: 1, downloaded: true });
  await client.close();
  const restarted = await createEdgeClient({
    baseUrl: 'http://127.0.0.1:9',
    model: 'm-disk',
    channel: 'stable',
    publicKeys: publisher.publicKeys,
    store: new FileSystemModelStore({ directory }),
  });
  expect(restarted.active()?.release).toBe(1);
  expect(restarted.installId).toBe(client.installId);
  const results = await (await restarted.predictor()).predict(publisher.goldenRows);
  expect(results.map((r) => (r.ok ? r.prediction : null))).toEqual(
    built.manifest.golden.map((g) => g.output),
  );
  await restarted.close();
  await rm(directory, { recursive: true, force: true });
});

test('a stored weight chunk corrupted on disk is INTEGRITY_FAILED on load, never a wrong model; the release is fetched again', async () => {
  await publisher.publish({ model: 'm-corrupt', version: 1, release: 1 });
  const store = new MemoryModelStore();
  const client = await createEdgeClient({
    baseUrl: server.url,
    model: 'm-corrupt',
    channel: 'stable',
    publicKeys: publisher.publicKeys,
    store,
  });
  await client.checkForUpdate();
  await client.close();
  await store.open();
  const version = await store.getVersion('m-corrupt', 1);
  expect(store.corruptChunkForTesting(version?.weights.chunks[0]?.sha256 as string)).toBe(true);
  const restarted = await createEdgeClient({
    baseUrl: server.url,
    model: 'm-corrupt',
    channel: 'stable',
    publicKeys: publisher.publicKeys,
    store,
  });
  expect(restarted.active()?.release).toBe(1);
  const rejected = new Promise((resolve) => restarted.on('rejected', resolve));
  expect(await codeOf(restarted.predictor())).toBe('INTEGRITY_FAILED');
  expect(await rejected).toMatchObject({ type: 'rejected', release: 1, code: 'INTEGRITY_FAILED' });
  // The client forgot the damaged copy: the next check downloads the release again.
  expect(restarted.active()).toBeNull();
  expect(await restarted.checkForUpdate()).toEqual({ status: 'activated', release: 1, downloaded: true });
  expect(restarted.active()?.version).toBe(2);
  const results = await (await restarted.predictor()).predict(publisher.goldenRows);
  expect(results.every((r) => r.ok)).toBe(true);
  await restarted.close();
});
