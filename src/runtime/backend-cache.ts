import type { BackendChoiceCache, CachedBackendChoice } from './types.ts';

const DB_NAME = 'edgeflow-runtime';
const STORE = 'backend-choices';

// The runtime may not import `idb` (DESIGN.md's import table keeps it to tfjs, env and errors),
// and a key-value get/put is all it needs, so this speaks IndexedDB's own API directly.
function openDb(factory: IDBFactory): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = factory.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(STORE);
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function run<T>(
  db: IDBDatabase,
  mode: IDBTransactionMode,
  act: (store: IDBObjectStore) => IDBRequest,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const request = act(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(request.result as T);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

/** The per-device cache of `'auto'` choices, in its own IndexedDB database. */
export function createIndexedDbBackendCache(factory: IDBFactory = indexedDB): BackendChoiceCache {
  let dbPromise: Promise<IDBDatabase> | undefined;
  const db = (): Promise<IDBDatabase> => {
    dbPromise ??= openDb(factory);
    return dbPromise;
  };
  return {
    async get(key) {
      return run<CachedBackendChoice | undefined>(await db(), 'readonly', (s) => s.get(key));
    },
    async set(key, choice) {
      await run(await db(), 'readwrite', (s) => s.put(choice, key));
    },
  };
}

/** A cache that lives as long as the object (Node, tests, or when IndexedDB is unavailable). */
export function createMemoryBackendCache(): BackendChoiceCache {
  const entries = new Map<string, CachedBackendChoice>();
  return {
    async get(key) {
      return entries.get(key);
    },
    async set(key, choice) {
      entries.set(key, choice);
    },
  };
}

/** The default cache for this realm: IndexedDB when present, else in memory. */
export function defaultBackendCache(): BackendChoiceCache {
  const factory = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  return factory ? createIndexedDbBackendCache(factory) : createMemoryBackendCache();
}
