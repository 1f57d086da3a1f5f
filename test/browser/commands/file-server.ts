// Vitest browser commands (they run in the Node process): a tiny static HTTP server on 127.0.0.1 that
// serves the files a browser test hands it, so the test can load them with plain `fetch`/tfjs over
// real HTTP. Files arrive base64-encoded (command arguments travel as JSON).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserCommand } from 'vitest/node';

/** One file to serve. */
export interface ServedFile {
  path: string;
  base64: string;
  contentType?: string;
}

const servers = new Map<string, Server>();

function typeOf(path: string): string {
  if (path.endsWith('.json')) return 'application/json';
  return 'application/octet-stream';
}

/** Starts a server for `files` and returns its base URL (ending in `/`). */
export const serveFiles: BrowserCommand<[files: ServedFile[]]> = async (_context, files) => {
  const table = new Map(
    files.map((f) => [
      `/${f.path}`,
      { body: Buffer.from(f.base64, 'base64'), type: f.contentType ?? typeOf(f.path) },
    ]),
  );
  const server = createServer((request, response) => {
    const file = table.get(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    // The test page is cross-origin isolated (COEP require-corp): answer with CORS and CORP headers.
    response.setHeader('Access-Control-Allow-Origin', '*');
    response.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    if (!file) {
      response.writeHead(404, { 'Content-Type': 'text/plain' });
      response.end('not found');
      return;
    }
    response.writeHead(200, { 'Content-Type': file.type, 'Content-Length': file.body.byteLength });
    response.end(file.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  servers.set(url, server);
  return url;
};

/** Stops a server started by `serveFiles`. */
export const stopFileServer: BrowserCommand<[url: string]> = async (_context, url) => {
  const server = servers.get(url);
  servers.delete(url);
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
};

declare module 'vitest/browser' {
  interface BrowserCommands {
    serveFiles: (files: ServedFile[]) => Promise<string>;
    stopFileServer: (url: string) => Promise<void>;
  }
}
