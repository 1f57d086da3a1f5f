// Atomicity and concurrency across real workers on one IndexedDB registry (issue 4): a writer killed
// mid-save leaves no trace, two writers get distinct numbers, changes reach other contexts, and a
// killed worker's running run is marked interrupted.
import { deleteDB } from 'idb';
import { afterAll, expect, test } from 'vitest';
import { IndexedDbModelStore } from '../../../src/registry/indexeddb-store.ts';
import { createRegistry } from '../../../src/registry/registry.ts';
import type { RegistryChange } from '../../../src/registry/types.ts';
import type { SaveReport, SaveRequest } from '../../fixtures/registry/save-worker.ts';

const names: string[] = [];
afterAll(async () => {
  await Promise.all(names.map((n) => deleteDB(n)));
});

function dbName(): string {
  const name = `edgeflow-concurrency-${Date.now()}-${names.length}`;
  names.push(name);
  return name;
}

function startWorker(request: SaveRequest, onReport: (report: SaveReport, worker: Worker) => void): Worker {
  const worker = new Worker(new URL('../../fixtures/registry/save-worker.ts', import.meta.url), {
    type: 'module',
  });
  worker.onmessage = (event: MessageEvent<SaveReport>) => onReport(event.data, worker);
  worker.postMessage(request);
  return worker;
}

function saveToEnd(request: SaveRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    startWorker(request, (report, worker) => {
      if (report.type === 'done') {
        worker.terminate();
        resolve(report.version);
      } else if (report.type === 'error') {
        worker.terminate();
        reject(new Error(`${report.code}: ${report.message}`));
      }
    });
  });
}

test('a worker terminated during the save transaction leaves no trace', async () => {
  const name = dbName();
  const killed = await new Promise<string>((resolve, reject) => {
    // 192 MiB of weights: the transaction takes long enough to be cut in the middle.
    startWorker(
      { dbName: name, model: 'huge', floats: 48 * 1024 * 1024, seed: 1, runId: 'run-killed' },
      (report, worker) => {
        if (report.type === 'writing') {
          worker.terminate();
          resolve('terminated while writing');
        } else if (report.type === 'done') {
          reject(new Error('the save finished before the worker could be terminated'));
        } else if (report.type === 'error') reject(new Error(report.message));
      },
    );
  });
  expect(killed).toBe('terminated while writing');
  // The browser releases a terminated worker's Web Locks (its registry session) asynchronously.
  await expect
    .poll(
      async () =>
        (await navigator.locks.query()).held?.filter((l) => l.name?.startsWith('edgeflow-registry-session:'))
          .length,
      {
        timeout: 20_000,
      },
    )
    .toBe(0);
  const store = new IndexedDbModelStore({ name });
  const registry = await createRegistry({ store, channel: null });
  expect(await store.getModel('huge')).toBeUndefined();
  expect(await store.listVersions('huge')).toEqual([]);
  expect(await store.chunkStats()).toEqual({ chunks: 0, bytes: 0 });
  // Opening the registry found the killed worker's run and marked it.
  expect((await registry.getRun('run-killed')).status).toBe('interrupted');
  // The failed save allocated nothing visible: the first real save is version 1.
  expect(
    (
      await registry.registerVersion({
        model: 'huge',
        artifacts: { modelTopology: {}, weightSpecs: [], weightData: new ArrayBuffer(0) },
      })
    ).version,
  ).toBe(1);
  await registry.close();
});

test('two workers registering the same model at once get distinct versions, announced to the page', async () => {
  const name = dbName();
  const page = await createRegistry({ store: new IndexedDbModelStore({ name }) });
  const announced: RegistryChange[] = [];
  page.subscribe((change) => {
    if (change.type === 'version-registered' && change.model === `pair-${name}`) announced.push(change);
  });
  const versions = await Promise.all([
    saveToEnd({ dbName: name, model: `pair-${name}`, floats: 1024 * 1024, seed: 1 }),
    saveToEnd({ dbName: name, model: `pair-${name}`, floats: 1024 * 1024, seed: 2 }),
  ]);
  expect(versions.sort()).toEqual([1, 2]);
  const stored = await page.listVersions(`pair-${name}`);
  expect(stored.items.map((v) => v.version)).toEqual([2, 1]);
  await expect.poll(() => announced.length).toBe(2);
  expect(announced.map((c) => (c as { version: number }).version).sort()).toEqual([1, 2]);
  await page.close();
});
