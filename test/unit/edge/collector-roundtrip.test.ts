// Issue 14 with the real collector (issue 13's release hosting): publishVersion uploads a release
// and moves a channel through the admin API; an edge client polls the collector's /releases,
// verifies and activates it, and its next poll is a 304.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type RunningCollector, startCollector } from '../../../collector/src/server.ts';
import { createEdgeClient, publishVersion } from '../../../src/edge/index.ts';
import { isEdgeflowError } from '../../../src/errors.ts';
import { MemoryModelStore } from '../../../src/registry/index.ts';
import { createPublisher, type Publisher } from './fixtures.ts';

const ADMIN = 'edge-admin-token';
const dir = mkdtempSync(join(tmpdir(), 'edgeflow-edge-collector-'));
let publisher: Publisher;
let collector: RunningCollector;

beforeAll(async () => {
  publisher = await createPublisher();
  const keysFile = join(dir, 'release-keys.json');
  writeFileSync(keysFile, JSON.stringify(publisher.publicKeys));
  collector = await startCollector({
    port: 0,
    dataDir: join(dir, 'data'),
    releaseKeysFile: keysFile,
    adminToken: ADMIN,
  });
});

afterAll(async () => {
  await collector.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(publisher.root, { recursive: true, force: true });
});

test('publish to the collector → edge client activates from /releases; a wrong token is UNAUTHORIZED', async () => {
  const target = { kind: 'collector' as const, collector: { url: collector.url, token: ADMIN } };
  const first = await publishVersion(publisher.registry, 'base', 1, {
    signingKey: publisher.key,
    releaseModel: 'fleet',
    goldenRows: publisher.goldenRows,
    target,
  });
  expect(first).toMatchObject({ model: 'fleet', release: 1, channel: 'stable', golden: 6 });
  const client = await createEdgeClient({
    baseUrl: new URL('/releases', collector.url).href,
    model: 'fleet',
    channel: 'stable',
    publicKeys: publisher.publicKeys,
    store: new MemoryModelStore(),
  });
  expect(await client.checkForUpdate()).toEqual({ status: 'activated', release: 1, downloaded: true });
  expect(await client.checkForUpdate()).toEqual({ status: 'not-modified' });
  // A second release: the publisher finds the next number by the collector's 409.
  const second = await publishVersion(publisher.registry, 'base', 2, {
    signingKey: publisher.key,
    releaseModel: 'fleet',
    target,
  });
  expect(second.release).toBe(2);
  expect(await client.checkForUpdate()).toEqual({ status: 'activated', release: 2, downloaded: true });
  const results = await (await client.predictor()).predict(publisher.goldenRows);
  expect(results.every((r) => r.ok)).toBe(true);
  await client.close();
  const refused = await publishVersion(publisher.registry, 'base', 2, {
    signingKey: publisher.key,
    releaseModel: 'fleet',
    target: { kind: 'collector', collector: { url: collector.url, token: 'wrong' } },
  }).catch((e: unknown) => e);
  expect(isEdgeflowError(refused)).toBe(true);
  expect(['UNAUTHORIZED', 'FORBIDDEN']).toContain((refused as { code: string }).code);
});
