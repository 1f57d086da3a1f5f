// A real static HTTP server over a release folder, as a CDN would serve it: strong ETags (the
// file's SHA-256), 304 on If-None-Match, CORS and CORP for cross-origin pages, and hooks that let a
// test answer one path differently (Retry-After, an endless body, a connection cut mid-file).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

/** A test's answer for one path; return true when it answered, false to serve the file normally. */
export type Override = (
  request: IncomingMessage,
  response: ServerResponse,
  file: Buffer | null,
) => boolean | Promise<boolean>;

/** A running folder server. */
export interface FolderServer {
  /** Base URL without a trailing slash. */
  readonly url: string;
  /** Every request as `METHOD path status`. */
  readonly log: string[];
  /** Answers `path` (e.g. `/penguins/2/model.json`) with `handler` until cleared. */
  override(path: string, handler: Override | null): void;
  close(): Promise<void>;
}

/** Serves `root` on 127.0.0.1 (a random port). */
export async function serveFolder(root: string): Promise<FolderServer> {
  const overrides = new Map<string, Override>();
  const log: string[] = [];
  const server: Server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    response.setHeader('Access-Control-Allow-Origin', '*');
    response.setHeader('Access-Control-Allow-Headers', 'If-None-Match');
    response.setHeader('Access-Control-Expose-Headers', 'ETag, Retry-After');
    response.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    response.on('finish', () => log.push(`${request.method} ${path} ${response.statusCode}`));
    if (request.method === 'OPTIONS') {
      response.writeHead(204);
      response.end();
      return;
    }
    const safe = normalize(path).replace(/^(\.\.[/\\])+/, '');
    let file: Buffer | null = null;
    try {
      file = await readFile(join(root, safe));
    } catch {
      file = null;
    }
    const override = overrides.get(path);
    if (override && (await override(request, response, file))) return;
    if (file === null) {
      response.writeHead(404, { 'Content-Type': 'text/plain' });
      response.end('not found');
      return;
    }
    const etag = `"${createHash('sha256').update(file).digest('hex')}"`;
    const isChannel = path.includes('/channels/');
    response.setHeader('ETag', etag);
    response.setHeader('Cache-Control', isChannel ? 'no-cache' : 'public, max-age=31536000, immutable');
    if (request.headers['if-none-match'] === etag) {
      response.writeHead(304);
      response.end();
      return;
    }
    response.writeHead(200, {
      'Content-Type': path.endsWith('.json') ? 'application/json' : 'application/octet-stream',
      'Content-Length': file.byteLength,
    });
    response.end(file);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    override(path, handler) {
      if (handler === null) overrides.delete(path);
      else overrides.set(path, handler);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
