// Storage limits: persistence, the quota estimate, and the QUOTA_EXCEEDED error built from them.
// `navigator` is read inside each function, never at import time.
import { EdgeflowError } from '../errors.ts';
import type { StorageEstimate } from './types.ts';

function storageManager(): StorageManager | undefined {
  return (globalThis as { navigator?: Navigator }).navigator?.storage;
}

/** Usage and quota of this origin, or null where the realm has no StorageManager (Node). */
export async function estimateStorage(): Promise<StorageEstimate | null> {
  const storage = storageManager();
  if (typeof storage?.estimate !== 'function') return null;
  const { usage = 0, quota = 0 } = await storage.estimate();
  return { usage, quota, available: Math.max(0, quota - usage) };
}

/** What a persistence request achieved, and why not where it did not. */
export interface PersistenceResult {
  persisted: boolean;
  reason: string | null;
}

/**
 * Asks the browser to keep this origin's data under storage pressure (`navigator.storage.persist()`).
 * Only a page's main thread may ask; elsewhere the answer says so instead of throwing.
 */
export async function requestPersistence(): Promise<PersistenceResult> {
  const storage = storageManager();
  if (typeof storage?.persist !== 'function') {
    return {
      persisted: false,
      reason:
        'navigator.storage.persist() is not available here (it exists on a page main thread only); call it from the page.',
    };
  }
  if (typeof storage.persisted === 'function' && (await storage.persisted()))
    return { persisted: true, reason: null };
  const persisted = await storage.persist();
  return {
    persisted,
    reason: persisted
      ? null
      : 'The browser declined: it grants persistence by its own heuristics (site engagement, installed app, bookmark).',
  };
}

/** Turns a QuotaExceededError into `QUOTA_EXCEEDED` with the bytes needed and available. */
export async function quotaExceeded(bytesNeeded: number, cause: unknown): Promise<EdgeflowError> {
  const estimate = await estimateStorage().catch(() => null);
  const available = estimate?.available ?? null;
  return new EdgeflowError(
    'QUOTA_EXCEEDED',
    `Storage is full: this write needs ${bytesNeeded} bytes but only ${available ?? 'an unknown number of'} bytes are available. Nothing was written. Free space with registry.prune(model, { keepLast }) or delete old datasets, or ask for persistent storage (registry.requestPersistence()).`,
    {
      details: {
        bytesNeeded,
        bytesAvailable: available,
        usage: estimate?.usage ?? null,
        quota: estimate?.quota ?? null,
      },
      cause,
    },
  );
}
