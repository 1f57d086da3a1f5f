// The Node folder publisher as a `ReleaseWriter`, so `publishVersion` can write into a folder that
// any static host or CDN serves.
import type { ReleaseWriter } from '../publish.ts';
import { listFolderReleases, writeChannelFile, writeReleaseFolder } from './folder-publisher.ts';

/**
 * A publish target writing into `root` (`{root}/{model}/{release}/…`, `{root}/{model}/channels/…`).
 *
 * @example
 * await publishVersion(registry, 'penguins', 'champion', { signingKey: await readKeyFile('release.key'), target: folderTarget('./public/releases') });
 */
export function folderTarget(root: string): { kind: 'writer'; writer: ReleaseWriter } {
  return {
    kind: 'writer',
    writer: {
      async highestRelease(model) {
        const releases = await listFolderReleases(root, model);
        return releases[releases.length - 1] ?? 0;
      },
      async writeRelease(release) {
        await writeReleaseFolder(root, release);
      },
      async writeChannel(_model, _channel, text) {
        await writeChannelFile(root, text);
      },
    },
  };
}
