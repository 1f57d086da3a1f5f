// Vitest browser commands (Node side) for the telemetry tests: a real `node:http` OTLP sink on
// 127.0.0.1 that records every request (time, headers, gunzipped body) and answers scripted
// statuses or drops connections.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { BrowserCommand } from 'vitest/node';

/** One scripted answer. */
export interface SinkAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Wait this long before answering (to be mid-flush when the client goes away). */
  delayMs?: number;
}

/** One recorded request. */
export interface SinkRequest {
  /** Epoch ms when the request's headers arrived. */
  at: number;
  method: string;
  path: string;
  key: string | null;
  contentEncoding: string | null;
  contentType: string | null;
  /** The body as received (after gunzip when gzipped), UTF-8. */
  body: string;
  /** Size on the wire. */
  wireBytes: number;
  status: number;
}

interface Sink {
  server: Server;
  requests: SinkRequest[];
  script: SinkAnswer[];
  down: boolean;
}

const sinks = new Map<string, Sink>();

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'content-type, content-encoding, idempotency-key, authorization, x-api-key',
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  'Access-Control-Expose-Headers': 'retry-after',
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

async function handle(sink: Sink, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (sink.down) {
    request.socket.destroy();
    return;
  }
  for (const [name, value] of Object.entries(CORS)) response.setHeader(name, value);
  if (request.method === 'OPTIONS') {
    response.writeHead(204);
    response.end();
    return;
  }
  const at = Date.now();
  const raw = await readBody(request);
  const encoding = request.headers['content-encoding'] ?? null;
  const body = (encoding === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
  const answer = sink.script.shift() ?? { status: 200, body: '{}' };
  sink.requests.push({
    at,
    method: request.method ?? '',
    path: request.url ?? '',
    key: (request.headers['idempotency-key'] as string | undefined) ?? null,
    contentEncoding: encoding,
    contentType: request.headers['content-type'] ?? null,
    body,
    wireBytes: raw.byteLength,
    status: answer.status,
  });
  if (answer.delayMs !== undefined) await new Promise((r) => setTimeout(r, answer.delayMs));
  response.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers });
  response.end(answer.body ?? '{}');
}

/** Starts a sink; returns its base URL. */
export const startTelemetrySink: BrowserCommand<[script?: SinkAnswer[]]> = async (_context, script = []) => {
  const sink: Sink = { server: createServer(), requests: [], script: [...script], down: false };
  sink.server.on('request', (request, response) => {
    handle(sink, request, response).catch(() => {
      response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    sink.server.once('error', reject);
    sink.server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(sink.server.address() as AddressInfo).port}`;
  sinks.set(url, sink);
  return url;
};

/** Everything the sink received so far. */
export const telemetrySinkRequests: BrowserCommand<[url: string]> = async (_context, url) =>
  sinks.get(url)?.requests ?? [];

/** Appends answers to the sink's script (consumed one per POST; 200 once empty). */
export const scriptTelemetrySink: BrowserCommand<[url: string, answers: SinkAnswer[]]> = async (
  _context,
  url,
  answers,
) => {
  sinks.get(url)?.script.push(...answers);
};

/** Stops a sink. */
export const stopTelemetrySink: BrowserCommand<[url: string]> = async (_context, url) => {
  const sink = sinks.get(url);
  sinks.delete(url);
  if (!sink) return;
  sink.server.closeAllConnections();
  await new Promise<void>((resolve) => sink.server.close(() => resolve()));
};

/**
 * Takes the sink off the network or back on: while down it resets every connection before
 * answering, so the browser's fetch fails with a network error (what a device without network sees).
 */
export const setTelemetrySinkDown: BrowserCommand<[url: string, down: boolean]> = async (
  _context,
  url,
  down,
) => {
  const sink = sinks.get(url);
  if (sink) sink.down = down;
};

declare module 'vitest/browser' {
  interface BrowserCommands {
    startTelemetrySink: (script?: SinkAnswer[]) => Promise<string>;
    telemetrySinkRequests: (url: string) => Promise<SinkRequest[]>;
    scriptTelemetrySink: (url: string, answers: SinkAnswer[]) => Promise<void>;
    stopTelemetrySink: (url: string) => Promise<void>;
    setTelemetrySinkDown: (url: string, down: boolean) => Promise<void>;
  }
}
