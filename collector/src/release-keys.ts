// The collector's trusted release keys: either an operator-managed file (--release-keys-file, read
// once) or, when the collector runs without an admin token, keys enrolled from loopback over
// `POST /api/release-keys` and kept in `<data-dir>/release-keys.json` (written atomically: temp file
// + rename), so that a page on this machine can publish with the key it generated, with no setup.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { EdgeflowError } from 'edgeflow/errors';
import {
  importPublicKeys,
  type PublicKeyEntry,
  publicKeySetSchema,
  type SignatureAlgorithm,
  type TrustedKeyring,
} from 'edgeflow/release';
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';

/** The most keys an enrolled keyring holds. */
export const MAX_ENROLLED_KEYS = 32;
/** The largest `POST /api/release-keys` body (a key entry is about 200 bytes). */
export const MAX_ENROLMENT_BODY_BYTES = 64 * 1024;

/** Where the trusted keys come from. */
export type ReleaseKeySource = 'keys-file' | 'enrolled' | 'none';

/** What `enrol` did. */
export interface EnrolmentResult {
  /** Key ids newly trusted by this call (empty when every key was already trusted). */
  added: string[];
  keys: { keyId: string; algorithm: SignatureAlgorithm }[];
}

/** The trusted release keys of one collector, and whether keys may be enrolled over HTTP. */
export interface ReleaseKeyring {
  readonly source: ReleaseKeySource;
  /** Null while enrolment is allowed; else the sentence a refused enrolment answers with. */
  readonly enrolmentRefusal: string | null;
  /** The keyring to verify with, or null when no key is trusted. */
  current(): TrustedKeyring | null;
  list(): { keyId: string; algorithm: SignatureAlgorithm }[];
  /**
   * Validates, trusts and persists the keys of a `{ keys: [{ keyId, algorithm, jwk }] }` body.
   * Keys already trusted are left as they are.
   *
   * @throws EdgeflowError `FORBIDDEN` when enrolment is off (`enrolmentRefusal`), `INVALID_ARGUMENT`
   *   naming the field of a bad entry (shape, algorithm, JWK, key id) or past `MAX_ENROLLED_KEYS`.
   */
  enrol(body: unknown): Promise<EnrolmentResult>;
}

/** Options for `openReleaseKeyring`. */
export interface ReleaseKeyringOptions {
  /** An operator-managed key set; when given, enrolment is refused. */
  keysFile?: string;
  /** Where enrolled keys are kept (`<data-dir>/release-keys.json`); read at start when present. */
  enrolledFile?: string;
  /** Refuse enrolment with this sentence (e.g. an admin token is configured). */
  refuseEnrolment?: string;
}

function readKeySetFile(path: string, what: string, fix: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `Cannot read the ${what} "${path}": ${(cause as Error).message}. ${fix}`,
      {
        cause,
      },
    );
  }
}

/** Prefixes an import error with the field it names, so the HTTP answer says which field is wrong. */
function withField(error: unknown): unknown {
  if (!(error instanceof EdgeflowError)) return error;
  const field = error.details.field;
  return new EdgeflowError(
    'INVALID_ARGUMENT',
    `Key enrolment refused at "${typeof field === 'string' ? field : 'keys'}": ${error.message}`,
    { cause: error, details: error.details },
  );
}

/**
 * Opens the collector's trusted release keys: the operator's `keysFile`, else the enrolled file when
 * present, else none.
 *
 * @throws EdgeflowError `INVALID_ARGUMENT` when a key file is unreadable or not a valid public key set.
 */
export async function openReleaseKeyring(options: ReleaseKeyringOptions): Promise<ReleaseKeyring> {
  if (options.keysFile) {
    const keysFile = options.keysFile;
    const json = readKeySetFile(
      keysFile,
      'release keys file',
      'Pass --release-keys-file with a { "keys": [...] } file.',
    );
    const keyring = await importPublicKeys(json);
    return {
      source: 'keys-file',
      enrolmentRefusal: keysFileRefusal(keysFile),
      current: () => keyring,
      list: () => listKeys(keyring),
      enrol: () => Promise.reject(refused(keysFileRefusal(keysFile))),
    };
  }
  const enrolledFile = options.enrolledFile;
  let entries: PublicKeyEntry[] = [];
  let keyring: TrustedKeyring | null = null;
  if (enrolledFile && existsSync(enrolledFile)) {
    const json = readKeySetFile(
      enrolledFile,
      'enrolled release keys file',
      'Fix it or delete it (keys are then enrolled again from loopback).',
    );
    try {
      keyring = await importPublicKeys(json);
    } catch (cause) {
      throw new EdgeflowError(
        'INVALID_ARGUMENT',
        `The enrolled release keys file "${enrolledFile}" is not valid: ${(cause as Error).message} Fix it or delete it.`,
        { cause },
      );
    }
    entries = publicKeySetSchema.parse(json).keys;
    if (entries.length === 0) keyring = null;
  }
  const refusal =
    options.refuseEnrolment ??
    (enrolledFile
      ? null
      : 'This collector has no data folder, so it cannot keep enrolled keys. Start it with --data-dir.');
  return {
    get source(): ReleaseKeySource {
      return keyring ? 'enrolled' : 'none';
    },
    enrolmentRefusal: refusal,
    current: () => keyring,
    list: () => (keyring ? listKeys(keyring) : []),
    async enrol(body) {
      if (refusal !== null || !enrolledFile) throw refused(refusal ?? '');
      const parsed = publicKeySetSchema.safeParse(body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue?.path.join('.') || '(root)';
        throw new EdgeflowError(
          'INVALID_ARGUMENT',
          `Key enrolment refused at "${where}": ${issue?.message ?? 'not valid'}. Send { "keys": [{ "keyId", "algorithm", "jwk" }] } as exportPublicKey() writes it.`,
          { details: { field: where } },
        );
      }
      if (parsed.data.keys.length === 0)
        throw new EdgeflowError(
          'INVALID_ARGUMENT',
          'Key enrolment refused at "keys": the list is empty; send at least one key.',
          {
            details: { field: 'keys' },
          },
        );
      let imported: TrustedKeyring;
      try {
        imported = await importPublicKeys(parsed.data);
      } catch (error) {
        throw withField(error);
      }
      // Synchronous from here on: a concurrent enrolment cannot interleave between merge and write.
      const known = new Set(entries.map((e) => e.keyId));
      const fresh = parsed.data.keys.filter(
        (e, i, all) => !known.has(e.keyId) && all.findIndex((o) => o.keyId === e.keyId) === i,
      );
      if (fresh.length === 0) return { added: [], keys: keyring ? listKeys(keyring) : [] };
      if (entries.length + fresh.length > MAX_ENROLLED_KEYS)
        throw new EdgeflowError(
          'INVALID_ARGUMENT',
          `Key enrolment refused at "keys": this collector trusts ${entries.length} enrolled key(s) and keeps at most ${MAX_ENROLLED_KEYS}. Remove unused keys from ${enrolledFile} and restart it.`,
          { details: { field: 'keys', trusted: entries.length, max: MAX_ENROLLED_KEYS } },
        );
      const nextEntries = [
        ...entries,
        ...fresh.map((e) => ({ keyId: e.keyId, algorithm: e.algorithm, jwk: publicParts(e.jwk) })),
      ];
      writeAtomically(enrolledFile, `${JSON.stringify({ keys: nextEntries }, null, 2)}\n`);
      const merged = new Map(keyring?.keys ?? []);
      for (const e of fresh) {
        const key = imported.keys.get(e.keyId);
        if (key) merged.set(e.keyId, key);
      }
      entries = nextEntries;
      keyring = { kind: 'edgeflow-keyring', keys: merged };
      return { added: fresh.map((e) => e.keyId), keys: listKeys(keyring) };
    },
  };
}

function keysFileRefusal(keysFile: string): string {
  return `This collector's release keys are managed by its operator (--release-keys-file ${keysFile}), so keys are not enrolled over HTTP. Add the key's entry (from exportPublicKey) to that file and restart the collector.`;
}

function refused(message: string): EdgeflowError {
  return new EdgeflowError('FORBIDDEN', message);
}

/** Only the public members of a JWK are kept on disk. */
function publicParts(jwk: PublicKeyEntry['jwk']): PublicKeyEntry['jwk'] {
  const { kty, crv, x, y } = jwk;
  return y === undefined ? { kty, crv, x } : { kty, crv, x, y };
}

function listKeys(keyring: TrustedKeyring): { keyId: string; algorithm: SignatureAlgorithm }[] {
  return [...keyring.keys.values()].map((k) => ({ keyId: k.keyId, algorithm: k.algorithm }));
}

function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.tmp-${randomBytes(8).toString('hex')}`;
  try {
    writeFileSync(tmp, text, { mode: 0o644 });
    renameSync(tmp, path);
  } catch (cause) {
    rmSync(tmp, { force: true });
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `Cannot write the enrolled release keys to "${path}": ${(cause as Error).message}. Check that --data-dir is writable.`,
      {
        cause,
      },
    );
  }
}

/** True when a Host header names this machine (localhost, 127.0.0.0/8, ::1). */
function isLoopbackHostHeader(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : (host.split(':')[0] ?? '');
  return name === 'localhost' || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/**
 * Adds `GET /api/release-keys` (trusted key ids and algorithms) and `POST /api/release-keys`
 * (enrolment) to the app; the app's `/api/*` middleware checks the admin credential first, which
 * without an admin token means loopback clients only.
 */
export function mountReleaseKeyRoutes<E extends object>(
  app: Hono<E & { Bindings: object }>,
  keyring: ReleaseKeyring,
): void {
  app.get('/api/release-keys', (c) =>
    c.json({
      source: keyring.source,
      enrolment: keyring.enrolmentRefusal === null ? 'loopback' : 'refused',
      keys: keyring.list(),
    }),
  );
  app.post(
    '/api/release-keys',
    bodyLimit({
      maxSize: MAX_ENROLMENT_BODY_BYTES,
      onError: () => {
        throw new EdgeflowError(
          'PAYLOAD_TOO_LARGE',
          `A key enrolment body is limited to ${MAX_ENROLMENT_BODY_BYTES} bytes.`,
        );
      },
    }),
    async (c) => {
      if (keyring.enrolmentRefusal !== null) throw refused(keyring.enrolmentRefusal);
      // A web page on another origin can make the browser send a "simple" POST to 127.0.0.1 without
      // a CORS preflight; requiring application/json forces the preflight, which fails unless the
      // origin is allowed. A Host other than loopback means DNS rebinding: refuse it too.
      if (!isLoopbackHostHeader(c.req.header('host')))
        throw refused(
          `Keys are enrolled only through a loopback address (Host "${(c.req.header('host') ?? '').slice(0, 80)}" is not one). Use http://localhost or http://127.0.0.1.`,
        );
      const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if (type !== 'application/json')
        throw new EdgeflowError(
          'UNSUPPORTED_MEDIA_TYPE',
          'Send the keys as application/json: { "keys": [{ "keyId", "algorithm", "jwk" }] }.',
        );
      let body: unknown;
      try {
        body = JSON.parse(await c.req.text());
      } catch (cause) {
        throw new EdgeflowError(
          'PARSE_ERROR',
          `The key enrolment body is not JSON: ${(cause as Error).message}.`,
          {
            cause,
          },
        );
      }
      const result = await keyring.enrol(body);
      return c.json(result, result.added.length > 0 ? 201 : 200);
    },
  );
}
