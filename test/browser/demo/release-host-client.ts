// The browser side of the release host (test/browser/edge/release-host.ts, a Vitest command): a
// static HTTP server the field tests publish to, as a CDN would be.
import { commands } from 'vitest/browser';
import type { ReleaseWriter } from '../../../src/edge/index.ts';

export interface Host {
  id: string;
  url: string;
}
export const host = commands as unknown as {
  startReleaseHost(): Promise<Host>;
  writeReleaseHostFiles(id: string, files: { path: string; base64: string }[]): Promise<void>;
  stopReleaseHost(id: string): Promise<void>;
};

export function base64(bytes: Uint8Array | string): string {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  let binary = '';
  for (let i = 0; i < data.length; i += 0x8000)
    binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** A ReleaseWriter onto the release host (what a CDN upload would be). */
export function hostWriter(server: Host): ReleaseWriter {
  let highest = 0;
  return {
    highestRelease: async () => highest,
    async writeRelease(release) {
      const { model, release: number } = release.manifest;
      await host.writeReleaseHostFiles(server.id, [
        ...[...release.files].map(([path, data]) => ({
          path: `${model}/${number}/${path}`,
          base64: base64(data),
        })),
        { path: `${model}/${number}/manifest.json`, base64: base64(release.manifestText) },
      ]);
      highest = Math.max(highest, number);
    },
    async writeChannel(model, channel, text) {
      await host.writeReleaseHostFiles(server.id, [
        { path: `${model}/channels/${channel}.json`, base64: base64(text) },
      ]);
    },
  };
}
