// What the registry keeps and what it costs, in one report.
import { estimateStorage } from './quota.ts';
import type { RegistryContext } from './registry-context.ts';
import type { DraftStats, StorageEstimate } from './types.ts';

/** The registry's storage: the origin's estimate, the stored weight chunks, and the drafts. */
export interface StorageReport {
  /** Usage and quota of the origin (null where unknown). */
  estimate: StorageEstimate | null;
  /** Every stored weight chunk. */
  weights: { chunks: number; bytes: number };
  /** The drafts (null for a store without drafts); `exclusiveBytes` is what deleting them all frees. */
  drafts: DraftStats | null;
}

/** Gathers the storage report; an estimate that fails counts as unknown. */
export async function storageReport(context: RegistryContext): Promise<StorageReport> {
  const { store } = context;
  const [estimate, weights, drafts] = await Promise.all([
    estimateStorage().catch(() => null),
    store.chunkStats(),
    store.draftStats ? store.draftStats() : Promise.resolve(null),
  ]);
  return { estimate, weights, drafts };
}
