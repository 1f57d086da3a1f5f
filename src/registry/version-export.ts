// Exporting versions: tfjs Layers files plus a manifest of sizes and digests, as files, a zip in
// memory, a streamed zip Blob, or a download in a page.
import { zipSync } from 'fflate';
import type { ModelVersion } from '../schemas/registry.ts';
import { buildExportFiles } from './export-files.ts';
import { zipFilesToBlob } from './export-zip.ts';
import { invalid } from './registry-checks.ts';
import type { RegistryContext } from './registry-context.ts';
import type { ExportedFile } from './types.ts';
import { loadWeights } from './version-load.ts';
import { getVersion } from './version-queries.ts';

/**
 * A version as files: tfjs Layers `model.json` + weight shards and `edgeflow.json` with the size and
 * SHA-256 of every file (weights verified on the way).
 * @throws MODEL_NOT_FOUND; VERSION_NOT_FOUND; INTEGRITY_FAILED
 */
export async function exportVersion(
  context: RegistryContext,
  model: string,
  versionOrAlias: number | string,
  options: { shardBytes?: number },
): Promise<ExportedFile[]> {
  const version = await getVersion(context, model, versionOrAlias);
  const weights = await loadWeights(context, version);
  const run = version.runId === null ? undefined : await context.store.getRun(version.runId);
  return buildExportFiles({
    version,
    weights,
    run: (run ?? null) as ModelVersion['pipeline'],
    exportedAt: context.now(),
    ...(options.shardBytes === undefined ? {} : { shardBytes: options.shardBytes }),
  });
}

/** The export as one `.zip` (weights stored, JSON deflated). @throws as `exportVersion` */
export async function exportVersionZip(
  context: RegistryContext,
  model: string,
  versionOrAlias: number | string,
): Promise<Uint8Array> {
  const files = await exportVersion(context, model, versionOrAlias, {});
  return zipSync(
    Object.fromEntries(files.map((f) => [f.path, [f.data, { level: f.path.endsWith('.json') ? 6 : 0 }]])),
  );
}

/** The export as a `.zip` Blob, streamed into Blob parts. @throws as `exportVersion` */
export async function exportVersionBlob(
  context: RegistryContext,
  model: string,
  versionOrAlias: number | string,
): Promise<Blob> {
  return zipFilesToBlob(await exportVersion(context, model, versionOrAlias, {}));
}

/**
 * Offers the version's `.zip` (or `blob`, built elsewhere) as a download; returns the file name.
 * @throws INVALID_ARGUMENT outside a page
 */
export async function downloadVersionZip(
  context: RegistryContext,
  model: string,
  versionOrAlias: number | string,
  blob?: Blob,
): Promise<string> {
  const doc = (globalThis as { document?: Document }).document;
  if (!doc) {
    throw invalid(
      'downloadVersionZip needs a page; in a worker call exportVersionZip() and post the bytes to the page.',
      {},
    );
  }
  const version = await getVersion(context, model, versionOrAlias);
  const zip = blob ?? (await exportVersionBlob(context, model, version.version));
  const name = `${version.model}-v${version.version}.zip`;
  const url = URL.createObjectURL(zip);
  const link = doc.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  // Revoke after the click has been handled; revoking synchronously can cancel the download.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  return name;
}
