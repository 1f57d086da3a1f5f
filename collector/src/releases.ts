// Release hosting: signed releases and channel documents on disk under `<data-dir>/releases`, in the
// release contract's static layout (`{model}/{release}/…`, `{model}/channels/{channel}.json`), so the
// same folder can be copied to any CDN or object store. Uploads are verified (signature by a trusted
// key, every file's size and SHA-256, a release number above every earlier one) before anything is
// written, written into a temporary folder and renamed into place: nothing half-uploaded is served.
import { randomBytes } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { EdgeflowError } from 'edgeflow/errors';
import {
  type ChannelDocument,
  type ReleaseManifest,
  sha256Hex,
  type TrustedKeyring,
  verifyChannel,
  verifyReleaseFiles,
  verifyReleaseManifest,
} from 'edgeflow/release';
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { openReleaseKeyring, type ReleaseKeyring } from './release-keys.ts';

const MODEL_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const CHANNEL_RE = /^[A-Za-z][A-Za-z0-9._-]{0,63}$/;

/** A file a release serves. */
interface HostedFile {
  path: string;
  sha256: string;
  bytes: number;
}

/** What the fleet view shows about a model's releases. */
export interface ReleaseSummary {
  model: string;
  releases: number[];
  channels: Record<string, { release: number; rolloutPercent: number; sequence: number; updatedAt: number }>;
}

/** The release folder and its index. */
export interface ReleaseStore {
  readonly dir: string;
  /** The trusted signing keys (and whether more may be enrolled). */
  readonly keyring: ReleaseKeyring;
  /** False without trusted keys: uploads are refused. */
  readonly canPublish: boolean;
  summary(): ReleaseSummary[];
  /**
   * Verifies and publishes a release.
   *
   * @throws EdgeflowError `FORBIDDEN` (no trusted keys), `SIGNATURE_INVALID`/`UNKNOWN_KEY`
   *   (signature), `RELEASE_EXPIRED`, `PARSE_ERROR` (manifest shape), `INTEGRITY_FAILED` (a file's
   *   size or hash, a missing or extra file), `INVALID_ARGUMENT` (an unsafe file path),
   *   `RELEASE_DOWNGRADE` (release number not above every earlier one).
   */
  publish(
    manifestText: string,
    files: ReadonlyMap<string, Uint8Array>,
  ): Promise<{ model: string; release: number }>;
  /**
   * Verifies and replaces a channel document.
   *
   * @throws EdgeflowError as `publish` for signatures, `INVALID_ARGUMENT` when it names another
   *   model or channel, `NOT_FOUND` for an unknown release, `INTEGRITY_FAILED` when `manifestSha256`
   *   does not match the release's manifest, `VERSION_CONFLICT` for a sequence not above the current one.
   */
  setChannel(model: string, channel: string, envelopeText: string): Promise<ChannelDocument>;
  file(model: string, release: number, path: string): (HostedFile & { abs: string }) | null;
  channel(model: string, channel: string): { abs: string; sha256: string; bytes: number } | null;
}

interface ModelIndex {
  releases: Map<number, Map<string, HostedFile>>;
  channels: Map<string, { sha256: string; bytes: number; doc: ChannelDocument }>;
}

function safeFilePath(path: string): boolean {
  return (
    path.length > 0 &&
    path.length <= 512 &&
    /^[A-Za-z0-9._/-]+$/.test(path) &&
    !path.startsWith('/') &&
    path.split('/').every((part) => part !== '' && part !== '.' && part !== '..') &&
    path !== 'manifest.json'
  );
}

function parsePayload<T>(envelopeText: string): T {
  return JSON.parse((JSON.parse(envelopeText) as { payload: string }).payload) as T;
}

/**
 * Opens (creating) the release folder and indexes what is published there.
 *
 * @throws EdgeflowError `INVALID_ARGUMENT` when the folder cannot be created or the key file is
 *   unreadable or not a public key set.
 */
export async function openReleaseStore(options: {
  dir: string;
  keysFile?: string;
  /** The trusted keys (wins over `keysFile`); read on every upload, so enrolled keys count at once. */
  keyring?: ReleaseKeyring;
}): Promise<ReleaseStore> {
  const dir = resolve(options.dir);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (cause) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `Cannot create the release folder "${dir}": ${(cause as Error).message}. Pass --data-dir with a writable folder.`,
      { cause },
    );
  }
  const keyring =
    options.keyring ?? (await openReleaseKeyring(options.keysFile ? { keysFile: options.keysFile } : {}));
  const models = new Map<string, ModelIndex>();
  const indexOf = (model: string): ModelIndex => {
    let index = models.get(model);
    if (!index) {
      index = { releases: new Map(), channels: new Map() };
      models.set(model, index);
    }
    return index;
  };
  // Index what an earlier run published; leftovers of interrupted uploads (.tmp-*) are removed.
  for (const model of readdirSync(dir)) {
    if (!MODEL_RE.test(model) || !statSync(join(dir, model)).isDirectory()) continue;
    for (const entry of readdirSync(join(dir, model))) {
      const path = join(dir, model, entry);
      if (entry.startsWith('.tmp-')) rmSync(path, { recursive: true, force: true });
      else if (/^[1-9]\d*$/.test(entry) && existsSync(join(path, 'manifest.json'))) {
        const text = readFileSync(join(path, 'manifest.json'), 'utf8');
        const manifest = parsePayload<ReleaseManifest>(text);
        indexOf(model).releases.set(Number(entry), await hostedFiles(manifest, text));
      } else if (entry === 'channels') {
        for (const name of readdirSync(path)) {
          if (!name.endsWith('.json') || !CHANNEL_RE.test(name.slice(0, -5))) continue;
          const bytes = readFileSync(join(path, name));
          indexOf(model).channels.set(name.slice(0, -5), {
            sha256: await sha256Hex(bytes),
            bytes: bytes.length,
            doc: parsePayload<ChannelDocument>(bytes.toString('utf8')),
          });
        }
      }
    }
  }

  const requireKeys = (): TrustedKeyring => {
    const current = keyring.current();
    if (!current)
      throw new EdgeflowError(
        'FORBIDDEN',
        keyring.enrolmentRefusal === null
          ? 'This collector has no trusted release keys yet, so it refuses uploads. Enrol the signing key first: POST its exportPublicKey() entry as { "keys": [...] } to /api/release-keys from this machine (enrolReleaseKey in edgeflow/edge), or start the collector with --release-keys-file.'
          : 'This collector has no trusted release keys, so it refuses uploads. Start it with --release-keys-file.',
      );
    return current;
  };
  const maxRelease = (model: string): number => Math.max(0, ...(models.get(model)?.releases.keys() ?? []));

  return {
    dir,
    keyring,
    get canPublish() {
      return keyring.current() !== null;
    },
    summary() {
      return [...models.entries()]
        .sort((a, b) => a[0].localeCompare(b[0]))
        .map(([model, index]) => ({
          model,
          releases: [...index.releases.keys()].sort((a, b) => a - b),
          channels: Object.fromEntries(
            [...index.channels.entries()].map(([name, c]) => [
              name,
              {
                release: c.doc.release,
                rolloutPercent: c.doc.rolloutPercent,
                sequence: c.doc.sequence,
                updatedAt: c.doc.updatedAt,
              },
            ]),
          ),
        }));
    },
    async publish(manifestText, files) {
      const { payload: manifest } = await verifyReleaseManifest(manifestText, requireKeys());
      for (const path of files.keys())
        if (!safeFilePath(path))
          throw new EdgeflowError(
            'INVALID_ARGUMENT',
            `File path "${path.slice(0, 80)}" is not allowed: use relative paths of letters, digits, ".", "_", "-" and "/".`,
            {
              details: { path },
            },
          );
      const check = (): void => {
        const highest = maxRelease(manifest.model);
        if (manifest.release <= highest)
          throw new EdgeflowError(
            'RELEASE_DOWNGRADE',
            `Release ${manifest.release} of "${manifest.model}" is not above the latest published release ${highest}; release numbers only grow. Publish it as ${highest + 1} or later.`,
            { details: { model: manifest.model, release: manifest.release, latest: highest } },
          );
      };
      check();
      await verifyReleaseFiles(manifest, files);
      const hosted = await hostedFiles(manifest, manifestText);
      // From here on everything is synchronous, so no other upload interleaves between the check and the rename.
      check();
      const modelDir = join(dir, manifest.model);
      const tmp = join(modelDir, `.tmp-${randomBytes(8).toString('hex')}`);
      try {
        mkdirSync(tmp, { recursive: true });
        for (const [path, bytes] of files) {
          mkdirSync(dirname(join(tmp, path)), { recursive: true });
          writeFileSync(join(tmp, path), bytes);
        }
        writeFileSync(join(tmp, 'manifest.json'), manifestText);
        renameSync(tmp, join(modelDir, String(manifest.release)));
      } catch (error) {
        rmSync(tmp, { recursive: true, force: true });
        throw error;
      }
      indexOf(manifest.model).releases.set(manifest.release, hosted);
      return { model: manifest.model, release: manifest.release };
    },
    async setChannel(model, channel, envelopeText) {
      const { payload: doc } = await verifyChannel(envelopeText, requireKeys());
      if (doc.model !== model || doc.channel !== channel)
        throw new EdgeflowError(
          'INVALID_ARGUMENT',
          `The document is for ${doc.model}/${doc.channel} but was sent to ${model}/${channel}.`,
        );
      const release = models.get(model)?.releases.get(doc.release);
      if (!release)
        throw new EdgeflowError(
          'NOT_FOUND',
          `Release ${doc.release} of "${model}" is not published here; publish it before pointing a channel at it.`,
        );
      const manifest = release.get('manifest.json');
      if (manifest?.sha256 !== doc.manifestSha256)
        throw new EdgeflowError(
          'INTEGRITY_FAILED',
          `The channel names manifest SHA-256 ${doc.manifestSha256}, but release ${doc.release}'s manifest.json is ${manifest?.sha256}.`,
          { details: { path: 'manifest.json' } },
        );
      const current = models.get(model)?.channels.get(channel);
      if (current && doc.sequence <= current.doc.sequence)
        throw new EdgeflowError(
          'VERSION_CONFLICT',
          `Channel "${channel}" is at sequence ${current.doc.sequence}; a change needs a higher sequence (got ${doc.sequence}).`,
          { details: { current: current.doc.sequence, sequence: doc.sequence } },
        );
      const channelsDir = join(dir, model, 'channels');
      mkdirSync(channelsDir, { recursive: true });
      const tmp = join(channelsDir, `.tmp-${randomBytes(8).toString('hex')}`);
      writeFileSync(tmp, envelopeText);
      renameSync(tmp, join(channelsDir, `${channel}.json`));
      const bytes = Buffer.byteLength(envelopeText);
      indexOf(model).channels.set(channel, { sha256: await sha256Hex(envelopeText), bytes, doc });
      return doc;
    },
    file(model, release, path) {
      const hit = models.get(model)?.releases.get(release)?.get(path);
      if (!hit) return null;
      const abs = join(dir, model, String(release), path);
      return abs.startsWith(dir + sep) ? { ...hit, abs } : null;
    },
    channel(model, channel) {
      const hit = models.get(model)?.channels.get(channel);
      return hit
        ? { abs: join(dir, model, 'channels', `${channel}.json`), sha256: hit.sha256, bytes: hit.bytes }
        : null;
    },
  };
}

async function hostedFiles(
  manifest: ReleaseManifest,
  manifestText: string,
): Promise<Map<string, HostedFile>> {
  const files = new Map<string, HostedFile>();
  for (const f of manifest.files) files.set(f.path, { path: f.path, sha256: f.sha256, bytes: f.bytes });
  files.set('manifest.json', {
    path: 'manifest.json',
    sha256: await sha256Hex(manifestText),
    bytes: Buffer.byteLength(manifestText),
  });
  return files;
}

function contentType(path: string): string {
  return path.endsWith('.json') ? 'application/json' : 'application/octet-stream';
}

/** Serves one file with a strong ETag, 304 on If-None-Match and single byte ranges (RFC 9110 §14). */
function serveFile(
  c: Context,
  file: { abs: string; sha256: string; bytes: number },
  cacheControl: string,
  type: string,
): Response {
  const etag = `"${file.sha256}"`;
  const headers: Record<string, string> = {
    ETag: etag,
    'Cache-Control': cacheControl,
    'Accept-Ranges': 'bytes',
    'Content-Type': type,
  };
  const ifNoneMatch = c.req.header('if-none-match');
  if (
    ifNoneMatch &&
    (ifNoneMatch.trim() === '*' || ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag))
  )
    return new Response(null, { status: 304, headers: { ETag: etag, 'Cache-Control': cacheControl } });
  let start = 0;
  let end = file.bytes - 1;
  let status = 200;
  const range = c.req.header('range');
  const ifRange = c.req.header('if-range');
  if (range && (!ifRange || ifRange.trim() === etag)) {
    const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
    const first = match?.[1] ?? '';
    const last = match?.[2] ?? '';
    if (match && (first !== '' || last !== '')) {
      if (first === '') {
        start = Math.max(0, file.bytes - Number(last));
      } else {
        start = Number(first);
        if (last !== '') end = Math.min(end, Number(last));
      }
      if (start > end || start >= file.bytes)
        return new Response(null, {
          status: 416,
          headers: { 'Content-Range': `bytes */${file.bytes}`, ETag: etag },
        });
      status = 206;
      headers['Content-Range'] = `bytes ${start}-${end}/${file.bytes}`;
    }
  }
  headers['Content-Length'] = String(file.bytes === 0 ? 0 : end - start + 1);
  if (c.req.method === 'HEAD' || file.bytes === 0) return new Response(null, { status, headers });
  const stream = Readable.toWeb(createReadStream(file.abs, { start, end })) as ReadableStream<Uint8Array>;
  return new Response(stream, { status, headers });
}

/**
 * Adds the release routes to the app: public GETs under `/releases/`, and the admin uploads
 * `POST /api/releases` and `PUT /api/models/:model/channels/:channel` (the app's `/api/*`
 * middleware checks the admin credential first).
 */
export function mountReleaseRoutes<E extends object>(
  app: Hono<E & { Bindings: object }>,
  store: ReleaseStore,
  maxUploadBytes = 512 * 1024 * 1024,
): void {
  const limit = bodyLimit({
    maxSize: maxUploadBytes,
    onError: () => {
      throw new EdgeflowError('PAYLOAD_TOO_LARGE', `A release upload is limited to ${maxUploadBytes} bytes.`);
    },
  });
  app.post('/api/releases', limit, async (c) => {
    const type = c.req.header('content-type') ?? '';
    if (!type.toLowerCase().startsWith('multipart/form-data'))
      throw new EdgeflowError(
        'UNSUPPORTED_MEDIA_TYPE',
        'Upload a release as multipart/form-data: a "manifest" part and one part per file, named by its path.',
      );
    let form: FormData;
    try {
      form = await c.req.formData();
    } catch (cause) {
      throw new EdgeflowError('PARSE_ERROR', 'The multipart body could not be read.', { cause });
    }
    const manifestPart = form.get('manifest');
    if (manifestPart === null)
      throw new EdgeflowError(
        'INVALID_ARGUMENT',
        'The upload has no "manifest" part (the signed manifest envelope).',
      );
    const manifestText = typeof manifestPart === 'string' ? manifestPart : await manifestPart.text();
    const parts: [string, FormDataEntryValue][] = [];
    form.forEach((value, name) => {
      parts.push([name, value]);
    });
    const files = new Map<string, Uint8Array>();
    for (const [name, value] of parts) {
      if (name === 'manifest') continue;
      if (files.has(name)) throw new EdgeflowError('INVALID_ARGUMENT', `File "${name}" is uploaded twice.`);
      files.set(
        name,
        typeof value === 'string'
          ? new TextEncoder().encode(value)
          : new Uint8Array(await value.arrayBuffer()),
      );
    }
    const published = await store.publish(manifestText, files);
    return c.json({ ...published, url: `/releases/${published.model}/${published.release}/` }, 201);
  });
  app.put('/api/models/:model/channels/:channel', limit, async (c) => {
    const doc = await store.setChannel(c.req.param('model'), c.req.param('channel'), await c.req.text());
    return c.json({
      model: doc.model,
      channel: doc.channel,
      release: doc.release,
      sequence: doc.sequence,
      rolloutPercent: doc.rolloutPercent,
    });
  });
  app.get('/releases/:model/channels/:file', (c) => {
    const name = c.req.param('file');
    const hit = name.endsWith('.json') ? store.channel(c.req.param('model'), name.slice(0, -5)) : null;
    if (!hit) throw new EdgeflowError('NOT_FOUND', `No channel document at ${c.req.path}.`);
    return serveFile(c, hit, 'no-cache', 'application/json');
  });
  app.get('/releases/:model/:release/:path{.+}', (c) => {
    const release = Number(c.req.param('release'));
    const path = c.req.param('path');
    const hit = Number.isSafeInteger(release) ? store.file(c.req.param('model'), release, path) : null;
    if (!hit) throw new EdgeflowError('NOT_FOUND', `No release file at ${c.req.path}.`);
    return serveFile(c, hit, 'public, max-age=31536000, immutable', contentType(path));
  });
}
