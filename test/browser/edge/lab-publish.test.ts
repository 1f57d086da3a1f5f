// Issue 14: lab.publish builds a signed release in a lab worker (golden pairs on the worker's
// backend, the CryptoKey cloned into the worker) and writes it into a real browser directory (OPFS);
// served over HTTP, an edge client verifies and activates it.
import * as tf from '@tensorflow/tfjs';
import { afterAll, expect, test } from 'vitest';
import { commands } from 'vitest/browser';
import { createRng, fitPipeline, ingestDataset, profileTable } from '../../../src/data/index.ts';
import {
  createEdgeClient,
  exportPublicKey,
  generateSigningKey,
  verifyReleaseFiles,
  verifyReleaseManifest,
} from '../../../src/edge/index.ts';
import { createLab, type Lab } from '../../../src/index.ts';

interface Host {
  id: string;
  url: string;
}
const cmd = commands as unknown as {
  startReleaseHost(): Promise<Host>;
  writeReleaseHostFiles(id: string, files: { path: string; base64: string }[]): Promise<void>;
  stopReleaseHost(id: string): Promise<void>;
};

let lab: Lab | undefined;
afterAll(async () => {
  await lab?.dispose();
});

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

async function readTree(dir: FileSystemDirectoryHandle, prefix = ''): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for await (const [name, handle] of (
    dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }
  ).entries()) {
    if (handle.kind === 'directory') {
      for (const [path, data] of await readTree(handle as FileSystemDirectoryHandle, `${prefix}${name}/`))
        out.set(path, data);
    } else {
      out.set(
        `${prefix}${name}`,
        new Uint8Array(await (await (handle as FileSystemFileHandle).getFile()).arrayBuffer()),
      );
    }
  }
  return out;
}

test('lab.publish → OPFS folder → HTTP → edge client activates the release', async () => {
  await tf.setBackend('cpu');
  const model = `lab-pub-${Date.now()}`;
  lab = await createLab({ backend: 'cpu', workers: 1 });
  // Register a version through the page's registry (same IndexedDB as the worker's).
  const rng = createRng(11);
  const rows = Array.from({ length: 120 }, () => {
    const x1 = Math.fround(rng.normal());
    return { x1, x2: Math.fround(rng.normal()), label: x1 > 0 ? 'yes' : 'no' };
  });
  const ds = await ingestDataset({ rows }, { target: 'label' });
  const pipeline = fitPipeline(ds.table, ds.schema);
  const net = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [pipeline.featureCount],
        units: 2,
        activation: 'softmax',
        kernelInitializer: 'ones',
      }),
    ],
  });
  const version = await lab.registry.saveModel(model, net, {
    pipeline: pipeline as never,
    profile: profileTable(ds.table, ds.schema) as never,
    signature: { columns: pipeline.columns.map((c) => ({ name: c.name, type: c.type })) } as never,
  });
  net.dispose();
  const key = await generateSigningKey();
  const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(`releases-${Date.now()}`, {
    create: true,
  });
  const result = await lab.publish(model, version.version, {
    signingKey: key,
    channel: 'beta',
    rolloutPercent: 100,
    goldenRows: rows.slice(0, 4),
    target: { kind: 'directory', directory: root },
  });
  expect(result).toMatchObject({ model, release: 1, version: version.version, channel: 'beta', golden: 4 });
  const files = await readTree(root);
  expect([...files.keys()].sort()).toEqual(
    [
      `${model}/1/group1-shard1of1.bin`,
      `${model}/1/manifest.json`,
      `${model}/1/model.json`,
      `${model}/channels/beta.json`,
    ].sort(),
  );
  const publicKeys = { keys: [await exportPublicKey(key)] };
  const { payload: manifest } = await verifyReleaseManifest(
    files.get(`${model}/1/manifest.json`),
    publicKeys,
  );
  // Golden inputs carry only the signature's columns: the label never leaves.
  expect(manifest.golden.map((g) => Object.keys(g.input).sort())).toEqual(Array(4).fill(['x1', 'x2']));
  await verifyReleaseFiles(
    manifest,
    new Map(
      [...files]
        .filter(([p]) => p.startsWith(`${model}/1/`) && !p.endsWith('manifest.json'))
        .map(([p, d]) => [p.slice(`${model}/1/`.length), d]),
    ),
  );

  const host = await cmd.startReleaseHost();
  await cmd.writeReleaseHostFiles(
    host.id,
    [...files].map(([path, data]) => ({ path, base64: base64(data) })),
  );
  const client = await createEdgeClient({
    baseUrl: host.url,
    model,
    channel: 'beta',
    publicKeys,
    persistStorage: false,
  });
  expect(await client.checkForUpdate()).toEqual({ status: 'activated', release: 1, downloaded: true });
  await client.close();
  await cmd.stopReleaseHost(host.id);
});
