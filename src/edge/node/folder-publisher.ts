// Writes releases and channel documents into a folder laid out as the release contract says, for any
// static host or CDN. Each write lands in a temporary name first and is renamed into place, so a
// reader never sees half a release or half a channel file.
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EdgeflowError } from '../../errors.ts';
import { parseEnvelope, sha256Hex } from '../../release/index.ts';
import { channelDocumentSchema } from '../../schemas/release.ts';
import type { BuiltRelease } from '../release-builder.ts';

/** The release numbers already in `{root}/{model}/`, ascending. */
export async function listFolderReleases(root: string, model: string): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(join(root, model));
  } catch {
    return [];
  }
  return names
    .filter((n) => /^[1-9][0-9]*$/.test(n))
    .map(Number)
    .sort((a, b) => a - b);
}

/** The next release number of a model in a folder: one above the highest there (1 for a new model). */
export async function nextFolderRelease(root: string, model: string): Promise<number> {
  const releases = await listFolderReleases(root, model);
  return (releases[releases.length - 1] ?? 0) + 1;
}

/**
 * Writes `{root}/{model}/{release}/` (manifest.json, model.json, shards) atomically.
 *
 * @throws {EdgeflowError} `VERSION_CONFLICT` when the folder has this or a higher release already
 *   (release numbers only grow and published folders are immutable).
 */
export async function writeReleaseFolder(root: string, release: BuiltRelease): Promise<string> {
  const { model, release: number } = release.manifest;
  const existing = await listFolderReleases(root, model);
  const highest = existing[existing.length - 1] ?? 0;
  if (number <= highest) {
    throw new EdgeflowError(
      'VERSION_CONFLICT',
      `${model} already has release ${highest} in ${root}; a new release needs a higher number (use ${highest + 1}).`,
      {
        details: { model, release: number, highest },
      },
    );
  }
  const modelDir = join(root, model);
  await mkdir(modelDir, { recursive: true });
  const temp = join(modelDir, `.incoming-${number}-${randomUUID()}`);
  await mkdir(temp);
  try {
    for (const [path, data] of release.files) await writeFile(join(temp, path), data);
    await writeFile(join(temp, 'manifest.json'), release.manifestText);
    const target = join(modelDir, String(number));
    await rename(temp, target);
    return target;
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Writes `{root}/{model}/channels/{channel}.json` atomically after checking that it names a release
 * present in the folder with the same manifest hash and that its sequence grows.
 *
 * @throws {EdgeflowError} `NOT_FOUND` (release missing), `INTEGRITY_FAILED` (manifest hash differs),
 *   `VERSION_CONFLICT` (sequence not higher than the current file's).
 */
export async function writeChannelFile(root: string, text: string): Promise<string> {
  const envelope = parseEnvelope(text);
  const document = channelDocumentSchema.parse(JSON.parse(envelope.payload));
  const manifestPath = join(root, document.model, String(document.release), 'manifest.json');
  let manifestBytes: Uint8Array;
  try {
    manifestBytes = await readFile(manifestPath);
  } catch (cause) {
    throw new EdgeflowError(
      'NOT_FOUND',
      `Channel "${document.channel}" names release ${document.release} of ${document.model}, which is not in ${root}. Publish the release first.`,
      {
        cause,
        details: { model: document.model, release: document.release },
      },
    );
  }
  const digest = await sha256Hex(manifestBytes);
  if (digest !== document.manifestSha256) {
    throw new EdgeflowError(
      'INTEGRITY_FAILED',
      `Channel "${document.channel}" names manifest ${document.manifestSha256} but release ${document.release}'s manifest.json hashes to ${digest}.`,
      {
        details: { path: 'manifest.json', expected: document.manifestSha256, actual: digest },
      },
    );
  }
  const dir = join(root, document.model, 'channels');
  await mkdir(dir, { recursive: true });
  const target = join(dir, `${document.channel}.json`);
  try {
    const current = channelDocumentSchema.parse(
      JSON.parse(parseEnvelope(await readFile(target, 'utf8')).payload),
    );
    if (document.sequence <= current.sequence) {
      throw new EdgeflowError(
        'VERSION_CONFLICT',
        `Channel "${document.channel}" is at sequence ${current.sequence}; a change needs a higher one (got ${document.sequence}).`,
        {
          details: { sequence: document.sequence, current: current.sequence },
        },
      );
    }
  } catch (error) {
    if (error instanceof EdgeflowError && error.code === 'VERSION_CONFLICT') throw error;
    // No current file (or an unreadable one): this write replaces it.
  }
  const temp = join(dir, `.${document.channel}.${randomUUID()}.tmp`);
  await writeFile(temp, text);
  await rename(temp, target);
  return target;
}
