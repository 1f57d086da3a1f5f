// The command line of `edgeflow-collector`: flags and environment → `CollectorOptions`. Secrets
// (API keys, the admin token) come from the environment or from files, never from flags, because
// flags show up in `ps` and shell history.
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EdgeflowError } from 'edgeflow/errors';
import type { CollectorOptions } from './server.ts';
import { parseDuration } from './time-range.ts';

/** `edgeflow-collector --help`. */
export const USAGE = `Usage: edgeflow-collector [options]
       edgeflow-collector new-key --id NAME     print a new ingest API key and its key-file entry

OTLP/HTTP JSON metrics ingest (POST /v1/metrics) into SQLite, fleet queries (/api/*) and signed
release hosting (/releases/*) for edgeflow edge clients.

Options:
  --port N                 port to listen on (default 4318, the OTLP/HTTP port; env PORT)
  --host ADDR              address to listen on (default 127.0.0.1); any other needs API keys
  --data-dir DIR           where the database and releases live (default ./edgeflow-data)
  --db FILE                the SQLite file (default <data-dir>/collector.db)
  --api-key-file FILE      ingest keys, hashed: {"keys":[{"id":"fleet","sha256":"<hex>","revoked":false}]}
                           (re-read when it changes, so setting "revoked": true takes effect at once)
  --admin-token-file FILE  the admin token for queries and publishing (the token, or sha256:<hex>)
  --release-keys-file FILE trusted release signing keys {"keys":[{"keyId","algorithm","jwk"}]}
  --upstream URL           forward accepted batches to this OTLP/HTTP metrics URL (with a retry queue)
  --retention DURATION     delete points older than this (default 30d; e.g. 12h, 7d)
  --cors-origin ORIGIN     let a browser page on ORIGIN call /v1/metrics and /api (repeatable)
  --rate-limit N           points a second per API key (default 500000; 0 = off)
  --max-body BYTES         largest request body (default 4194304); 4x that decompressed
  --sync normal|full       SQLite durability (default normal: survives a crash, not a power cut)
  --static DIR             also serve this folder at / (the built demo)
  --quiet                  no request log
  --help                   this text

Environment (secrets only here or in files, never in flags):
  EDGEFLOW_API_KEYS                comma-separated ingest keys
  EDGEFLOW_ADMIN_TOKEN             the admin token
  EDGEFLOW_UPSTREAM_AUTHORIZATION  Authorization header sent upstream

Without an API key the collector accepts ingest from loopback clients only, and refuses to listen
on a non-loopback address. Without an admin token, queries and publishing answer loopback only,
and without --release-keys-file too, a local page or script may enrol its release signing key
(POST /api/release-keys), kept in <data-dir>/release-keys.json.`;

/** What the command line asks for. */
export type CliCommand =
  | { kind: 'help' }
  | { kind: 'new-key'; id: string }
  | { kind: 'start'; options: CollectorOptions; quiet: boolean };

const SECRET_FLAGS = new Set(['--api-key', '--api-keys', '--admin-token', '--key', '--token']);

function bad(message: string): EdgeflowError {
  return new EdgeflowError('INVALID_ARGUMENT', `${message} See edgeflow-collector --help.`);
}

/** Creates `dir` one level at a time (Node's recursive mkdir spins on some pseudo file systems such as /proc). */
function makeDirs(dir: string): void {
  const parent = dirname(dir);
  if (parent !== dir && !existsSync(parent)) makeDirs(parent);
  if (!existsSync(dir)) mkdirSync(dir);
}

function writableDir(dir: string, flag: string): void {
  try {
    makeDirs(dir);
    accessSync(dir, constants.W_OK);
  } catch (cause) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `${flag} "${dir}" is not a writable folder (${(cause as Error).message}). Pass a folder this user can write.`,
      {
        cause,
      },
    );
  }
}

/**
 * Parses the command line.
 *
 * @throws EdgeflowError `INVALID_ARGUMENT` for an unknown flag, a secret passed as a flag, a bad
 *   value (naming the flag and the accepted form) or an unwritable folder.
 */
export function parseCommandLine(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): CliCommand {
  for (const arg of argv) {
    const flag = arg.split('=')[0] ?? '';
    if (SECRET_FLAGS.has(flag))
      throw bad(
        `${flag} is not accepted: secrets never go on the command line. Use --api-key-file/--admin-token-file or EDGEFLOW_API_KEYS/EDGEFLOW_ADMIN_TOKEN.`,
      );
  }
  if (argv[0] === 'new-key') {
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({ args: [...argv.slice(1)], options: { id: { type: 'string' } }, strict: true });
    } catch (cause) {
      throw bad((cause as Error).message);
    }
    const id = parsed.values.id;
    if (typeof id !== 'string' || !/^[A-Za-z0-9._-]{1,128}$/.test(id))
      throw bad('new-key needs --id NAME (letters, digits, ".", "_", "-").');
    return { kind: 'new-key', id };
  }
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        db: { type: 'string' },
        'api-key-file': { type: 'string' },
        'admin-token-file': { type: 'string' },
        'release-keys-file': { type: 'string' },
        upstream: { type: 'string' },
        retention: { type: 'string' },
        'cors-origin': { type: 'string', multiple: true },
        'rate-limit': { type: 'string' },
        'max-body': { type: 'string' },
        sync: { type: 'string' },
        static: { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }).values;
  } catch (cause) {
    throw bad((cause as Error).message);
  }
  if (values.help) return { kind: 'help' };
  const text = (name: string): string | undefined => values[name] as string | undefined;
  const portText = text('port') ?? env.PORT ?? '4318';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535)
    throw bad(`--port must be a whole number from 0 to 65535, got "${portText}".`);
  const dataDir = resolve(text('data-dir') ?? 'edgeflow-data');
  writableDir(dataDir, '--data-dir');
  const options: CollectorOptions = { port, host: text('host') ?? '127.0.0.1', dataDir };
  const db = text('db');
  if (db) {
    writableDir(resolve(db, '..'), '--db');
    options.dbPath = resolve(db);
  }
  for (const [flag, key] of [
    ['api-key-file', 'apiKeyFile'],
    ['admin-token-file', 'adminTokenFile'],
    ['release-keys-file', 'releaseKeysFile'],
    ['static', 'staticDir'],
  ] as const) {
    const value = text(flag);
    if (value) options[key] = resolve(value);
  }
  const upstream = text('upstream');
  if (upstream) {
    let url: URL;
    try {
      url = new URL(upstream);
    } catch {
      throw bad(
        `--upstream must be an http(s) URL such as http://otel-gateway:4318/v1/metrics, got "${upstream}".`,
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw bad(`--upstream must be http or https, got "${url.protocol}".`);
    options.upstream = url.href;
  }
  const retention = text('retention');
  if (retention) {
    try {
      options.retentionMs = parseDuration(retention, '--retention');
    } catch (error) {
      throw bad((error as Error).message);
    }
  }
  const origins = values['cors-origin'] as string[] | undefined;
  if (origins) {
    for (const origin of origins)
      if (!/^https?:\/\/[^/\s]+$/.test(origin))
        throw bad(`--cors-origin must be an origin such as https://app.example.com, got "${origin}".`);
    options.corsOrigins = origins;
  }
  const rateLimit = text('rate-limit');
  if (rateLimit !== undefined) {
    if (!/^\d+$/.test(rateLimit))
      throw bad(`--rate-limit must be a whole number of points a second, got "${rateLimit}".`);
    options.rateLimit = Number(rateLimit);
  }
  const maxBody = text('max-body');
  if (maxBody !== undefined) {
    if (!/^\d+$/.test(maxBody) || Number(maxBody) < 1024)
      throw bad(`--max-body must be a number of bytes ≥ 1024, got "${maxBody}".`);
    options.maxBodyBytes = Number(maxBody);
    options.maxDecodedBytes = Number(maxBody) * 4;
  }
  const sync = text('sync');
  if (sync !== undefined) {
    if (sync !== 'normal' && sync !== 'full') throw bad(`--sync must be normal or full, got "${sync}".`);
    options.synchronous = sync;
  }
  const apiKeys = (env.EDGEFLOW_API_KEYS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  if (apiKeys.length > 0) options.apiKeys = apiKeys;
  if (env.EDGEFLOW_ADMIN_TOKEN) options.adminToken = env.EDGEFLOW_ADMIN_TOKEN;
  if (env.EDGEFLOW_UPSTREAM_AUTHORIZATION)
    options.upstreamHeaders = { authorization: env.EDGEFLOW_UPSTREAM_AUTHORIZATION };
  return { kind: 'start', options, quiet: values.quiet === true };
}
