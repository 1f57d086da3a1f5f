import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { relative, resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';

/** Options for `startCollector`. */
export interface CollectorOptions {
  /** TCP port; 4318 is the OTLP/HTTP port, so OpenTelemetry SDKs can send here. 0 picks a free one. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** A folder of static files (the built demo) to serve at `/`, with COOP/COEP headers. */
  staticDir?: string;
}

/** A running collector. */
export interface RunningCollector {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Starts the collector's HTTP service (Hono on Node). Pages it serves are cross-origin isolated
 * (COOP same-origin, COEP require-corp), so the WASM backend may use threads.
 *
 * @example
 * const collector = await startCollector({ port: 4318, staticDir: 'demo-dist' });
 * console.log(collector.url);
 */
export async function startCollector(options: CollectorOptions = {}): Promise<RunningCollector> {
  const app = new Hono();
  app.use('*', async (c, next) => {
    await next();
    c.header('Cross-Origin-Opener-Policy', 'same-origin');
    c.header('Cross-Origin-Embedder-Policy', 'require-corp');
    c.header('Cross-Origin-Resource-Policy', 'same-origin');
  });
  app.get('/healthz', (c) => c.json({ ok: true }));
  if (options.staticDir) {
    const dir = resolve(options.staticDir);
    if (!existsSync(dir))
      throw new Error(`staticDir "${dir}" does not exist; build the demo first (npm run build).`);
    // serveStatic takes a root relative to the working directory.
    const root = relative(process.cwd(), dir) || '.';
    app.use('/*', serveStatic({ root }));
    app.get('*', serveStatic({ root, path: 'index.html' }));
  }
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolvePromise, reject) => {
    const server = serve(
      { fetch: app.fetch, port: options.port ?? 4318, hostname: host },
      (info: AddressInfo) => {
        const shownHost = host === '0.0.0.0' ? 'localhost' : host;
        resolvePromise({
          url: `http://${shownHost}:${info.port}/`,
          port: info.port,
          close: () => new Promise((done) => server.close(() => done())),
        });
      },
    );
    server.once('error', reject);
  });
}
