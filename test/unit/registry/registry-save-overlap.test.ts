// Issue 16, point 2: bytes handed over to be saved (tfjs artifacts, imported files) are prepared
// for the store before their digest is taken, so the store's copy overlaps the hashing; other
// sources are still prepared only once the digest says they are not stored.
import { expect, test } from 'vitest';
import { gatherChunks, viewSources } from '../../../src/registry/chunk-pipeline.ts';
import { sha256Hex } from '../../../src/registry/content-hash.ts';
import type { ChunkHasher } from '../../../src/registry/hasher.ts';

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
