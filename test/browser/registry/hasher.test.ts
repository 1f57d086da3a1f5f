// The registry's hashing worker (a Blob-URL worker in the page): same digests as WebCrypto in place,
// buffers that travel and come back intact, views that are never detached, and in-place hashing
// after close.
import { expect, test } from 'vitest';
import { sha256Hex } from '../../../src/registry/content-hash.ts';
import { createChunkHasher } from '../../../src/registry/hasher.ts';

function filled(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 255;
  return out;
}

test('the worker hasher gives WebCrypto digests; owned buffers come back, views are hashed in place', async () => {
  const hasher = createChunkHasher();
  const whole = filled(1 << 20, 3);
  const view = whole.subarray(1000, 5000);
  const owned = filled(1 << 16, 9);
  const expectedOwned = await sha256Hex(owned);
  const [ofView, ofOwned] = await Promise.all([
    hasher.digestView(view),
    hasher.digestOwned(owned.buffer as ArrayBuffer),
  ]);
  expect(ofView).toBe(await sha256Hex(view));
  expect(view.byteLength).toBe(4000); // not detached
  expect(ofOwned.sha256).toBe(expectedOwned);
  expect(owned.buffer.byteLength).toBe(0); // travelled to the worker…
  expect(new Uint8Array(ofOwned.buffer)).toEqual(filled(1 << 16, 9)); // …and came back whole
  // Many at once keep their order and pairing.
  const many = Array.from({ length: 12 }, (_, i) => filled(4096 + i, i));
  const expected = await Promise.all(many.map((m) => sha256Hex(m)));
  const got = await Promise.all(many.map((m) => hasher.digestOwned(m.slice().buffer)));
  expect(got.map((g) => g.sha256)).toEqual(expected);
  hasher.close();
  // After close, digests run in place.
  const after = filled(100, 1);
  expect((await hasher.digestOwned(after.slice().buffer)).sha256).toBe(await sha256Hex(after));
  expect(await hasher.digestView(after)).toBe(await sha256Hex(after));
});
