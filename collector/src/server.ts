// The collector's HTTP service: OTLP/HTTP JSON ingest, fleet queries, release hosting and the
// demo's static files, on Hono over Node's http server.
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { type HttpBindings, serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { EdgeflowError } from 'edgeflow/errors';
import { BATCH_KEY_HEADER } from 'edgeflow/schemas';
import { type Context, Hono } from 'hono';
import { cors } from 'hono/cors';
import {
  type AdminToken,
  type ApiKeyRing,
  createAdminToken,
  createApiKeyRing,
  isLoopbackAddress,
  isLoopbackHost,
  presentedToken,
} from './auth.ts';
import { apiErrorBody, otlpErrorBody, statusForError } from './http-errors.ts';
import { parseOtlpMetricsJson } from './otlp-json.ts';
import { createRateLimiter } from './rate-limiter.ts';
import { mountReleaseKeyRoutes, openReleaseKeyring } from './release-keys.ts';
import { mountReleaseRoutes, openReleaseStore, type ReleaseStore } from './releases.ts';
import { decodeBody, readRawBody } from './request-body.ts';
import { openSqliteStore } from './storage/sqlite-store.ts';
import type { MetricStore } from './storage/types.ts';
import { readTimeRange } from './time-range.ts';
import { startUpstreamForwarder, type UpstreamForwarder } from './upstream-forwarder.ts';
import { createWriteQueue, type WriteQueue } from './write-queue.ts';

/** Options for `startCollector` (the CLI maps its flags and environment onto these). */
export interface CollectorOptions {
  /** TCP port; 4318 is the OTLP/HTTP port, so OpenTelemetry SDKs can send here. 0 picks a free one. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. A non-loopback address requires API keys. */
  host?: string;
  /** A folder of static files (the built demo) to serve at `/`, with COOP/COEP headers. */
  staticDir?: string;
  /** Where releases (and, unless `dbPath` says otherwise, `collector.db`) live. Without it: an in-memory database and no release hosting. */
  dataDir?: string;
  /** The SQLite file. Default `<dataDir>/collector.db`. */
  dbPath?: string;
  /** Plain ingest API keys (from `EDGEFLOW_API_KEYS`); hashed on start. */
  apiKeys?: readonly string[];
  /** A JSON file of hashed, revocable ingest keys (see `apiKeyFileSchema`); re-read when it changes. */
  apiKeyFile?: string;
  /** The admin token (from `EDGEFLOW_ADMIN_TOKEN`). Without one, admin endpoints answer loopback clients only. */
  adminToken?: string;
  /** A file holding the admin token (or `sha256:<hex>` of it). */
  adminTokenFile?: string;
  /** Trusted release signing keys (`{ "keys": [...] }`); without them uploads are refused. */
  releaseKeysFile?: string;
  /** An upstream OTLP/HTTP metrics URL (e.g. `http://otel-gateway:4318/v1/metrics`) to forward accepted batches to. */
  upstream?: string;
  /** Headers sent upstream (e.g. its own API key). */
  upstreamHeaders?: Record<string, string>;
  /** Forwarder poll interval. Default 1000 ms. */
  upstreamIntervalMs?: number;
  /** Points older than this are deleted (hourly). Default 30 days. */
  retentionMs?: number;
  /** Origins allowed to call `/v1/metrics` and `/api/*` from a browser. Default none (same origin only). */
  corsOrigins?: readonly string[];
  /** Per-key rate limit in points a second (bursts to twice that). Default 500,000; 0 switches it off. */
  rateLimit?: number;
  /** Largest request body on the wire. Default 4 MiB. */
  maxBodyBytes?: number;
  /** Largest body after decompression. Default 16 MiB. */
  maxDecodedBytes?: number;
  /** Points waiting to be written past which ingest answers 503. Default 200,000. */
  maxPendingPoints?: number;
  /** SQLite durability (see docs/collector.md). Default `normal`. */
  synchronous?: 'normal' | 'full';
  /** Receives one line per request (method, path, status, ms; never bodies or credentials) and notices. */
  log?: (line: string) => void;
}

/** A running collector. */
export interface RunningCollector {
  url: string;
  port: number;
  /** What the start banner should say (security mode, storage, forwarding). */
  notes: string[];
  store: MetricStore;
  forwarder: UpstreamForwarder | null;
  /** Graceful stop: stops accepting, finishes in-flight batches, closes the database. */
  close(): Promise<void>;
}

type Env = { Bindings: HttpBindings };

interface Deps {
  options: CollectorOptions;
  store: MetricStore;
  queue: WriteQueue;
  keys: ApiKeyRing;
  admin: AdminToken | null;
  releases: ReleaseStore | null;
  forwarding: boolean;
}

function remote(c: Context<Env>): string | undefined {
  return c.env?.incoming?.socket?.remoteAddress;
}

/**
 * Who is ingesting: the API key's id, or the client address where no key is configured.
 *
 * @throws EdgeflowError `UNAUTHORIZED` (missing, unknown or revoked key), `FORBIDDEN` (no keys
 *   configured and the client is not on loopback).
 */
function authorizeIngest(c: Context<Env>, keys: ApiKeyRing): string {
  const address = remote(c);
  if (!keys.configured()) {
    if (isLoopbackAddress(address)) return `loopback`;
    throw new EdgeflowError(
      'FORBIDDEN',
      'No API key is configured, so this collector takes ingest from loopback only. Configure --api-key-file or EDGEFLOW_API_KEYS.',
    );
  }
  const token = presentedToken(c.req.header('authorization'), c.req.header('x-api-key'));
  if (!token)
    throw new EdgeflowError('UNAUTHORIZED', 'An API key is required: send "Authorization: Bearer <key>".');
  const check = keys.check(token);
  if (check.status === 'valid') return `key:${check.id}`;
  if (check.status === 'revoked')
    throw new EdgeflowError('UNAUTHORIZED', `API key "${check.id}" was revoked; use a current key.`);
  throw new EdgeflowError('UNAUTHORIZED', 'The API key is not valid.');
}

/**
 * Checks the admin credential for publishing and queries.
 *
 * @throws EdgeflowError `FORBIDDEN` for an ingest key or a non-loopback client without an admin
 *   token configured, `UNAUTHORIZED` for a missing or wrong token.
 */
function authorizeAdmin(c: Context<Env>, keys: ApiKeyRing, admin: AdminToken | null): void {
  const token = presentedToken(c.req.header('authorization'), c.req.header('x-api-key'));
  if (token && admin?.matches(token)) return;
  if (token && keys.check(token).status !== 'unknown')
    throw new EdgeflowError('FORBIDDEN', 'An ingest API key cannot publish or query; use the admin token.');
  if (!admin) {
    if (isLoopbackAddress(remote(c))) return;
    throw new EdgeflowError(
      'FORBIDDEN',
      'No admin token is configured, so admin endpoints answer loopback clients only. Configure --admin-token-file or EDGEFLOW_ADMIN_TOKEN.',
    );
  }
  throw new EdgeflowError(
    'UNAUTHORIZED',
    token
      ? 'The admin token is not valid.'
      : 'The admin token is required: send "Authorization: Bearer <token>".',
  );
}

/** Builds the Hono app over its dependencies: middleware, error mapping and every route. */
function createApp(deps: Deps): Hono<Env> {
  const { options, queue, keys, admin } = deps;
  const maxBody = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const maxDecoded = options.maxDecodedBytes ?? 16 * 1024 * 1024;
  const limiter = createRateLimiter(options.rateLimit ?? 500_000);
  const app = new Hono<Env>();

  if (options.log) {
    const log = options.log;
    app.use('*', async (c, next) => {
      const started = performance.now();
      await next();
      log(`${c.req.method} ${c.req.path} ${c.res.status} ${(performance.now() - started).toFixed(1)}ms`);
    });
  }
  app.use('*', async (c, next) => {
    await next();
    c.header('Cross-Origin-Opener-Policy', 'same-origin');
    c.header('Cross-Origin-Embedder-Policy', 'require-corp');
    c.header(
      'Cross-Origin-Resource-Policy',
      c.req.path.startsWith('/releases/') ? 'cross-origin' : 'same-origin',
    );
    c.header('X-Content-Type-Options', 'nosniff');
  });
  if (options.corsOrigins && options.corsOrigins.length > 0) {
    const origins = [...options.corsOrigins];
    const apiCors = cors({
      origin: origins,
      allowMethods: ['GET', 'POST', 'PUT', 'OPTIONS'],
      allowHeaders: ['content-type', 'content-encoding', 'authorization', 'x-api-key', BATCH_KEY_HEADER],
      maxAge: 600,
    });
    app.use('/v1/*', apiCors);
    app.use('/api/*', apiCors);
  }
  app.use(
    '/releases/*',
    cors({
      origin: '*',
      allowMethods: ['GET', 'HEAD'],
      exposeHeaders: ['ETag', 'Content-Range', 'Accept-Ranges', 'Content-Length'],
    }),
  );

  app.onError((error, c) => {
    const status = statusForError(error);
    if (status >= 500 && status !== 503)
      options.log?.(`error on ${c.req.method} ${c.req.path}: ${error.stack ?? error.message}`);
    const retryAfter = error instanceof EdgeflowError ? error.details.retryAfter : undefined;
    const headers: Record<string, string> = {};
    if (status === 429 || status === 503)
      headers['Retry-After'] = String(typeof retryAfter === 'number' ? retryAfter : 1);
    const body = c.req.path.startsWith('/v1/') ? otlpErrorBody(error) : apiErrorBody(error);
    return c.json(body, status as 400, headers);
  });
  app.notFound((c) =>
    c.json({ error: { code: 'NOT_FOUND', message: `Nothing at ${c.req.method} ${c.req.path}.` } }, 404),
  );

  app.get('/healthz', (c) => c.json({ ok: true }));

  app.post('/v1/metrics', async (c) => {
    const who = authorizeIngest(c, keys);
    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (type === 'application/x-protobuf' || type === 'application/protobuf')
      throw new EdgeflowError(
        'UNSUPPORTED_MEDIA_TYPE',
        'OTLP protobuf is not supported by this collector; send OTLP/HTTP JSON (set OTEL_EXPORTER_OTLP_METRICS_PROTOCOL=http/json, or use @opentelemetry/exporter-metrics-otlp-http).',
      );
    if (type !== 'application/json')
      throw new EdgeflowError(
        'UNSUPPORTED_MEDIA_TYPE',
        `Content-Type "${type.slice(0, 60)}" is not supported; send application/json (OTLP/HTTP JSON).`,
      );
    const key = c.req.header(BATCH_KEY_HEADER) ?? null;
    if (key !== null && !/^[\x21-\x7e]{1,128}$/.test(key))
      throw new EdgeflowError(
        'INVALID_ARGUMENT',
        `The ${BATCH_KEY_HEADER} header must be 1–128 visible ASCII characters.`,
      );
    const raw = await readRawBody(c.env.incoming, maxBody);
    const { bytes, text } = await decodeBody(raw, c.req.header('content-encoding'), maxDecoded);
    const batch = parseOtlpMetricsJson(text);
    const wait = limiter.take(who, batch.points.length);
    if (wait > 0)
      throw new EdgeflowError(
        'RATE_LIMITED',
        `This API key sent more points than its rate limit allows; retry in ${wait} s.`,
        {
          details: { retryAfter: wait },
        },
      );
    const result = await queue.submit({ key, points: batch.points, forward: deps.forwarding ? bytes : null });
    if (batch.rejected === 0) return c.json({}, 200);
    return c.json(
      {
        partialSuccess: {
          rejectedDataPoints: String(batch.rejected),
          errorMessage: `${batch.rejected} data point(s) rejected: ${batch.rejectionReasons.join('; ')}.`,
        },
      },
      200,
      result.duplicate ? { 'Idempotent-Replayed': 'true' } : {},
    );
  });

  app.use('/api/*', async (c, next) => {
    authorizeAdmin(c, keys, admin);
    await next();
  });
  const query = (c: Context<Env>) => (name: string) => c.req.query(name);
  app.get('/api/fleet', (c) => {
    const range = readTimeRange(query(c), 3_600_000);
    const fleet = deps.store.fleet(range);
    return c.json({ ...fleet, releases: deps.releases?.summary() ?? [] });
  });
  app.get('/api/models/:model/drift', (c) =>
    c.json(deps.store.drift(c.req.param('model'), readTimeRange(query(c), 86_400_000))),
  );
  app.get('/api/models/:model/latency', (c) =>
    c.json(
      deps.store.latency(
        c.req.param('model'),
        c.req.query('stage') ?? 'total',
        readTimeRange(query(c), 86_400_000),
      ),
    ),
  );
  app.get('/api/models/:model/errors', (c) => {
    const range = readTimeRange(query(c), 86_400_000);
    return c.json({
      model: c.req.param('model'),
      from: range.from,
      to: range.to,
      errors: deps.store.errors(c.req.param('model'), range),
    });
  });

  if (deps.releases) {
    mountReleaseKeyRoutes(app, deps.releases.keyring);
    mountReleaseRoutes(app, deps.releases);
  }

  if (options.staticDir) {
    const dir = resolve(options.staticDir);
    // serveStatic takes a root relative to the working directory.
    const root = relative(process.cwd(), dir) || '.';
    app.use('/*', serveStatic({ root }));
    app.get('*', serveStatic({ root, path: 'index.html' }));
  }
  return app;
}

/**
 * Starts the collector: opens the store, then serves ingest, queries, releases and static files.
 * Pages it serves are cross-origin isolated (COOP same-origin, COEP require-corp).
 *
 * @throws EdgeflowError `INVALID_ARGUMENT` when asked to listen on a non-loopback address without
 *   API keys, for a missing static folder, an unreadable key file or an unwritable database path.
 * @example
 * const collector = await startCollector({ port: 4318, dataDir: 'edgeflow-data', staticDir: 'demo-dist' });
 * console.log(collector.notes.join('\n'), collector.url);
 */
export async function startCollector(options: CollectorOptions = {}): Promise<RunningCollector> {
  const host = options.host ?? '127.0.0.1';
  const notes: string[] = [];
  const keys = createApiKeyRing({
    ...(options.apiKeys ? { keys: options.apiKeys } : {}),
    ...(options.apiKeyFile ? { file: options.apiKeyFile } : {}),
    onReloadError: (error) => options.log?.(`API key file not reloaded: ${(error as Error).message}`),
  });
  if (!keys.configured() && !isLoopbackHost(host))
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `Refusing to listen on ${host} without an API key: anyone who can reach it could write metrics. Run "edgeflow-collector new-key --id fleet", put the printed entry in keys.json ({"keys":[…]}) and pass --api-key-file keys.json (or set EDGEFLOW_API_KEYS), or listen on 127.0.0.1.`,
    );
  const admin = createAdminToken({
    ...(options.adminToken ? { token: options.adminToken } : {}),
    ...(options.adminTokenFile ? { file: options.adminTokenFile } : {}),
  });
  if (options.staticDir && !existsSync(resolve(options.staticDir)))
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `staticDir "${resolve(options.staticDir)}" does not exist; build the demo first (npm run build).`,
    );
  const dbPath = options.dbPath ?? (options.dataDir ? join(options.dataDir, 'collector.db') : ':memory:');
  const store = openSqliteStore({
    path: dbPath,
    ...(options.synchronous ? { synchronous: options.synchronous } : {}),
  });
  let releases: ReleaseStore | null = null;
  try {
    if (options.dataDir)
      releases = await openReleaseStore({
        dir: join(options.dataDir, 'releases'),
        // Without an admin token (admin endpoints then answer loopback only) and without an
        // operator-managed keys file, a page on this machine may enrol its signing key.
        keyring: await openReleaseKeyring({
          ...(options.releaseKeysFile
            ? { keysFile: options.releaseKeysFile }
            : { enrolledFile: join(options.dataDir, 'release-keys.json') }),
          ...(admin
            ? {
                refuseEnrolment:
                  'This collector has an admin token, so release keys are not enrolled over HTTP. Put the key\'s entry (from exportPublicKey) in a keys file ({ "keys": [...] }) and start the collector with --release-keys-file.',
              }
            : {}),
        }),
      });
  } catch (error) {
    store.close();
    throw error;
  }
  const queue = createWriteQueue(
    store,
    options.maxPendingPoints === undefined ? {} : { maxPendingPoints: options.maxPendingPoints },
  );
  const app = createApp({
    options,
    store,
    queue,
    keys,
    admin,
    releases,
    forwarding: Boolean(options.upstream),
  });

  notes.push(
    keys.configured()
      ? 'ingest: API key required (Authorization: Bearer <key>)'
      : 'ingest: no API key configured, so ingest is accepted from loopback clients only',
    admin
      ? 'admin (queries, publishing): admin token required'
      : 'admin (queries, publishing): no admin token configured, so loopback clients only',
    `storage: ${dbPath === ':memory:' ? 'in memory (pass --data-dir or --db to keep it)' : dbPath} (SQLite WAL, synchronous=${options.synchronous ?? 'normal'})`,
  );
  if (releases) {
    const trusted = releases.keyring.list().length;
    const enrolment =
      releases.keyring.enrolmentRefusal === null
        ? `loopback key enrolment on (POST /api/release-keys, kept in ${join(options.dataDir ?? '', 'release-keys.json')})`
        : 'key enrolment off';
    notes.push(
      `releases: ${releases.dir} (${trusted === 0 ? 'no trusted key yet, so uploads are refused' : `${trusted} trusted key(s) from ${releases.keyring.source === 'keys-file' ? '--release-keys-file' : 'enrolment'}`}; ${enrolment})`,
    );
  }

  const forwarder = options.upstream
    ? startUpstreamForwarder(store, {
        url: options.upstream,
        ...(options.upstreamHeaders ? { headers: options.upstreamHeaders } : {}),
        ...(options.upstreamIntervalMs ? { intervalMs: options.upstreamIntervalMs } : {}),
        ...(options.log ? { log: options.log } : {}),
      })
    : null;
  if (options.upstream) notes.push(`forwarding accepted batches to ${options.upstream}`);

  const retentionMs = options.retentionMs ?? 30 * 86_400_000;
  const prune = (): void => {
    try {
      store.pruneOlderThan(Date.now() - retentionMs);
    } catch (error) {
      options.log?.(`retention pass failed: ${(error as Error).message}`);
    }
  };
  const retentionTimer = setInterval(prune, Math.min(3_600_000, retentionMs));
  retentionTimer.unref();
  prune();

  return new Promise((resolvePromise, reject) => {
    const server = serve(
      { fetch: app.fetch, port: options.port ?? 4318, hostname: host },
      (info: AddressInfo) => {
        const shownHost =
          host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
        let closing: Promise<void> | null = null;
        resolvePromise({
          url: `http://${shownHost}:${info.port}/`,
          port: info.port,
          notes,
          store,
          forwarder,
          close: () => {
            closing ??= (async () => {
              clearInterval(retentionTimer);
              forwarder?.stop();
              const closed = new Promise<void>((done) => server.close(() => done()));
              if ('closeIdleConnections' in server) server.closeIdleConnections();
              // A browser's keep-alive connection that was busy a moment ago would hold the close
              // open for ever; in-flight requests get a few seconds, then every socket closes.
              const force = setTimeout(() => {
                if ('closeAllConnections' in server) server.closeAllConnections();
              }, 5000);
              await closed;
              clearTimeout(force);
              await queue.drain();
              store.close();
            })();
            return closing;
          },
        });
      },
    );
    server.once('error', (error) => {
      store.close();
      reject(error);
    });
  });
}
