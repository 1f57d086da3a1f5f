// Issue 17 (mutation score of src/registry): the export files, the manifest's content digest, and
// every check an import makes before it stores anything — each with its code, details and message.
import { unzipSync } from 'fflate';
import { describe, expect, test } from 'vitest';
import { sha256Hex, sha256HexOfText } from '../../../src/registry/content-hash.ts';
import { manifestContentDigest } from '../../../src/registry/manifest-digest.ts';
import type { ExportedFile } from '../../../src/registry/types.ts';
import { codeOf } from '../../helpers/error-code.ts';
import { errorOf, fakeArtifacts, openRegistry } from './registry-mutation-fixtures.ts';

const text = (data: Uint8Array): string => new TextDecoder().decode(data);
const json = (data: Uint8Array) => JSON.parse(text(data));
const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

/**
 * Rebuilds an export after edits, the way a forger or a buggy exporter would: files are replaced,
 * then the manifest lists their new sizes and digests and is sealed again (unless told not to).
 */
async function reseal(
  files: readonly ExportedFile[],
  edit: {
    files?: (f: ExportedFile) => ExportedFile | null;
    manifest?: (m: Record<string, unknown>) => Record<string, unknown>;
    relist?: boolean;
  },
): Promise<ExportedFile[]> {
  const manifestFile = files.find((f) => f.path === 'edgeflow.json') as ExportedFile;
  const others = files
    .filter((f) => f.path !== 'edgeflow.json')
    .map((f) => (edit.files ? edit.files(f) : f))
    .filter((f): f is ExportedFile => f !== null);
  let manifest = json(manifestFile.data) as Record<string, unknown>;
  if (edit.relist !== false) {
    manifest.files = await Promise.all(
      others.map(async (f) => ({ path: f.path, bytes: f.data.byteLength, sha256: await sha256Hex(f.data) })),
    );
  }
  manifest = edit.manifest ? edit.manifest(manifest) : manifest;
  manifest.contentSha256 = await manifestContentDigest(manifest);
  return [...others, { path: 'edgeflow.json', data: encode(manifest) }];
}

async function exported(options: { chunkBytes?: number; n?: number } = {}) {
  const { registry } = await openRegistry({ chunkBytes: options.chunkBytes ?? 64 });
  await registry.registerVersion({ model: 'src', artifacts: fakeArtifacts(options.n ?? 16) });
  return { registry, files: await registry.exportVersion('src', 1) };
}

describe('the manifest content digest', () => {
  test('is SHA-256 of canonical JSON: keys sorted at every level, undefined dropped, contentSha256 left out', async () => {
    const digest = await manifestContentDigest({
      b: 1,
      a: { d: [1, undefined, 'x'], c: null },
      e: undefined,
    });
    expect(digest).toBe(await sha256HexOfText('{"a":{"c":null,"d":[1,null,"x"]},"b":1}'));
    expect(
      await manifestContentDigest({ a: { c: null, d: [1, null, 'x'] }, b: 1, contentSha256: 'f'.repeat(64) }),
    ).toBe(digest);
    expect(await manifestContentDigest({ b: 1, a: { d: [1, null, 'x'], c: 0 } })).not.toBe(digest);
    expect(await manifestContentDigest({ k: [{ y: 2, x: 1 }], j: 'é' })).toBe(
      await sha256HexOfText('{"j":"é","k":[{"x":1,"y":2}]}'),
    );
    // Keys that compare equal only when case or length is ignored keep their code-unit order.
    expect(await manifestContentDigest({ b: 1, B: 2, aa: 3, a: 4 })).toBe(
      await sha256HexOfText('{"B":2,"a":4,"aa":3,"b":1}'),
    );
  });
});

describe('exportVersion', () => {
  test('writes model.json, shards of the given size and a sealed manifest', async () => {
    const { registry } = await openRegistry({ chunkBytes: 24 });
    const run = await registry.createRun({ id: 'run-e', spec: { s: 1 }, status: 'finished' });
    await registry.registerVersion({
      model: 'e',
      artifacts: fakeArtifacts(16),
      runId: run.id,
      datasetFingerprint: 'fp',
      pipeline: { p: 1 },
      profile: { q: 2 },
      signature: { r: 3 },
      metrics: { acc: 0.5 },
      tags: ['t'],
      description: 'd',
    });
    const files = await registry.exportVersion('e', 1, { shardBytes: 25 });
    expect(files.map((f) => [f.path, f.data.byteLength])).toEqual([
      ['model.json', files[0]?.data.byteLength],
      ['group1-shard1of3.bin', 25],
      ['group1-shard2of3.bin', 25],
      ['group1-shard3of3.bin', 14],
      ['edgeflow.json', files[4]?.data.byteLength],
    ]);
    const joined = new Uint8Array(
      await new Blob(files.slice(1, 4).map((f) => f.data as BlobPart)).arrayBuffer(),
    );
    expect(joined).toEqual(new Uint8Array(fakeArtifacts(16).weightData));
    const model = json(files[0]?.data as Uint8Array);
    expect(model).toEqual({
      format: 'layers-model',
      generatedBy: 'contract-test',
      convertedBy: null,
      modelTopology: fakeArtifacts(16).modelTopology,
      weightsManifest: [
        {
          paths: ['group1-shard1of3.bin', 'group1-shard2of3.bin', 'group1-shard3of3.bin'],
          weights: fakeArtifacts(16).weightSpecs,
        },
      ],
    });
    const manifest = json(files[4]?.data as Uint8Array);
    expect(text(files[4]?.data as Uint8Array)).toBe(JSON.stringify(manifest, null, 2));
    const { contentSha256, exportedAt, createdAt, files: listed, ...rest } = manifest;
    expect(rest).toEqual({
      format: 'edgeflow-version',
      formatVersion: 1,
      model: 'e',
      version: 1,
      description: 'd',
      tags: ['t'],
      weights: { bytes: 64 },
      pipeline: { p: 1 },
      profile: { q: 2 },
      signature: { r: 3 },
      metrics: { acc: 0.5 },
      lineage: {
        runId: 'run-e',
        datasetFingerprint: 'fp',
        run: json(encode(await registry.getRun('run-e'))),
      },
    });
    expect(exportedAt).toBeGreaterThan(createdAt);
    expect(contentSha256).toBe(await manifestContentDigest(manifest));
    expect(listed).toEqual(
      await Promise.all(
        files
          .slice(0, 4)
          .map(async (f) => ({ path: f.path, bytes: f.data.byteLength, sha256: await sha256Hex(f.data) })),
      ),
    );
    // Defaults: one 4 MiB shard; format and generatedBy filled in when the version has none.
    await registry.registerVersion({
      model: 'plain',
      artifacts: {
        modelTopology: { a: 1 },
        weightSpecs: fakeArtifacts(4).weightSpecs,
        weightData: fakeArtifacts(4).weightData,
        trainingConfig: { loss: 'mse' } as never,
      },
    });
    const plain = await registry.exportVersion('plain');
    expect(plain.map((f) => f.path)).toEqual(['model.json', 'group1-shard1of1.bin', 'edgeflow.json']);
    expect(json(plain[0]?.data as Uint8Array)).toMatchObject({
      format: 'layers-model',
      generatedBy: 'edgeflow',
      convertedBy: null,
      trainingConfig: { loss: 'mse' },
    });
    expect(json(plain[2]?.data as Uint8Array).lineage).toEqual({
      runId: null,
      datasetFingerprint: null,
      run: null,
    });
    for (const shardBytes of [0, 1.5, -4]) {
      const error = await errorOf(registry.exportVersion('e', 1, { shardBytes }));
      expect([error.code, error.details]).toEqual([
        'INVALID_ARGUMENT',
        { field: 'shardBytes', value: shardBytes },
      ]);
    }
    // A version with no weight bytes exports no shard.
    await registry.registerVersion({
      model: 'empty',
      artifacts: { modelTopology: { a: 1 }, weightSpecs: [], weightData: new ArrayBuffer(0) },
    });
    const empty = await registry.exportVersion('empty');
    expect(empty.map((f) => f.path)).toEqual(['model.json', 'edgeflow.json']);
    expect((await registry.importVersion(empty, { model: 'empty-back' })).weights.bytes).toBe(0);
    await registry.close();
  });

  test('the zip stores shards and deflates JSON; both zip forms import back', async () => {
    const { registry, files } = await exported({ n: 64 });
    const zip = await registry.exportVersionZip('src', 1);
    const methods = new Map<string, number>();
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    for (let at = 0; view.getUint32(at, true) === 0x04034b50; ) {
      const nameLength = view.getUint16(at + 26, true);
      const extraLength = view.getUint16(at + 28, true);
      const size = view.getUint32(at + 18, true);
      methods.set(text(zip.subarray(at + 30, at + 30 + nameLength)), view.getUint16(at + 8, true));
      at += 30 + nameLength + extraLength + size;
    }
    expect(Object.fromEntries(methods)).toEqual({
      'model.json': 8,
      'group1-shard1of1.bin': 0,
      'edgeflow.json': 8,
    });
    const unzipped = unzipSync(zip);
    expect(Object.keys(unzipped)).toEqual(files.map((f) => f.path));
    // The same files (the manifest differs only in its export time and seal).
    for (const f of files.slice(0, 2)) expect(unzipped[f.path]).toEqual(f.data);
    const { exportedAt: _e, contentSha256: _s, ...zipped } = json(unzipped['edgeflow.json'] as Uint8Array);
    const { exportedAt: _e2, contentSha256: _s2, ...listed } = json(files[2]?.data as Uint8Array);
    expect(zipped).toEqual(listed);
    const blob = await registry.exportVersionBlob('src', 1);
    expect(blob.type).toBe('application/zip');
    const fromBlob = await registry.importVersionZip(await blob.arrayBuffer(), { model: 'from-blob' });
    expect(fromBlob.source).toEqual({ kind: 'import', from: 'src@1' });
    const fromZip = await registry.importVersionZip(zip, { model: 'from-zip' });
    expect(fromZip.weights.sha256).toBe(fromBlob.weights.sha256);
    const notZip = await errorOf(registry.importVersionZip(new Uint8Array([1, 2, 3])));
    expect(notZip.code).toBe('INVALID_ARGUMENT');
    expect(notZip.message).toMatch(/^The file is not a readable \.zip \(/);
    expect(await codeOf(registry.downloadVersionZip('src', 1))).toBe('INVALID_ARGUMENT');
    await registry.close();
  });
});

describe('importVersion', () => {
  test('carries every manifest field; keeps the number or takes the next; accepts maps, folders and views', async () => {
    const { registry } = await openRegistry({ chunkBytes: 40 });
    await registry.registerVersion({
      model: 'orig',
      artifacts: { ...fakeArtifacts(16), convertedBy: 'conv', trainingConfig: { loss: 'mse' } as never },
      pipeline: { p: 1 },
      profile: { q: 2 },
      signature: { r: 3 },
      metrics: { acc: 0.5 },
      tags: ['t'],
      description: 'd',
      runId: 'run-x',
      datasetFingerprint: 'fp',
    });
    await registry.registerVersion({ model: 'orig', artifacts: fakeArtifacts(16, 2) });
    const files = await registry.exportVersion('orig', 1, { shardBytes: 24 });
    const asMap = Object.fromEntries(files.map((f) => [`some/folder/${f.path}`, f.data.slice().buffer]));
    const imported = await registry.importVersion(asMap, { model: 'copy', version: 'keep' });
    const original = await registry.getVersion('orig', 1);
    const { model: _m, createdAt: _c, source, weights, ...fields } = imported;
    const { model: _om, createdAt: _oc, source: _os, weights: originalWeights, ...originalFields } = original;
    expect(fields).toEqual(originalFields);
    expect(source).toEqual({ kind: 'import', from: 'orig@1' });
    // Re-chunked by this registry's chunk size: the same bytes, the same chunks as the original.
    expect(weights).toEqual(originalWeights);
    expect(imported.trainingConfig).toEqual({ loss: 'mse' });
    expect(imported.convertedBy).toBe('conv');
    // Views into larger buffers (as unzip returns them) import the same bytes.
    const padded = files.map((f) => {
      const big = new Uint8Array(f.data.byteLength + 8);
      big.set(f.data, 4);
      return { path: `exports/v1/${f.path}`, data: big.subarray(4, 4 + f.data.byteLength) };
    });
    const viaViews = await registry.importVersion(padded, { model: 'views' });
    expect(viaViews.weights).toEqual(originalWeights);
    expect((await registry.loadArtifacts('views', 1)).weightData).toEqual(
      (await registry.loadArtifacts('orig', 1)).weightData,
    );
    const conflict = await errorOf(registry.importVersion(files));
    expect([conflict.code, conflict.details]).toEqual([
      'VERSION_CONFLICT',
      { model: 'orig', version: 1, lastVersion: 2, exists: true },
    ]);
    await registry.deleteVersions('orig', [1]);
    const reused = await errorOf(registry.importVersion(files));
    expect(reused.details).toEqual({ model: 'orig', version: 1, lastVersion: 2, exists: false });
    expect(reused.message).toContain('was used before and deleted (the highest number used is 2');
    expect((await registry.importVersion(files, { version: 'next' })).version).toBe(3);
    expect(await codeOf(registry.importVersion(files, { model: 'bad name' }))).toBe('INVALID_ARGUMENT');
    await registry.close();
  });

  test('the manifest: missing, not JSON, off-schema, unsealed or edited', async () => {
    const { registry, files } = await exported();
    const without = files.filter((f) => f.path !== 'edgeflow.json');
    const missing = await errorOf(registry.importVersion(without));
    expect([missing.code, missing.details]).toEqual([
      'INVALID_ARGUMENT',
      { file: 'edgeflow.json', files: ['model.json', 'group1-shard1of1.bin'] },
    ]);
    expect(missing.message).toMatch(
      /^No edgeflow\.json among the files \(model\.json, group1-shard1of1\.bin\)\./,
    );
    const nothing = await errorOf(registry.importVersion([]));
    expect(nothing.message).toMatch(/^No edgeflow\.json among the files \(none\)\./);
    const garbled = await errorOf(
      registry.importVersion([...without, { path: 'edgeflow.json', data: encode('x').slice(1) }]),
    );
    expect([garbled.code, garbled.details]).toEqual(['INVALID_ARGUMENT', { file: 'edgeflow.json' }]);
    expect(garbled.message).toMatch(/^edgeflow\.json is not valid JSON \(/);
    expect(garbled.cause).toBeInstanceOf(SyntaxError);
    const manifest = json(files[2]?.data as Uint8Array);
    const offSchema = await errorOf(
      registry.importVersion([
        ...without,
        { path: 'edgeflow.json', data: encode({ ...manifest, version: 0, tags: 'x' }) },
      ]),
    );
    expect([offSchema.code, offSchema.details.file, offSchema.details.field]).toEqual([
      'INVALID_ARGUMENT',
      'edgeflow.json',
      'version',
    ]);
    expect(offSchema.details.issues).toHaveLength(2);
    expect(offSchema.message).toMatch(
      /^edgeflow\.json does not match the edgeflow export schema: field "version" .* \(and 1 more\)\./,
    );
    const oneIssue = await errorOf(
      registry.importVersion([
        ...without,
        { path: 'edgeflow.json', data: encode({ ...manifest, tags: 'x' }) },
      ]),
    );
    expect(oneIssue.message).not.toContain('more)');
    expect(oneIssue.details.field).toBe('tags');
    const { contentSha256, ...unsealed } = manifest;
    const noDigest = await errorOf(
      registry.importVersion([...without, { path: 'edgeflow.json', data: encode(unsealed) }]),
    );
    expect([noDigest.code, noDigest.details]).toEqual([
      'INTEGRITY_FAILED',
      { file: 'edgeflow.json', expected: null, actual: await manifestContentDigest(unsealed) },
    ]);
    expect(noDigest.message).toMatch(/^edgeflow\.json has no contentSha256/);
    const edited = { ...manifest, metrics: { acc: 1 } };
    const tampered = await errorOf(
      registry.importVersion([...without, { path: 'edgeflow.json', data: encode(edited) }]),
    );
    expect(tampered.details).toEqual({
      file: 'edgeflow.json',
      expected: contentSha256,
      actual: await manifestContentDigest(edited),
    });
    expect(tampered.message).toMatch(/^edgeflow\.json was edited after export/);
    expect(await registry.store.listModels()).toEqual([{ ...(await registry.getModel('src')) }]);
    await registry.close();
  });

  test('the listed files: missing, of another size or digest', async () => {
    const { registry, files } = await exported();
    const shard = files[1] as ExportedFile;
    const missing = await errorOf(registry.importVersion(files.filter((f) => f !== shard)));
    expect([missing.code, missing.details]).toEqual(['INTEGRITY_FAILED', { file: 'group1-shard1of1.bin' }]);
    expect(missing.message).toBe(
      'group1-shard1of1.bin, named in edgeflow.json, is missing. Import every file of the export.',
    );
    const longer = new Uint8Array(shard.data.byteLength + 1);
    longer.set(shard.data);
    const size = await errorOf(
      registry.importVersion(files.map((f) => (f === shard ? { ...f, data: longer } : f))),
    );
    expect(size.details).toEqual({ file: 'group1-shard1of1.bin', expectedBytes: 64, actualBytes: 65 });
    const flipped = shard.data.slice();
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    const digest = await errorOf(
      registry.importVersion(files.map((f) => (f === shard ? { ...f, data: flipped } : f))),
    );
    expect(digest.details).toEqual({
      file: 'group1-shard1of1.bin',
      expected: json(files[2]?.data as Uint8Array).files[1].sha256,
      actual: await sha256Hex(flipped),
    });
    // The model file altered too: the first mismatch in manifest order is reported.
    const both = files.map((f) =>
      f === shard
        ? { ...f, data: flipped }
        : f.path === 'model.json'
          ? { ...f, data: f.data.map((b, i) => (i === 1 ? b ^ 1 : b)) }
          : f,
    );
    expect((await errorOf(registry.importVersion(both))).details.file).toBe('model.json');
    await registry.close();
  });

  test('model.json: unlisted, malformed, with shards the manifest does not name or of the wrong length', async () => {
    const { registry, files } = await exported();
    const unlisted = await reseal(files, {
      manifest: (m) => ({
        ...m,
        files: (m.files as { path: string }[]).filter((f) => f.path !== 'model.json'),
      }),
    });
    const notNamed = await errorOf(registry.importVersion(unlisted));
    expect([notNamed.code, notNamed.details]).toEqual(['INTEGRITY_FAILED', { file: 'model.json' }]);
    expect(notNamed.message).toBe('edgeflow.json does not name model.json; the export is incomplete.');
    const absent = await reseal(files, { files: (f) => (f.path === 'model.json' ? null : f) });
    expect((await errorOf(registry.importVersion(absent))).details).toEqual({ file: 'model.json' });
    const model = json(files[0]?.data as Uint8Array);
    const withModel = (value: unknown) =>
      reseal(files, { files: (f) => (f.path === 'model.json' ? { path: f.path, data: encode(value) } : f) });
    for (const bad of [
      { ...model, modelTopology: null },
      { ...model, modelTopology: 'text' },
      { ...model, weightsManifest: {} },
    ]) {
      const error = await errorOf(registry.importVersion(await withModel(bad)));
      expect([error.code, error.details, error.message]).toEqual([
        'INVALID_ARGUMENT',
        { file: 'model.json' },
        'model.json is not a tfjs Layers model (needs modelTopology and weightsManifest).',
      ]);
    }
    const notJson = await reseal(files, {
      files: (f) => (f.path === 'model.json' ? { path: f.path, data: encode('x').slice(1) } : f),
    });
    expect((await errorOf(registry.importVersion(notJson))).details).toEqual({ file: 'model.json' });
    const group = model.weightsManifest[0];
    for (const badGroup of [
      { ...group, weights: [{ name: 'w' }] },
      { ...group, paths: 'group1-shard1of1.bin' },
      { ...group, paths: [3] },
    ]) {
      const error = await errorOf(
        registry.importVersion(await withModel({ ...model, weightsManifest: [badGroup] })),
      );
      expect([error.code, error.details, error.message]).toEqual([
        'INVALID_ARGUMENT',
        { file: 'model.json', field: 'weightsManifest' },
        'model.json has a malformed weightsManifest entry.',
      ]);
    }
    // A shard model.json names but the manifest does not (present or not).
    for (const path of ['extra.bin', 'group1-shard1of1.bin']) {
      const extra = await reseal(files, {
        files: (f) =>
          f.path === 'model.json'
            ? { path: f.path, data: encode({ ...model, weightsManifest: [{ ...group, paths: [path] }] }) }
            : f,
        manifest: (m) => ({
          ...m,
          files: (m.files as { path: string }[]).filter((f) => !f.path.endsWith('.bin')),
        }),
      });
      const error = await errorOf(registry.importVersion(extra));
      expect([error.code, error.details, error.message]).toEqual([
        'INTEGRITY_FAILED',
        { file: path },
        `Weight shard ${path} is not named in edgeflow.json, so it cannot be verified.`,
      ]);
    }
    // Listed and hashed, but the manifest's byte total disagrees with the shards.
    const total = await reseal(files, { manifest: (m) => ({ ...m, weights: { bytes: 60 } }) });
    const error = await errorOf(registry.importVersion(total));
    expect([error.code, error.details]).toEqual([
      'INTEGRITY_FAILED',
      { expectedBytes: 64, manifestBytes: 60, actualBytes: 64 },
    ]);
    expect(error.message).toBe(
      'The weight shards hold 64 bytes but the weight specs need 64 bytes and edgeflow.json says 60. The export is inconsistent.',
    );
    // String weights have a data-dependent size: only the manifest total is checked.
    const strings = await withModel({
      ...model,
      weightsManifest: [{ ...group, weights: [{ name: 's', shape: [2], dtype: 'string' }] }],
    });
    expect((await registry.importVersion(strings, { model: 'strings' })).weightSpecs).toEqual([
      { name: 's', shape: [2], dtype: 'string' },
    ]);
    const stringsOff = await reseal(strings, { manifest: (m) => ({ ...m, weights: { bytes: 63 } }) });
    const off = await errorOf(registry.importVersion(stringsOff, { model: 'strings2' }));
    expect(off.details).toEqual({ expectedBytes: null, manifestBytes: 63, actualBytes: 64 });
    expect(off.message).toContain('need a data-dependent number of bytes');
    // Two groups of shards are read in order.
    const half = (f: ExportedFile, from: number, to: number, path: string) => ({
      path,
      data: f.data.slice(from, to),
    });
    const shard = files[1] as ExportedFile;
    const split = await reseal(files, {
      files: (f) =>
        f.path === 'model.json'
          ? {
              path: f.path,
              data: encode({
                ...model,
                weightsManifest: [
                  { paths: ['a.bin'], weights: [{ name: 'w1', shape: [8], dtype: 'float32' }] },
                  { paths: ['b.bin'], weights: [{ name: 'w2', shape: [8], dtype: 'float32' }] },
                ],
              }),
            }
          : f.path.endsWith('.bin')
            ? half(shard, 0, 32, 'a.bin')
            : f,
    });
    const withB = await reseal(
      [...split.slice(0, -1), half(shard, 32, 64, 'b.bin'), split.at(-1) as ExportedFile],
      {},
    );
    const twoGroups = await registry.importVersion(withB, { model: 'two-groups' });
    expect(twoGroups.weightSpecs.map((s) => s.name)).toEqual(['w1', 'w2']);
    expect((await registry.loadArtifacts('two-groups')).weightData).toEqual(
      (await registry.loadArtifacts('src')).weightData,
    );
    expect(json((await registry.exportVersion('two-groups'))[0]?.data as Uint8Array)).toMatchObject({
      format: 'layers-model',
    });
    await registry.close();
  });

  test('format fields of model.json are kept only when they are strings', async () => {
    const { registry, files } = await exported();
    const model = json(files[0]?.data as Uint8Array);
    const odd = await reseal(files, {
      files: (f) =>
        f.path === 'model.json'
          ? { path: f.path, data: encode({ ...model, format: 1, generatedBy: null, convertedBy: 'c' }) }
          : f,
    });
    const v = await registry.importVersion(odd, { model: 'odd' });
    expect([v.format, v.generatedBy, v.convertedBy, v.trainingConfig]).toEqual([null, null, 'c', null]);
    await registry.close();
  });
});

describe('lineage', () => {
  test('names the run and dataset when they exist, null otherwise', async () => {
    const { registry } = await openRegistry();
    await registry.registerVersion({ model: 'l', artifacts: fakeArtifacts(1) });
    expect(await registry.lineage('l')).toEqual({
      model: 'l',
      version: 1,
      runId: null,
      run: null,
      datasetFingerprint: null,
      dataset: null,
      pipeline: null,
      source: { kind: 'register', from: null },
    });
    await registry.registerVersion({
      model: 'l',
      artifacts: fakeArtifacts(1),
      runId: 'gone',
      datasetFingerprint: 'gone',
    });
    expect(await registry.lineage('l', 2)).toMatchObject({
      runId: 'gone',
      run: null,
      datasetFingerprint: 'gone',
      dataset: null,
    });
    expect(await registry.requestPersistence()).toMatchObject({ persisted: false });
    expect(await registry.estimateStorage()).toBeNull();
    expect((await registry.storage()).estimate).toBeNull();
    await registry.close();
  });
});
