// Issue 17 (mutation score of src/registry): the pure helpers under the facade, called directly —
// chunk splitting, weight sizes, artifacts checks, tensor pinning, URLs, run filters, the alias
// release entries and the model record a commit leaves.
import { describe, expect, test } from 'vitest';
import { aliasReleaseEntries } from '../../../src/registry/alias-release.ts';
import {
  artifactsInfo,
  checkArtifacts,
  expectedWeightBytes,
  toModelArtifacts,
  weightDataBytes,
} from '../../../src/registry/artifacts.ts';
import {
  MAX_CHUNK_BYTES,
  sha256Hex,
  splitIntoChunks,
  weightsDigest,
} from '../../../src/registry/content-hash.ts';
import { parseEdgeflowUrl } from '../../../src/registry/index.ts';
import { modelAfterCommit } from '../../../src/registry/model-record.ts';
import { runMatches } from '../../../src/registry/run-filter.ts';
import { pinWeights, TensorDigestCache } from '../../../src/registry/tensor-weights.ts';
import { fakeModel, fakeTensor, liveClones, values } from './registry-mutation-fixtures.ts';

const bytes = (...values: number[]) => new Uint8Array(values).buffer;
const asArrays = (views: Uint8Array[]) => views.map((v) => [...v]);

describe('splitIntoChunks', () => {
  test('cuts one buffer into views and joins chunks that span buffers', () => {
    const one = bytes(1, 2, 3, 4, 5);
    const views = splitIntoChunks(one, 2);
    expect(asArrays(views)).toEqual([[1, 2], [3, 4], [5]]);
    expect(views.every((v) => v.buffer === one)).toBe(true);
    expect(views.map((v) => v.byteOffset)).toEqual([0, 2, 4]);
    const parts = [bytes(1, 2, 3), bytes(4), bytes(5, 6, 7, 8)];
    const joined = splitIntoChunks(parts, 3);
    expect(asArrays(joined)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8],
    ]);
    expect(joined[0]?.buffer).toBe(parts[0]);
    expect(joined[1]?.buffer).not.toBe(parts[1]);
    expect(joined[2]?.buffer).toBe(parts[2]);
    expect(asArrays(splitIntoChunks(parts, 8))).toEqual([[1, 2, 3, 4, 5, 6, 7, 8]]);
    expect(asArrays(splitIntoChunks(parts, 1))).toEqual([[1], [2], [3], [4], [5], [6], [7], [8]]);
    expect(asArrays(splitIntoChunks([bytes(1, 2), bytes(3, 4)], 2))).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(splitIntoChunks(new ArrayBuffer(0), 4)).toEqual([]);
    expect(splitIntoChunks([new ArrayBuffer(0), bytes(9)], 4).map((v) => [...v])).toEqual([[9]]);
    expect(splitIntoChunks(bytes(1), MAX_CHUNK_BYTES).length).toBe(1);
  });

  test('refuses chunk sizes outside 1 byte to 64 MiB', () => {
    for (const chunkBytes of [0, 1.5, MAX_CHUNK_BYTES + 1, -1]) {
      let caught: unknown;
      try {
        splitIntoChunks(bytes(1), chunkBytes);
      } catch (error) {
        caught = error;
      }
      expect(caught).toMatchObject({
        code: 'INVALID_ARGUMENT',
        details: { field: 'chunkBytes', value: chunkBytes },
        message: `chunkBytes must be an integer from 1 to ${MAX_CHUNK_BYTES} (64 MiB); got ${chunkBytes}.`,
      });
    }
  });

  test('digests are lowercase hex SHA-256', async () => {
    expect(await sha256Hex(new Uint8Array(0))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(await sha256Hex(bytes(0x61, 0x62, 0x63))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(await weightsDigest(['ab', 'c'])).toBe(await sha256Hex(bytes(0x61, 0x62, 0x63)));
  });
});

describe('artifacts', () => {
  test('expected weight bytes per dtype and quantization; strings are data-dependent', () => {
    expect(
      expectedWeightBytes([
        { name: 'a', shape: [2, 3], dtype: 'float32' },
        { name: 'b', shape: [2], dtype: 'int32' },
        { name: 'c', shape: [3], dtype: 'bool' },
        { name: 'd', shape: [], dtype: 'complex64' },
      ]),
    ).toBe(24 + 8 + 3 + 8);
    expect(
      expectedWeightBytes([
        { name: 'q1', shape: [4], dtype: 'float32', quantization: { dtype: 'uint8', scale: 1, min: 0 } },
        { name: 'q2', shape: [4], dtype: 'float32', quantization: { dtype: 'uint16', scale: 1, min: 0 } },
        { name: 'q3', shape: [4], dtype: 'float32', quantization: { dtype: 'float16' } },
      ] as never),
    ).toBe(4 + 8 + 8);
    expect(expectedWeightBytes([{ name: 's', shape: [1], dtype: 'string' }])).toBeNull();
    expect(expectedWeightBytes([])).toBe(0);
    expect(weightDataBytes(undefined)).toBe(0);
    expect(weightDataBytes(new ArrayBuffer(5))).toBe(5);
    expect(weightDataBytes([new ArrayBuffer(2), new ArrayBuffer(3)])).toBe(5);
  });

  test('checkArtifacts: topology, specs and lengths, with the byte count given separately for live models', () => {
    const specs = [{ name: 'w', shape: [2], dtype: 'float32' as const }];
    const ok = checkArtifacts('m', { modelTopology: { a: 1 }, weightSpecs: specs }, 8);
    expect(ok).toEqual({
      topology: { a: 1 },
      trainingConfig: null,
      weightSpecs: specs,
      weightData: new ArrayBuffer(0),
      format: null,
      generatedBy: null,
      convertedBy: null,
    });
    const wrong = () => checkArtifacts('m', { modelTopology: { a: 1 }, weightSpecs: specs }, 7);
    expect(wrong).toThrow(
      'Cannot register "m": the weight data has 7 bytes but the 1 weight specs need 8. Pass the weightData and weightSpecs from the same save.',
    );
    const noData = () => checkArtifacts('m', { modelTopology: { a: 1 }, weightSpecs: specs });
    expect(noData).toThrow('the weight data has 0 bytes');
    expect(checkArtifacts('m', { modelTopology: { a: 1 } }).weightSpecs).toEqual([]);
    for (const modelTopology of [undefined, null, 'text', new ArrayBuffer(1)]) {
      expect(() => checkArtifacts('m', { modelTopology } as never)).toThrow(
        'Cannot register "m": artifacts.modelTopology must be a JSON object',
      );
    }
    let caught: { details?: { issues?: unknown[] }; message?: string } = {};
    try {
      checkArtifacts('m', {
        modelTopology: {},
        weightSpecs: [{ name: 'w', shape: ['x'], dtype: 'float32' }],
      } as never);
    } catch (error) {
      caught = error as typeof caught;
    }
    expect(caught.message).toMatch(
      /^Cannot register "m": artifacts\.weightSpecs\[0\]\.\[shape\]\.\[0\] is invalid \(/,
    );
    expect(caught.details?.issues).toEqual([{ path: ['0', 'shape', '0'], message: expect.any(String) }]);
  });

  test('toModelArtifacts and artifactsInfo', () => {
    const info = artifactsInfo({ weightData: [new ArrayBuffer(3)] });
    expect([
      info.modelTopologyType,
      info.modelTopologyBytes,
      info.weightSpecsBytes,
      info.weightDataBytes,
    ]).toEqual(['JSON', 0, 0, 3]);
    expect(info.dateSaved).toBeInstanceOf(Date);
    const topology = { é: 1 };
    expect(artifactsInfo({ modelTopology: topology }).modelTopologyBytes).toBe(
      new TextEncoder().encode(JSON.stringify(topology)).byteLength,
    );
    const full = toModelArtifacts(
      {
        topology: { t: 1 },
        weightSpecs: [],
        format: 'f',
        generatedBy: 'g',
        convertedBy: 'c',
        trainingConfig: { loss: 'mse' },
      } as never,
      new ArrayBuffer(0),
    );
    expect(full).toEqual({
      modelTopology: { t: 1 },
      weightSpecs: [],
      weightData: new ArrayBuffer(0),
      format: 'f',
      generatedBy: 'g',
      convertedBy: 'c',
      trainingConfig: { loss: 'mse' },
    });
  });
});

describe('pinWeights', () => {
  test('lays weights out in order, cuts chunks across tensors, and keys them by tensor identity', async () => {
    const a = fakeTensor(values(3, 1));
    const b = fakeTensor(Int32Array.from([7, 8]), 'int32');
    const c = fakeTensor(new Float32Array(0));
    const cache = new TensorDigestCache();
    const pinned = pinWeights('m', fakeModel([a, c, b]), 8, cache);
    expect(pinned.weightSpecs).toEqual([
      { name: 'dense/w0', shape: [3], dtype: 'float32' },
      { name: 'dense/w1', shape: [0], dtype: 'float32' },
      { name: 'dense/w2', shape: [2], dtype: 'int32' },
    ]);
    expect(pinned.bytes).toBe(20);
    expect(pinned.sources.map((s) => [s.bytes, s.owned, s.likelyNew, s.sha256])).toEqual([
      [8, false, true, undefined],
      [8, true, true, undefined],
      [4, false, true, undefined],
    ]);
    const sa = cache.serial(a.dataId);
    const sb = cache.serial(b.dataId);
    expect(pinned.keys).toEqual([`${sa}:0-8`, `${sa}:8-12,${sb}:0-4`, `${sb}:4-8`]);
    const read = await Promise.all(pinned.sources.map(async (s) => [...(await s.read())]));
    const all = new Uint8Array(20);
    all.set(new Uint8Array(values(3, 1).buffer), 0);
    all.set(new Uint8Array(Int32Array.from([7, 8]).buffer), 12);
    expect(read).toEqual([[...all.subarray(0, 8)], [...all.subarray(8, 16)], [...all.subarray(16, 20)]]);
    // Only the chunk cut across tensors has pieces: views of each tensor's part, in order, no copy.
    expect(pinned.sources.map((s) => s.parts !== undefined)).toEqual([false, true, false]);
    const pieces = (await pinned.sources[1]?.parts?.()) ?? [];
    expect(pieces.map((p) => [...p])).toEqual([[...all.subarray(8, 12)], [...all.subarray(12, 16)]]);
    expect(pieces.map((p) => p.byteOffset)).toEqual([8, 0]);
    expect(liveClones.get(a.dataId)).toBe(1);
    pinned.release();
    expect([liveClones.get(a.dataId), liveClones.get(b.dataId), liveClones.get(c.dataId)]).toEqual([0, 0, 0]);
    // A cached key gives its digest without reading.
    cache.set(`${sa}:0-8`, 'cached');
    const again = pinWeights('m', fakeModel([a, c, b]), 8, cache);
    expect(again.sources[0]).toMatchObject({ sha256: 'cached', bytes: 8 });
    expect(again.sources[0]?.likelyNew).toBeUndefined();
    expect(again.sources[1]?.sha256).toBeUndefined();
    again.release();
    // A whole tensor in one chunk is a view into its data.
    const big = pinWeights('m', fakeModel([a]), 64, cache);
    expect(big.keys).toEqual([`${sa}:0-12`]);
    expect([...((await big.sources[0]?.read()) ?? [])]).toEqual([...new Uint8Array(values(3, 1).buffer)]);
    big.release();
    const bools = pinWeights('m', fakeModel([fakeTensor(new Float32Array(3), 'bool')]), 64, cache);
    expect(bools.bytes).toBe(3);
    bools.release();
  });

  test('refuses dtypes it cannot lay out, releasing what it pinned', () => {
    const a = fakeTensor(values(1, 1));
    const s = fakeTensor(new Float32Array(1), 'string');
    let caught: { code?: string; details?: unknown; message?: string } = {};
    try {
      pinWeights('m', fakeModel([a, s]), 8, new TensorDigestCache());
    } catch (error) {
      caught = error as typeof caught;
    }
    expect(caught).toMatchObject({
      code: 'INVALID_ARGUMENT',
      details: { model: 'm', field: 'weights', weight: 'dense/w1', dtype: 'string' },
    });
    expect(caught.message).toBe(
      'Cannot save "m" with saveModel: weight "dense/w1" has dtype string. Use tfModel.save(registry.saveHandler("m")) for such models.',
    );
    expect([liveClones.get(a.dataId), liveClones.get(s.dataId)]).toEqual([0, 0]);
  });
});

describe('small rules', () => {
  test('edgeflow:// URLs', () => {
    expect(parseEdgeflowUrl('edgeflow://iris')).toEqual({ model: 'iris', ref: null });
    expect(parseEdgeflowUrl('edgeflow://iris@3')).toEqual({ model: 'iris', ref: '3' });
    expect(parseEdgeflowUrl('edgeflow://a@b@champion')).toEqual({ model: 'a@b', ref: 'champion' });
    expect(parseEdgeflowUrl('edgeflow://iris@')).toEqual({ model: 'iris', ref: '' });
    expect(parseEdgeflowUrl('indexeddb://iris')).toBeNull();
    expect(parseEdgeflowUrl('xedgeflow://iris')).toBeNull();
  });

  test('run filters: every given field must match', () => {
    const run = { status: 'finished' as const, datasetFingerprint: 'fp', tags: ['a'] };
    expect(runMatches(run, {})).toBe(true);
    expect(runMatches(run, { status: 'finished', datasetFingerprint: 'fp', tag: 'a' })).toBe(true);
    expect(runMatches(run, { status: ['failed', 'finished'] })).toBe(true);
    expect(runMatches(run, { status: 'failed' })).toBe(false);
    expect(runMatches(run, { status: [] })).toBe(false);
    expect(runMatches(run, { datasetFingerprint: 'other' })).toBe(false);
    expect(runMatches(run, { tag: 'b' })).toBe(false);
    expect(runMatches({ ...run, datasetFingerprint: null }, { datasetFingerprint: 'fp' })).toBe(false);
  });

  test('alias release entries: this model, doomed versions, by version then name', () => {
    const alias = (model: string, name: string, version: number) => ({
      model,
      alias: name,
      version,
      updatedAt: 0,
    });
    const entries = aliasReleaseEntries(
      'm',
      [
        alias('m', 'b', 2),
        alias('m', 'a', 2),
        alias('m', 'z', 1),
        alias('other', 'a', 1),
        alias('m', 'keep', 3),
      ],
      new Set([1, 2]),
      { at: 7, reasonFor: (v) => `r${v}` },
    );
    expect(entries).toEqual([
      { model: 'm', alias: 'z', from: 1, to: null, at: 7, reason: 'r1', gateReport: null },
      { model: 'm', alias: 'a', from: 2, to: null, at: 7, reason: 'r2', gateReport: null },
      { model: 'm', alias: 'b', from: 2, to: null, at: 7, reason: 'r2', gateReport: null },
    ]);
    expect(
      aliasReleaseEntries('m', [alias('m', 'b', 2), alias('m', 'a', 2)], new Set([2]), {
        at: 0,
        reasonFor: () => 'x',
      }).map((e) => e.alias),
    ).toEqual(['a', 'b']);
  });

  test('the model record after a commit', () => {
    const request = { model: 'm', modelDefaults: { description: 'd', tags: ['t'] }, at: 5 };
    const fresh = modelAfterCommit(undefined, request, 3);
    expect(fresh).toEqual({
      name: 'm',
      description: 'd',
      tags: ['t'],
      createdAt: 5,
      updatedAt: 5,
      lastVersion: 3,
    });
    expect(fresh.tags).not.toBe(request.modelDefaults.tags);
    const existing = { name: 'm', description: 'kept', tags: [], createdAt: 1, updatedAt: 2, lastVersion: 9 };
    expect(modelAfterCommit(existing, request, 4)).toEqual({ ...existing, updatedAt: 5, lastVersion: 9 });
    expect(modelAfterCommit(existing, request, 10).lastVersion).toBe(10);
  });
});
