// Credentials: ingest API keys (several, stored as SHA-256 hashes, revocable) and one admin token
// for publishing and queries. Keys come from the environment or from files, never from flags
// (flags end up in `ps` output and shell history).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { EdgeflowError } from 'edgeflow/errors';
import { z } from 'zod';

/** The API key file: `{ "keys": [{ "id": "fleet-a", "sha256": "<hex of the key>", "revoked": false }] }`. */
export const apiKeyFileSchema = z.strictObject({
  keys: z.array(
    z.strictObject({
      id: z.string().min(1).max(128),
      sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in 64 lowercase hex digits'),
      revoked: z.boolean().optional(),
    }),
  ),
});

/** What a presented credential turned out to be. */
export type KeyCheck =
  | { status: 'valid'; id: string }
  | { status: 'revoked'; id: string }
  | { status: 'unknown' };

/** The ingest keys, re-read from their file when it changes (so revoking needs no restart). */
export interface ApiKeyRing {
  check(token: string): KeyCheck;
  /** True when at least one key (revoked or not) is configured. */
  configured(): boolean;
}

/** SHA-256 hex of a secret. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A new random API key and the file entry that admits it (`edgeflow-collector new-key`). */
export function newApiKey(id: string): { key: string; entry: { id: string; sha256: string } } {
  const key = `efk_${randomBytes(24).toString('base64url')}`;
  return { key, entry: { id, sha256: hashSecret(key) } };
}

function readKeyFile(path: string): z.infer<typeof apiKeyFileSchema> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `Cannot read the API key file "${path}": ${(cause as Error).message}.`,
      { cause },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `The API key file "${path}" is not JSON. Expected {"keys":[{"id":"…","sha256":"…"}]}.`,
      { cause },
    );
  }
  const parsed = apiKeyFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `The API key file "${path}" is invalid at "${issue?.path.join('.') ?? ''}": ${issue?.message ?? ''}. Expected {"keys":[{"id":"…","sha256":"…"}]}.`,
    );
  }
  return parsed.data;
}

/**
 * Builds the key ring from plain keys (the `EDGEFLOW_API_KEYS` environment variable, comma
 * separated; hashed at once and not kept) and a key file of hashes.
 *
 * @throws EdgeflowError `INVALID_ARGUMENT` when the file is missing or malformed (at start only;
 *   a later bad edit keeps the previous keys and is reported through `onReloadError`).
 */
export function createApiKeyRing(options: {
  keys?: readonly string[];
  file?: string;
  onReloadError?: (error: unknown) => void;
}): ApiKeyRing {
  const fixed = new Map<string, { id: string; revoked: boolean }>();
  (options.keys ?? []).forEach((key, i) => {
    fixed.set(hashSecret(key), { id: `env-${i + 1}`, revoked: false });
  });
  let fromFile = new Map<string, { id: string; revoked: boolean }>();
  let mtime = -1;
  let checkedAt = 0;
  const load = (): void => {
    if (!options.file) return;
    const stat = statSync(options.file);
    if (stat.mtimeMs === mtime) return;
    const next = new Map<string, { id: string; revoked: boolean }>();
    for (const k of readKeyFile(options.file).keys)
      next.set(k.sha256, { id: k.id, revoked: k.revoked ?? false });
    fromFile = next;
    mtime = stat.mtimeMs;
  };
  load();
  return {
    check(token) {
      const now = Date.now();
      if (options.file && now - checkedAt > 1000) {
        checkedAt = now;
        try {
          load();
        } catch (error) {
          options.onReloadError?.(error);
        }
      }
      const hash = hashSecret(token);
      const hit = fixed.get(hash) ?? fromFile.get(hash);
      if (!hit) return { status: 'unknown' };
      return hit.revoked ? { status: 'revoked', id: hit.id } : { status: 'valid', id: hit.id };
    },
    configured: () => fixed.size + fromFile.size > 0,
  };
}

/** The admin token, compared in constant time; null when none is configured. */
export interface AdminToken {
  matches(token: string): boolean;
}

/**
 * Reads the admin token from a string (`EDGEFLOW_ADMIN_TOKEN`) or a file holding the token, or
 * `sha256:<hex>` of it.
 *
 * @throws EdgeflowError `INVALID_ARGUMENT` when the file cannot be read or is empty.
 */
export function createAdminToken(options: { token?: string; file?: string }): AdminToken | null {
  let hash: string | null = null;
  if (options.file) {
    let text: string;
    try {
      text = readFileSync(options.file, 'utf8').trim();
    } catch (cause) {
      throw new EdgeflowError(
        'INVALID_ARGUMENT',
        `Cannot read the admin token file "${options.file}": ${(cause as Error).message}.`,
        { cause },
      );
    }
    if (text.length === 0)
      throw new EdgeflowError('INVALID_ARGUMENT', `The admin token file "${options.file}" is empty.`);
    hash = /^sha256:[0-9a-f]{64}$/.test(text) ? text.slice(7) : hashSecret(text);
  } else if (options.token) {
    hash = hashSecret(options.token);
  }
  if (hash === null) return null;
  const expected = Buffer.from(hash, 'hex');
  return { matches: (token) => timingSafeEqual(Buffer.from(hashSecret(token), 'hex'), expected) };
}

/** The bearer token of a request: `Authorization: Bearer …` or `x-api-key`. */
export function presentedToken(
  authorization: string | undefined,
  apiKeyHeader: string | undefined,
): string | null {
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (match?.[1]) return match[1];
  }
  return apiKeyHeader?.trim() || null;
}

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a === '::1' || a.startsWith('127.');
}

/** True when a listen address only takes loopback connections. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || isLoopbackAddress(host);
}
