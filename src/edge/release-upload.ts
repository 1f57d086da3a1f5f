// Uploads a built release and a channel document to the edgeflow collector (admin credential):
// `POST /api/releases` (multipart: the signed manifest + one part per file) and
// `PUT /api/models/:model/channels/:channel`; enrols a signing key with `POST /api/release-keys`.
import { EdgeflowError, type EdgeflowErrorCode } from '../errors.ts';
import { exportPublicKey } from '../release/keys.ts';
import type { SigningKey } from '../release/types.ts';
import type { PublicKeyEntry } from '../schemas/release.ts';
import type { FetchLike } from './bounded-download.ts';
import type { BuiltRelease } from './release-builder.ts';

/** Where and as whom to upload. */
export interface CollectorTarget {
  /** The collector's origin, e.g. `http://localhost:4318`. */
  readonly url: string;
  /** The admin API key (sent as `Authorization: Bearer …`). */
  readonly token?: string;
  readonly fetch?: FetchLike;
}

const STATUS_CODES: Readonly<Record<number, EdgeflowErrorCode>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'VERSION_CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'OVERLOADED',
};

async function send(
  target: CollectorTarget,
  method: string,
  path: string,
  body: BodyInit,
  contentType?: string,
): Promise<unknown> {
  const url = `${target.url.replace(/\/+$/, '')}${path}`;
  const headers: Record<string, string> = {};
  if (target.token !== undefined) headers.authorization = `Bearer ${target.token}`;
  if (contentType !== undefined) headers['content-type'] = contentType;
  let response: Response;
  try {
    response = await (target.fetch ?? fetch)(url, { method, headers, body });
  } catch (cause) {
    throw new EdgeflowError(
      'NETWORK_ERROR',
      `${method} ${url} failed: ${cause instanceof Error ? cause.message : String(cause)}. Is the collector running?`,
      { cause, details: { url } },
    );
  }
  if (response.ok) {
    if ((response.headers.get('content-type') ?? '').includes('json'))
      return await response.json().catch(() => undefined);
    await response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  let message = '';
  let code: string | undefined;
  let latest: number | undefined;
  try {
    const json = (await response.json()) as {
      error?: { code?: string; message?: string; details?: { latest?: unknown } };
      code?: string;
      message?: string;
    };
    message = json.error?.message ?? json.message ?? '';
    code = json.error?.code ?? json.code;
    if (typeof json.error?.details?.latest === 'number') latest = json.error.details.latest;
  } catch {
    // Not JSON: the status says enough.
  }
  const mapped = (code as EdgeflowErrorCode | undefined) ?? STATUS_CODES[response.status] ?? 'NETWORK_ERROR';
  const said = message.replace(/\.+$/, '');
  throw new EdgeflowError(mapped, `${method} ${url} answered ${response.status}${said ? `: ${said}` : ''}.`, {
    // `latest`: the collector's highest release of the model, when it says (a 409 on upload).
    details: { url, status: response.status, ...(latest === undefined ? {} : { latest }) },
  });
}

/**
 * Uploads a release: part `manifest` is the signed manifest text, then one part per file named by its
 * path. The collector verifies everything and refuses a release number it does not find higher (409).
 *
 * @throws {EdgeflowError} the collector's code (`VERSION_CONFLICT` for 409, `UNAUTHORIZED`,
 *   `SIGNATURE_INVALID`, `INTEGRITY_FAILED`, …) or `NETWORK_ERROR`.
 */
export async function uploadRelease(target: CollectorTarget, release: BuiltRelease): Promise<void> {
  const form = new FormData();
  form.append('manifest', new Blob([release.manifestText], { type: 'application/json' }), 'manifest.json');
  for (const [path, data] of release.files) {
    form.append(path, new Blob([data as BlobPart], { type: 'application/octet-stream' }), path);
  }
  await send(target, 'POST', '/api/releases', form);
}

/**
 * Replaces a channel document on the collector (its sequence must be higher than the current one).
 *
 * @throws {EdgeflowError} the collector's code (`VERSION_CONFLICT` for a stale sequence, …) or `NETWORK_ERROR`.
 */
export async function putChannel(
  target: CollectorTarget,
  model: string,
  channel: string,
  text: string,
): Promise<void> {
  await send(
    target,
    'PUT',
    `/api/models/${encodeURIComponent(model)}/channels/${encodeURIComponent(channel)}`,
    text,
    'application/json',
  );
}

/** What `enrolReleaseKey` did. */
export interface ReleaseKeyEnrolment {
  /** The enrolled key's id. */
  readonly keyId: string;
  /** False when the collector already trusted the key (nothing changed). */
  readonly added: boolean;
}

/**
 * Asks a collector to trust a release signing key (`POST /api/release-keys`), so releases signed
 * with it upload. A collector started without an admin token and without `--release-keys-file`
 * (what `npm start` runs) accepts this from the same machine; enrolling a trusted key again changes
 * nothing. Takes a signing key (only its public half is sent) or an `exportPublicKey` entry.
 *
 * @throws {EdgeflowError} `FORBIDDEN` when the collector does not enrol keys (admin token or an
 *   operator-managed keys file: its message says what to do instead), `INVALID_ARGUMENT` naming a bad
 *   field, `UNAUTHORIZED`, or `NETWORK_ERROR`.
 * @example
 * const key = await generateSigningKey();
 * await enrolReleaseKey({ url: location.origin }, key);
 * await uploadRelease({ url: location.origin }, await buildRelease({ ...input, signingKey: key }));
 */
export async function enrolReleaseKey(
  target: CollectorTarget,
  key: PublicKeyEntry | Pick<SigningKey, 'keyId' | 'algorithm' | 'publicKey'>,
): Promise<ReleaseKeyEnrolment> {
  const entry = 'publicKey' in key ? await exportPublicKey(key) : key;
  const body = JSON.stringify({ keys: [{ keyId: entry.keyId, algorithm: entry.algorithm, jwk: entry.jwk }] });
  const answer = (await send(target, 'POST', '/api/release-keys', body, 'application/json')) as
    | { added?: unknown }
    | undefined;
  const added = Array.isArray(answer?.added) && answer.added.includes(entry.keyId);
  return { keyId: entry.keyId, added };
}
