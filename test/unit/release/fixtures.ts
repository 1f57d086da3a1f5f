// Shared fixtures of the release unit tests: a small valid manifest and its files.
import { type ReleaseManifest, sha256Hex } from '../../../src/release/index.ts';

export const NOW = Date.UTC(2026, 11, 2, 6, 0, 0);
export const DAY = 24 * 60 * 60 * 1000;

/** model.json + two shards with distinct bytes, so a swapped or flipped file shows. */
export function releaseFiles(): Map<string, Uint8Array> {
  const modelJson = new TextEncoder().encode(
    JSON.stringify({
      format: 'layers-model',
      weightsManifest: [{ paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'], weights: [] }],
    }),
  );
  const shard1 = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 255);
  const shard2 = Uint8Array.from({ length: 333 }, (_, i) => (i * 13 + 5) & 255);
  return new Map([
    ['model.json', modelJson],
    ['group1-shard1of2.bin', shard1],
    ['group1-shard2of2.bin', shard2],
  ]);
}

export async function manifestFor(files: Map<string, Uint8Array>, release = 3): Promise<ReleaseManifest> {
  const listed = await Promise.all(
    [...files].map(async ([path, data]) => ({ path, bytes: data.byteLength, sha256: await sha256Hex(data) })),
  );
  return {
    format: 'edgeflow-release',
    formatVersion: 1,
    model: 'penguins',
    release,
    version: 7,
    createdAt: NOW,
    expiresAt: NOW + 30 * DAY,
    files: listed,
    pipeline: { columns: [] },
    profile: null,
    signature: { columns: [{ name: 'bill_length_mm', type: 'numeric' }] },
    metrics: { accuracy: 0.97 },
    lineage: { runId: 'run-1', datasetFingerprint: 'fp-1' },
    golden: [{ input: { bill_length_mm: 39.1 }, output: [0.9, 0.05, 0.05] }],
    goldenTolerance: 1e-4,
  };
}
