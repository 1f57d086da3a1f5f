// The save pipeline's parts in isolation: which chunks are read, hashed and prepared, and the
// tensor digest cache's bound.
import { expect, test } from 'vitest';
import { gatherChunks, viewSources } from '../../../src/registry/chunk-pipeline.ts';
import { sha256Hex } from '../../../src/registry/content-hash.ts';
import { createChunkHasher } from '../../../src/registry/hasher.ts';
import { TensorDigestCache } from '../../../src/registry/tensor-weights.ts';

const bytes = (fill: number, n = 32) => new Uint8Array(n).fill(fill);
// Node has no Worker: the hasher digests in place here; test/browser covers the worker.
const hasher = createChunkHasher();

test('gatherChunks hashes every chunk, prepares only those not known to be stored', async () => {
  const views = [bytes(1), bytes(2), bytes(3)];
  const known = new Set([await sha256Hex(views[1] as Uint8Array)]);
  const prepared: Uint8Array[] = [];
  const chunks = await gatherChunks(viewSources(views), {
    known,
    hasher,
    prepare: (view) => {
      prepared.push(view);
      return view;
    },
  });
  expect(chunks.map((c) => c.sha256)).toEqual(await Promise.all(views.map((v) => sha256Hex(v))));
  expect(chunks.map((c) => c.data !== undefined)).toEqual([true, false, true]);
  expect(prepared).toEqual([views[0], views[2]]);
  // `all` prepares the known one too (the retry after a chunk vanished).
  const all = await gatherChunks(viewSources(views), { known, hasher, prepare: (v) => v, all: true });
  expect(all.every((c) => c.data !== undefined)).toBe(true);
});

test('gatherChunks trusts a given digest and reads the chunk only when it must be written', async () => {
  let reads = 0;
  const source = {
    bytes: 32,
    sha256: 'a'.repeat(64),
    read: () => {
      reads++;
      return bytes(7);
    },
  };
  const skipped = await gatherChunks([source], {
    known: new Set(['a'.repeat(64)]),
    hasher,
    prepare: (v) => v,
  });
  expect(skipped).toEqual([{ sha256: 'a'.repeat(64), bytes: 32 }]);
  expect(reads).toBe(0);
  const written = await gatherChunks([source], { known: new Set(), hasher, prepare: (v) => v });
  expect(written[0]?.data).toEqual(bytes(7));
  expect(reads).toBe(1);
});

test('owned chunks: likely-new ones are prepared at once, known ones never, others from the bytes hashing hands back', async () => {
  const order: string[] = [];
  const source = (fill: number, likelyNew: boolean) => ({
    bytes: 32,
    owned: true,
    likelyNew,
    read: () => {
      order.push(`read ${fill}`);
      return bytes(fill);
    },
  });
  const known = new Set([await sha256Hex(bytes(2))]);
  const chunks = await gatherChunks([source(1, true), source(2, false), source(3, false)], {
    known,
    hasher,
    prepare: (view) => {
      order.push(`prepare ${view[0]}`);
      return view.slice();
    },
  });
  expect(chunks.map((c) => c.data)).toEqual([bytes(1), undefined, bytes(3)]);
  expect(order.filter((step) => step.startsWith('prepare'))).toEqual(['prepare 1', 'prepare 3']);
  expect(order.filter((step) => step.startsWith('read'))).toEqual(['read 1', 'read 2', 'read 3']);
});

test('a failed read rejects the gathering with its own error', async () => {
  const failing = { bytes: 1, read: () => Promise.reject(new Error('tensor disposed')) };
  await expect(gatherChunks([failing], { known: new Set(), hasher, prepare: (v) => v })).rejects.toThrow(
    'tensor disposed',
  );
});

test('the tensor digest cache names each data object once and keeps only the newest entries', () => {
  const cache = new TensorDigestCache(2);
  const a = {};
  const b = {};
  expect(cache.serial(a)).toBe(cache.serial(a));
  expect(cache.serial(b)).not.toBe(cache.serial(a));
  cache.set('k1', 'd1');
  cache.set('k2', 'd2');
  cache.set('k1', 'd1'); // touched: now the newest
  cache.set('k3', 'd3');
  expect(cache.get('k2')).toBeUndefined();
  expect(cache.get('k1')).toBe('d1');
  expect(cache.get('k3')).toBe('d3');
});
