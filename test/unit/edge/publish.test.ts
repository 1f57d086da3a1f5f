// Issue 14: publishing — the Node folder target, and the collector upload API (multipart POST,
// channel PUT, bearer token, 409 handling) against a real HTTP server that parses what it receives.
import { readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  publishVersion,
  putChannel,
  uploadRelease,
  verifyChannel,
  verifyReleaseFiles,
  verifyReleaseManifest,
} from '../../../src/edge/index.ts';
import { folderTarget, nextFolderRelease } from '../../../src/edge/node/index.ts';
import { isEdgeflowError } from '../../../src/errors.ts';
import { sha256Hex } from '../../../src/release/index.ts';
import { createPublisher, type Publisher } from './fixtures.ts';

let publisher: Publisher;
beforeAll(async () => {
  publisher = await createPublisher();
});
afterAll(async () => {
  await rm(publisher.root, { recursive: true, force: true });
});

interface Received {
  method: string;
  url: string;
  authorization: string | undefined;
  form: FormData | null;
  text: string | null;
}

async function fakeCollector(answer: (r: Received) => number | Promise<number>) {
  const received: Received[] = [];
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const type = request.headers['content-type'] ?? '';
    const entry: Received = {
      method: request.method ?? '',
      url: request.url ?? '',
      authorization: request.headers.authorization,
      form: type.startsWith('multipart/form-data')
        ? await new Request('http://x/', {
            method: 'POST',
            headers: { 'content-type': type },
            body,
          }).formData()
        : null,
      text: type.startsWith('multipart/form-data') ? null : body.toString('utf8'),
    };
    received.push(entry);
    const status = await answer(entry);
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(
      status === 409
        ? JSON.stringify({
            error: { code: 'VERSION_CONFLICT', message: 'release number not above the highest' },
          })
        : '{}',
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

test('folder target: numbers grow from what the folder holds; every file verifies against the signed manifest', async () => {
  expect(await nextFolderRelease(publisher.root, 'folder-m')).toBe(1);
  const first = await publishVersion(publisher.registry, 'base', 1, {
    signingKey: publisher.key,
    releaseModel: 'folder-m',
    goldenRows: publisher.goldenRows,
    target: folderTarget(publisher.root),
  });
  const second = await publishVersion(publisher.registry, 'base', 2, {
    signingKey: publisher.key,
    releaseModel: 'folder-m',
    target: folderTarget(publisher.root),
    channel: 'beta',
    rolloutPercent: 25,
  });
  expect([first.release, second.release]).toEqual([1, 2]);
  expect(first.golden).toBe(6);
  expect((await readdir(`${publisher.root}/folder-m`)).sort()).toEqual(['1', '2', 'channels']);
  const manifestText = await readFile(`${publisher.root}/folder-m/2/manifest.json`, 'utf8');
  const { payload: manifest } = await verifyReleaseManifest(manifestText, publisher.publicKeys);
  expect(manifest).toMatchObject({ model: 'folder-m', release: 2, version: 2 });
  const files = new Map(
    await Promise.all(
      manifest.files.map(
        async (f) =>
          [f.path, new Uint8Array(await readFile(`${publisher.root}/folder-m/2/${f.path}`))] as const,
      ),
    ),
  );
  await verifyReleaseFiles(manifest, files);
  const { payload: beta } = await verifyChannel(
    await readFile(`${publisher.root}/folder-m/channels/beta.json`, 'utf8'),
    publisher.publicKeys,
  );
  expect(beta).toMatchObject({
    release: 2,
    rolloutPercent: 25,
    manifestSha256: await sha256Hex(manifestText),
  });
  // The profile shipped is the monitor's aggregates-only fold, never the raw stored one.
  expect(manifest.profile).not.toEqual((await publisher.registry.getVersion('base', 2)).profile);
  // An explicit number that is taken is refused; the folder keeps what it had.
  const taken = await publishVersion(publisher.registry, 'base', 1, {
    signingKey: publisher.key,
    releaseModel: 'folder-m',
    release: 2,
    target: folderTarget(publisher.root),
  }).catch((e: unknown) => e);
  expect(isEdgeflowError(taken, 'VERSION_CONFLICT')).toBe(true);
  expect((await readdir(`${publisher.root}/folder-m`)).sort()).toEqual(['1', '2', 'channels']);
});

test('collector upload: multipart with the manifest and every file, bearer token; channel PUT with the signed text', async () => {
  const collector = await fakeCollector(() => 200);
  const built = await publisher.publish({ model: 'up-m', version: 1, release: 1, writeChannel: false });
  await uploadRelease({ url: collector.url, token: 's3cret' }, built);
  await putChannel({ url: collector.url, token: 's3cret' }, 'up-m', 'stable', '{"x":1}');
  const [post, put] = collector.received;
  expect(post?.method).toBe('POST');
  expect(post?.url).toBe('/api/releases');
  expect(post?.authorization).toBe('Bearer s3cret');
  expect([...(post?.form?.keys() ?? [])]).toEqual(['manifest', ...built.files.keys()]);
  expect(await (((post as Received).form as FormData).get('manifest') as File).text()).toBe(
    built.manifestText,
  );
  for (const [path, data] of built.files)
    expect(
      new Uint8Array(await (((post as Received).form as FormData).get(path) as File).arrayBuffer()),
    ).toEqual(data);
  expect(put).toMatchObject({
    method: 'PUT',
    url: '/api/models/up-m/channels/stable',
    authorization: 'Bearer s3cret',
    text: '{"x":1}',
  });
  await collector.close();
});

test('collector target without a release number: a 409 moves on to the next number; an explicit one surfaces VERSION_CONFLICT', async () => {
  // The fake collector already holds releases up to 2 and refuses any number not above its highest.
  let highest = 2;
  const statuses: number[] = [];
  const collector = await fakeCollector(async (r) => {
    let status = 200;
    if (r.method === 'POST') {
      const release = JSON.parse(
        JSON.parse(await ((r.form as FormData).get('manifest') as File).text()).payload,
      ).release as number;
      status = release <= highest ? 409 : 200;
      if (status === 200) highest = release;
    }
    statuses.push(status);
    return status;
  });
  const target = { kind: 'collector' as const, collector: { url: collector.url } };
  const result = await publishVersion(publisher.registry, 'base', 1, {
    signingKey: publisher.key,
    releaseModel: 'col-m',
    target,
  });
  expect(result.release).toBe(3);
  expect(collector.received.map((r) => r.method)).toEqual(['POST', 'POST', 'POST', 'PUT']);
  expect(statuses).toEqual([409, 409, 200, 200]);
  const explicit = await publishVersion(publisher.registry, 'base', 1, {
    signingKey: publisher.key,
    releaseModel: 'col-m',
    release: 3,
    target,
  }).catch((e: unknown) => e);
  expect(isEdgeflowError(explicit, 'VERSION_CONFLICT')).toBe(true);
  await collector.close();
});
