// The file check of a release: every listed file present, none extra, each with the stated size
// and SHA-256.
import { EdgeflowError } from '../errors.ts';
import type { ReleaseManifest } from '../schemas/release.ts';
import { sha256Hex } from './digest.ts';

/**
 * Checks a release's files against its manifest: no missing file, no extra file, each file's size
 * and SHA-256 as listed. Sizes are compared before hashing, so an oversized file is refused cheaply.
 *
 * @throws {EdgeflowError} `INTEGRITY_FAILED` naming the first file that is missing, extra, of the
 *   wrong size or the wrong digest (`details.path`, `details.reason`).
 * @example
 * await verifyReleaseFiles(manifest, new Map([['model.json', bytes], ['group1-shard1of1.bin', shard]]));
 */
export async function verifyReleaseFiles(
  manifest: Pick<ReleaseManifest, 'files'>,
  files: ReadonlyMap<string, Uint8Array>,
): Promise<void> {
  const listed = new Set(manifest.files.map((f) => f.path));
  for (const path of files.keys()) {
    if (!listed.has(path)) {
      throw new EdgeflowError(
        'INTEGRITY_FAILED',
        `File "${path}" is not in the release manifest; a release holds exactly the files it lists (${[...listed].join(', ')}).`,
        {
          details: { path, reason: 'extra' },
        },
      );
    }
  }
  for (const file of manifest.files) {
    const data = files.get(file.path);
    if (data === undefined) {
      throw new EdgeflowError(
        'INTEGRITY_FAILED',
        `File "${file.path}" is listed in the release manifest but missing. Upload or download every listed file.`,
        {
          details: { path: file.path, reason: 'missing' },
        },
      );
    }
    if (data.byteLength !== file.bytes) {
      throw new EdgeflowError(
        'INTEGRITY_FAILED',
        `File "${file.path}" has ${data.byteLength} bytes but the manifest says ${file.bytes}. It is truncated or tampered with; refuse it.`,
        { details: { path: file.path, reason: 'size', expected: file.bytes, actual: data.byteLength } },
      );
    }
  }
  const digests = await Promise.all(manifest.files.map((f) => sha256Hex(files.get(f.path) as Uint8Array)));
  manifest.files.forEach((file, i) => {
    if (digests[i] !== file.sha256) {
      throw new EdgeflowError(
        'INTEGRITY_FAILED',
        `File "${file.path}" has SHA-256 ${digests[i]} but the manifest says ${file.sha256}. It was changed after signing; refuse it.`,
        { details: { path: file.path, reason: 'sha256', expected: file.sha256, actual: digests[i] } },
      );
    }
  });
}
