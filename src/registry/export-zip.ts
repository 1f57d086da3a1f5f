// Streams exported files into a `.zip` Blob with fflate's streaming `Zip`: weight shards are stored
// as they are, JSON is deflated, and the output goes into Blob parts as it is produced, so no second
// copy of the whole archive is built in memory before the Blob (a Blob's bytes live outside the JS
// heap and travel between threads without a copy). Meant to run in a worker for large models.
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { EdgeflowError } from '../errors.ts';
import type { ExportedFile } from './types.ts';

/** Output bytes gathered before they are folded into a Blob part. */
const FLUSH_BYTES = 8 * 1024 * 1024;

/**
 * The files as one `.zip` Blob (`application/zip`).
 * @throws INTERNAL when fflate reports an error (the message says which)
 */
export function zipFilesToBlob(files: readonly ExportedFile[]): Promise<Blob> {
  return new Promise<Blob>((resolve, reject) => {
    const parts: Blob[] = [];
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    const flush = (): void => {
      if (pending.length === 0) return;
      parts.push(new Blob(pending as BlobPart[]));
      pending = [];
      pendingBytes = 0;
    };
    const zip = new Zip((error, chunk, final) => {
      if (error) {
        reject(new EdgeflowError('INTERNAL', `Building the .zip failed: ${error.message}`, { cause: error }));
        return;
      }
      pending.push(chunk);
      pendingBytes += chunk.byteLength;
      if (pendingBytes >= FLUSH_BYTES || final) flush();
      if (final) resolve(new Blob(parts, { type: 'application/zip' }));
    });
    for (const file of files) {
      const entry = file.path.endsWith('.json')
        ? new ZipDeflate(file.path, { level: 6 })
        : new ZipPassThrough(file.path);
      zip.add(entry);
      entry.push(file.data, true);
    }
    zip.end();
  });
}
