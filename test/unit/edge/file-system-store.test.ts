// Issue 14: the file-system ModelStore meets the registry's ModelStore contract, and what it stores
// survives a reopen (a restart of a Node edge device); a torn journal line is ignored.
import { mkdtempSync } from 'node:fs';
import { appendFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { FileSystemModelStore } from '../../../src/edge/node/index.ts';
import { createRegistry } from '../../../src/registry/index.ts';
import { fakeArtifacts, runModelStoreContract } from '../../contracts/model-store.contract.ts';

const dirs: string[] = [];
function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgeflow-fs-store-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

runModelStoreContract('file-system', {
  async create() {
    return new FileSystemModelStore({ directory: freshDir() });
  },
  async corruptChunk(store, sha256) {
    if (!(await (store as FileSystemModelStore).corruptChunkForTesting(sha256)))
      throw new Error(`no chunk ${sha256} to corrupt`);
  },
  propertyRuns: 15,
});

test('versions, aliases and the alias log survive a reopen; deleted numbers stay used; freed chunk files go', async () => {
  const directory = freshDir();
  const first = await createRegistry({ store: new FileSystemModelStore({ directory }), channel: null });
  const v1 = await first.registerVersion({ model: 'iris', artifacts: fakeArtifacts(100, 1) });
  const v2 = await first.registerVersion({ model: 'iris', artifacts: fakeArtifacts(100, 2) });
  const v3 = await first.registerVersion({ model: 'iris', artifacts: fakeArtifacts(100, 3) });
  await first.moveAlias('iris', 'champion', v2.version, { reason: 'best' });
  await first.deleteVersions('iris', [v3.version]);
  expect((await readdir(join(directory, 'chunks'))).sort()).toEqual(
    [v1.weights.chunks[0]?.sha256, v2.weights.chunks[0]?.sha256].sort(),
  );
  await first.close();

  const second = await createRegistry({ store: new FileSystemModelStore({ directory }), channel: null });
  expect((await second.listVersions('iris')).items.map((v) => v.version)).toEqual([2, 1]);
  expect((await second.getVersion('iris', 'champion')).version).toBe(2);
  expect((await second.aliasLog('iris')).map((m) => [m.alias, m.from, m.to, m.reason])).toEqual([
    ['champion', null, 2, 'best'],
  ]);
  const weights = new Float32Array(
    (await second.loadWeights(await second.getVersion('iris', 1)))[0] as ArrayBuffer,
  );
  expect(weights[5]).toBe(Math.fround(Math.sin(1000 + 5)));
  // Number 3 was used: the next one is 4, also after the restart.
  expect((await second.registerVersion({ model: 'iris', artifacts: fakeArtifacts(10, 4) })).version).toBe(4);
  await second.close();
});

test('a journal line torn by a crash is ignored: the change before it is there, the torn one is not', async () => {
  const directory = freshDir();
  const registry = await createRegistry({ store: new FileSystemModelStore({ directory }), channel: null });
  await registry.registerVersion({ model: 'iris', artifacts: fakeArtifacts(50, 1) });
  await registry.close();
  await appendFile(
    join(directory, 'journal.ndjson'),
    '{"op":"move-alias","request":{"model":"iris","alias":"champ',
  );
  const reopened = await createRegistry({ store: new FileSystemModelStore({ directory }), channel: null });
  expect((await reopened.listVersions('iris')).items.map((v) => v.version)).toEqual([1]);
  expect(await reopened.listAliases('iris')).toEqual([]);
  // Appends after the torn line land on a clean line.
  await reopened.moveAlias('iris', 'champion', 1, { reason: 'after crash' });
  await reopened.close();
  const third = await createRegistry({ store: new FileSystemModelStore({ directory }), channel: null });
  expect((await third.getVersion('iris', 'champion')).version).toBe(1);
  await third.close();
});
