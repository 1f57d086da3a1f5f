import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const TFJS_BUNDLE = fileURLToPath(
  new URL('../../node_modules/@tensorflow/tfjs/dist/tf.min.js', import.meta.url),
);

const TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
  '.js': 'text/javascript',
  '.html': 'text/html',
};

/** A running release server: its base URL and how to stop it. */
export interface ReleaseServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves exported release files under `/release/` and a blank page that loads plain tfjs (the UMD
 * bundle from node_modules) at `/`: what someone who never heard of edgeflow would do with the zip.
 */
export async function serveRelease(files: Readonly<Record<string, Uint8Array>>): Promise<ReleaseServer> {
  const tfjs = readFileSync(TFJS_BUNDLE);
  const page =
    '<!doctype html><meta charset="utf-8"><title>plain tfjs</title><link rel="icon" href="data:,"><script src="/tf.min.js"></script>';
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const send = (status: number, body: Uint8Array | string, type: string): void => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(body);
    };
    if (path === '/') return send(200, page, TYPES['.html'] as string);
    if (path === '/tf.min.js') return send(200, tfjs, TYPES['.js'] as string);
    const name = path.startsWith('/release/') ? decodeURIComponent(path.slice('/release/'.length)) : null;
    const file = name === null ? undefined : files[name];
    if (!file || !name) return send(404, 'not found', 'text/plain');
    return send(200, file, TYPES[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
