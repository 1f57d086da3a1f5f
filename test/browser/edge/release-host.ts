// Vitest browser commands (run in the Node process) for the edge tests: a static release host — a
// temporary folder served by the real HTTP server of test/unit/edge/folder-server.ts (ETags, 304,
// CORS/CORP) — that the page fills with published files and can make misbehave on one path.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { BrowserCommand } from 'vitest/node';
import { type FolderServer, serveFolder } from '../../unit/edge/folder-server.ts';

const hosts = new Map<string, { root: string; server: FolderServer }>();

function host(id: string) {
  const found = hosts.get(id);
  if (!found) throw new Error(`no release host ${id}`);
  return found;
}

/** Starts a release host; returns its id and base URL. */
export const startReleaseHost: BrowserCommand<[]> = async () => {
  const root = await mkdtemp(join(tmpdir(), 'edgeflow-host-'));
  const server = await serveFolder(root);
  const id = server.url;
  hosts.set(id, { root, server });
  return { id, url: server.url };
};

/** Writes files (base64) under the host's folder, e.g. `penguins/1/model.json`. */
export const writeReleaseHostFiles: BrowserCommand<
  [id: string, files: { path: string; base64: string }[]]
> = async (_context, id, files) => {
  const { root } = host(id);
  for (const file of files) {
    const target = join(root, file.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, Buffer.from(file.base64, 'base64'));
  }
};

/** The requests the host answered so far (`METHOD path status`). */
export const releaseHostLog: BrowserCommand<[id: string]> = async (_context, id) => [...host(id).server.log];

/**
 * Makes one path misbehave: `cut` sends half the file then destroys the connection (a page killed or
 * a network lost mid-download); `slow` sends half, waits `ms`, then the rest; null restores it.
 */
export const setReleaseHostFault: BrowserCommand<
  [id: string, path: string, fault: { kind: 'cut' } | { kind: 'slow'; ms: number } | null]
> = async (_context, id, path, fault) => {
  const { server } = host(id);
  if (fault === null) {
    server.override(path, null);
    return;
  }
  server.override(path, (_request, response, file) => {
    if (file === null) return false;
    response.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': file.byteLength,
      'Access-Control-Allow-Origin': '*',
    });
    response.write(file.subarray(0, file.byteLength >> 1));
    if (fault.kind === 'cut') {
      setTimeout(() => response.destroy(), 20);
    } else {
      setTimeout(() => response.end(file.subarray(file.byteLength >> 1)), fault.ms);
    }
    return true;
  });
};

/** Stops the host and removes its folder. */
export const stopReleaseHost: BrowserCommand<[id: string]> = async (_context, id) => {
  const { root, server } = host(id);
  hosts.delete(id);
  await server.close();
  await rm(root, { recursive: true, force: true });
};
