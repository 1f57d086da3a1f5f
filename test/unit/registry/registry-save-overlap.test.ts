// Issue 16, point 2: bytes handed over to be saved (tfjs artifacts, imported files) are prepared
// for the store before their digest is taken, so the store's copy overlaps the hashing; other
// sources are still prepared only once the digest says they are not stored. A chunk joined from
// several tensors hashes on the worker while the store copies the pieces; a load hashes a lone
// chunk in place.
import { expect, test } from 'vitest';
import { gatherChunks, viewSources } from '../../../src/registry/chunk-pipeline.ts';
import { sha256Hex } from '../../../src/registry/content-hash.ts';
import type { ChunkHasher } from '../../../src/registry/hasher.ts';
import { MemoryModelStore } from '../../../src/registry/memory-store.ts';
import { createRegistryContext } from '../../../src/registry/registry-context.ts';
import { startSession } from '../../../src/registry/session.ts';
import { loadArtifacts } from '../../../src/registry/version-load.ts';
import { registerArtifacts } from '../../../src/registry/version-save.ts';

const bytes = (fill: number) => new Uint8Array(16).fill(fill);

/** A hasher that logs when each digest is asked for. */
function loggingHasher(log: string[]): ChunkHasher {
  return {
    digestView: (view) => {
      log.push(`digest ${view[0]}`);
      return sha256Hex(view);
    },
    digestOwned: async (buffer) => {
      log.push(`digest ${new Uint8Array(buffer)[0]}`);
      return { sha256: await sha256Hex(buffer), buffer };
    },
    close: () => undefined,
  };
}

test('likely-new views are prepared before they are hashed; known ones still carry no bytes', async () => {
  const log: string[] = [];
  const views = [bytes(1), bytes(2)];
  const known = new Set([await sha256Hex(bytes(2))]);
  const chunks = await gatherChunks(viewSources(views, { likelyNew: true }), {
    known,
    hasher: loggingHasher(log),
    prepare: (view) => {
      log.push(`prepare ${view[0]}`);
      return view.slice();
    },
  });
  expect(log.indexOf('prepare 1')).toBeLessThan(log.indexOf('digest 1'));
  expect(log.indexOf('prepare 2')).toBeLessThan(log.indexOf('digest 2'));
  expect(chunks.map((c) => c.sha256)).toEqual([await sha256Hex(bytes(1)), await sha256Hex(bytes(2))]);
  expect(chunks.map((c) => c.data)).toEqual([bytes(1), undefined]);
});

test('plain views are hashed first and only unknown ones are prepared', async () => {
  const log: string[] = [];
  const known = new Set([await sha256Hex(bytes(2))]);
  const chunks = await gatherChunks(viewSources([bytes(1), bytes(2)]), {
    known,
    hasher: loggingHasher(log),
    prepare: (view) => {
      log.push(`prepare ${view[0]}`);
      return view.slice();
    },
  });
  expect(log).toEqual(['digest 1', 'digest 2', 'prepare 1']);
  expect(chunks.map((c) => c.data)).toEqual([bytes(1), undefined]);
});

/** A hasher that logs digests and records which buffers it was handed. */
function handOverHasher(log: string[], handed: ArrayBuffer[]): ChunkHasher {
  return {
    ...loggingHasher(log),
    digestOwned: async (buffer) => {
      handed.push(buffer);
      log.push(`digest ${new Uint8Array(buffer)[0]}`);
      return { sha256: await sha256Hex(buffer), buffer };
    },
  };
}

test('a store that copies what it prepares gets the pieces while the joined bytes hash elsewhere', async () => {
  const log: string[] = [];
  const handed: ArrayBuffer[] = [];
  const pieces = [bytes(5).subarray(0, 6), bytes(6).subarray(0, 10)];
  const joined = new Uint8Array(16);
  joined.set(pieces[0] as Uint8Array, 0);
  joined.set(pieces[1] as Uint8Array, 6);
  const given: Uint8Array[][] = [];
  const [chunk] = await gatherChunks(
    [{ bytes: 16, likelyNew: true, owned: true, read: () => joined, parts: async () => pieces }],
    {
      known: new Set(),
      hasher: handOverHasher(log, handed),
      preparedIsCopy: true,
      prepare: (...parts) => {
        log.push(`prepare ${parts.length} pieces`);
        given.push(parts);
        return new Uint8Array(parts.flatMap((p) => [...p]));
      },
    },
  );
  // The digest is asked for first (it runs elsewhere), of the joined buffer itself: no copy.
  expect(log).toEqual(['digest 5', 'prepare 2 pieces']);
  expect(handed).toEqual([joined.buffer]);
  expect(given).toEqual([pieces]);
  expect(chunk?.sha256).toBe(await sha256Hex(joined.slice()));
  expect(chunk?.data).toEqual(joined.slice());
});

test('views of one tensor and owned buffers without pieces are prepared first, then hashed as before', async () => {
  const log: string[] = [];
  const handed: ArrayBuffer[] = [];
  const tensorData = new Uint8Array(32).fill(3);
  const view = tensorData.subarray(8, 24);
  const own = bytes(4);
  const chunks = await gatherChunks(
    [
      { bytes: 16, likelyNew: true, read: () => view },
      { bytes: 16, likelyNew: true, owned: true, read: () => own },
    ],
    {
      known: new Set(),
      hasher: handOverHasher(log, handed),
      preparedIsCopy: true,
      prepare: (...parts) => {
        log.push(`prepare ${parts[0]?.[0]} (${parts.length})`);
        return (parts[0] as Uint8Array).slice();
      },
    },
  );
  // The view is hashed in place (never handed over, never detached); the owned buffer travels.
  expect(handed).toEqual([own.buffer]);
  expect(view.byteLength).toBe(16);
  expect(log.indexOf('prepare 3 (1)')).toBeLessThan(log.indexOf('digest 3'));
  expect(log.indexOf('prepare 4 (1)')).toBeLessThan(log.indexOf('digest 4'));
  expect(chunks.map((c) => c.sha256)).toEqual([await sha256Hex(view), await sha256Hex(bytes(4))]);
  expect(chunks.map((c) => c.data)).toEqual([view, bytes(4)]);
});

test('a load hashes the only chunk of a one-chunk version in place, and hands the chunks of a longer one to the worker', async () => {
  const session = await startSession();
  const log: string[] = [];
  const handed: ArrayBuffer[] = [];
  const context = {
    ...createRegistryContext(new MemoryModelStore(), session, { channel: null, chunkBytes: 8 }),
    hasher: handOverHasher(log, handed),
  };
  const artifacts = (n: number, fill: number) => ({
    modelTopology: { class_name: 'Sequential', config: { layers: [] } },
    weightSpecs: [{ name: 'w', shape: [n], dtype: 'float32' as const }],
    weightData: new Float32Array(n).fill(fill).buffer,
  });
  await registerArtifacts(
    context,
    { model: 'one', artifacts: artifacts(2, 1) },
    { kind: 'register', from: null },
  );
  await registerArtifacts(
    context,
    { model: 'three', artifacts: artifacts(6, 2) },
    { kind: 'register', from: null },
  );
  log.length = 0;
  handed.length = 0;
  const one = await loadArtifacts(context, 'one', 1);
  expect(handed).toEqual([]);
  expect(log).toHaveLength(1);
  expect(new Float32Array(one.weightData as ArrayBuffer)).toEqual(new Float32Array(2).fill(1));
  const three = await loadArtifacts(context, 'three', 'latest');
  expect(handed).toHaveLength(3);
  expect((three.weightData as ArrayBuffer[]).map((b) => b.byteLength)).toEqual([8, 8, 8]);
  session.end();
});
