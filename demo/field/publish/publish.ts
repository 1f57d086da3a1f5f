// Publishing from the lab page: a registered version becomes a signed release on the collector (built
// in a lab worker by `lab.publish`), and is then checked the way an edge client checks it — the
// manifest's signature with the page's public key, its hash against the channel, every file's size
// and SHA-256. Also moves a channel's rollout and rolls a channel back.
import { signal } from '@preact/signals';
import type { Lab } from 'edgeflow';
import {
  buildChannel,
  enrolReleaseKey,
  exportPublicKey,
  type PublicKeySet,
  type PublishResult,
  putChannel,
  type ReleaseManifest,
  type SigningKey,
  verifyChannel,
  verifyReleaseFiles,
  verifyReleaseManifest,
} from 'edgeflow/edge';
import { EdgeflowError } from 'edgeflow/errors';
import { sha256Hex } from 'edgeflow/release';
import { collectorTarget, pageSigningKey } from '../field-state.ts';

/** What checking a published release as an edge client would found. */
export type SignatureStatus =
  | { readonly state: 'verified'; readonly keyId: string }
  | { readonly state: 'failed'; readonly code: string; readonly message: string };

/** A release published from this page (newest last in `publishedState`). */
export interface PublishedRelease extends PublishResult {
  /** Sum of the files' sizes, bytes. */
  readonly totalBytes: number;
  /** The key id the page signed with. */
  readonly keyId: string;
  readonly signature: SignatureStatus;
  /** Epoch ms when the page published it (or last moved its channel). */
  readonly publishedAt: number;
  /** How it came to be: a plain publish, a rollout change of the channel, or a rollback. */
  readonly kind: 'publish' | 'rollout' | 'rollback';
}

/** Releases published (or re-pointed) from this page, oldest first. */
export const publishedState = signal<PublishedRelease[]>([]);

/** Input of `publishFromPage`. */
export interface PublishInput {
  readonly model: string;
  /** A registered version number or an alias (`champion`, `latest`, …). */
  readonly version: number | string;
  readonly channel: string;
  /** Share of devices that take it, 0–100. */
  readonly rolloutPercent: number;
  /** Called with a sentence before each step (for the progress line). */
  readonly onProgress?: (step: string) => void;
}

/** The page's public key set, as an edge client of this page would ship it. */
export async function pagePublicKeys(): Promise<PublicKeySet> {
  return { keys: [await exportPublicKey(await pageSigningKey())] };
}

/** The collector's public release URL of a model (`{origin}/releases/{model}`). */
export function releaseBaseUrl(): string {
  return `${collectorTarget().url.replace(/\/+$/, '')}/releases`;
}

function checkRollout(rolloutPercent: number): void {
  if (!Number.isFinite(rolloutPercent) || rolloutPercent < 0 || rolloutPercent > 100) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `Rollout must be a number from 0 to 100 (percent of devices); got ${rolloutPercent}.`,
      { details: { field: 'rolloutPercent', value: rolloutPercent } },
    );
  }
}

function checkChannelName(channel: string): void {
  if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(channel)) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `Channel "${channel}" is not a valid name: use 1–64 lower-case letters, digits, "-" or "_", starting with a letter or digit (e.g. stable, beta).`,
      { details: { field: 'channel', value: channel } },
    );
  }
}

async function fetchPublic(url: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { cache: 'no-store' });
  } catch (cause) {
    throw new EdgeflowError('NETWORK_ERROR', `GET ${url} failed; is the collector running?`, {
      cause,
      details: { url },
    });
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new EdgeflowError(
      response.status === 404 ? 'NOT_FOUND' : 'NETWORK_ERROR',
      `GET ${url} answered ${response.status}.`,
      { details: { url, status: response.status } },
    );
  }
  return response;
}

/** The exact text of a published release's `manifest.json` on the collector. */
async function fetchManifestText(model: string, release: number): Promise<string> {
  const url = `${releaseBaseUrl()}/${encodeURIComponent(model)}/${release}/manifest.json`;
  return (await fetchPublic(url)).text();
}

/**
 * Checks a published release as an edge client would, over HTTP from the collector's public
 * `/releases` (or `baseUrl`): the channel document's signature and that it names this release and manifest hash,
 * the manifest's signature and hash, and every file's size and SHA-256.
 */
export async function verifyPublishedRelease(
  result: Pick<PublishResult, 'model' | 'release' | 'channel' | 'manifestSha256'>,
  publicKeys: PublicKeySet,
  baseUrl: string = releaseBaseUrl(),
): Promise<SignatureStatus> {
  try {
    const base = `${baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(result.model)}`;
    const manifestText = await (await fetchPublic(`${base}/${result.release}/manifest.json`)).text();
    if ((await sha256Hex(manifestText)) !== result.manifestSha256) {
      throw new EdgeflowError(
        'INTEGRITY_FAILED',
        `The collector serves a manifest for release ${result.release} whose SHA-256 is not the one published.`,
      );
    }
    const { payload: manifest, keyId } = await verifyReleaseManifest(manifestText, publicKeys);
    const files = new Map<string, Uint8Array>();
    await Promise.all(
      manifest.files.map(async (file) => {
        const response = await fetchPublic(`${base}/${result.release}/${file.path}`);
        files.set(file.path, new Uint8Array(await response.arrayBuffer()));
      }),
    );
    await verifyReleaseFiles(manifest, files);
    const channelText = await (
      await fetchPublic(`${base}/channels/${encodeURIComponent(result.channel)}.json`)
    ).text();
    const { payload: channel } = await verifyChannel(channelText, publicKeys);
    // A newer publish may have moved the channel since; only a mismatch on this release is an error.
    if (channel.release === result.release && channel.manifestSha256 !== result.manifestSha256) {
      throw new EdgeflowError(
        'INTEGRITY_FAILED',
        `Channel "${result.channel}" names release ${result.release} with a different manifest hash.`,
      );
    }
    return { state: 'verified', keyId };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return {
      state: 'failed',
      code: typeof code === 'string' ? code : 'UNKNOWN',
      message: error instanceof Error ? error.message : String(error),
    };
  }
}

function record(entry: PublishedRelease): void {
  publishedState.value = [...publishedState.value, entry];
}

function totalBytes(files: PublishResult['files']): number {
  return files.reduce((sum, f) => sum + f.bytes, 0);
}

/**
 * Publishes a registered version to the collector this page came from: signs with the page's key,
 * builds the release in a lab worker (`lab.publish`), then verifies what the collector serves with
 * the page's public key, as an edge client would. The release is added to `publishedState`.
 *
 * @throws {EdgeflowError} `INVALID_ARGUMENT` for a bad channel or rollout; `lab.publish`'s codes
 *   (`MODEL_NOT_FOUND`, `VERSION_NOT_FOUND`, `NETWORK_ERROR`, the collector's `FORBIDDEN`, …).
 * @example
 * const release = await publishFromPage(lab, { model: 'penguins', version: 'champion', channel: 'stable', rolloutPercent: 10 });
 */
/**
 * Asks the collector to trust the page's public key. A collector started as `npm start` starts it
 * (no admin token, no keys file) accepts keys from this machine; one with an operator-managed
 * keyring answers FORBIDDEN (one without enrolment NOT_FOUND), and then the upload itself says
 * whether the key is trusted.
 */
async function trustPageKey(signingKey: SigningKey, onProgress?: (step: string) => void): Promise<void> {
  onProgress?.(`Asking the collector to trust key ${signingKey.keyId}…`);
  try {
    await enrolReleaseKey(collectorTarget(), signingKey);
  } catch (error) {
    // Refused (an operator-managed keyring) or not offered (an older collector): the upload says
    // whether the key is trusted.
    if (!(error instanceof EdgeflowError && (error.code === 'FORBIDDEN' || error.code === 'NOT_FOUND')))
      throw error;
  }
}

export async function publishFromPage(lab: Lab, input: PublishInput): Promise<PublishedRelease> {
  checkChannelName(input.channel);
  checkRollout(input.rolloutPercent);
  input.onProgress?.('Loading the page’s signing key…');
  const signingKey = await pageSigningKey();
  await trustPageKey(signingKey, input.onProgress);
  input.onProgress?.(
    'Building the release in a lab worker (export, golden pairs, signing) and uploading it…',
  );
  const result = await lab.publish(input.model, input.version, {
    channel: input.channel,
    rolloutPercent: input.rolloutPercent,
    signingKey,
    target: { kind: 'collector', collector: collectorTarget() },
  });
  input.onProgress?.('Verifying the published release as an edge client would…');
  const signature = await verifyPublishedRelease(result, await pagePublicKeys());
  const entry: PublishedRelease = {
    ...result,
    totalBytes: totalBytes(result.files),
    keyId: signingKey.keyId,
    signature,
    publishedAt: Date.now(),
    kind: 'publish',
  };
  record(entry);
  return entry;
}

/** Input of `setChannelRollout`. */
export interface ChannelRolloutInput {
  readonly model: string;
  readonly channel: string;
  /** A release already on the collector. */
  readonly release: number;
  readonly rolloutPercent: number;
  readonly onProgress?: (step: string) => void;
}

async function signAndPutChannel(
  signingKey: SigningKey,
  input: { model: string; channel: string; release: number; rolloutPercent: number },
): Promise<{ manifest: ReleaseManifest; manifestSha256: string }> {
  const manifestText = await fetchManifestText(input.model, input.release);
  const manifestSha256 = await sha256Hex(manifestText);
  const { payload: manifest } = await verifyReleaseManifest(manifestText, {
    keys: [await exportPublicKey(signingKey)],
  });
  const doc = await buildChannel({
    model: input.model,
    channel: input.channel,
    release: input.release,
    manifestSha256,
    rolloutPercent: input.rolloutPercent,
    signingKey,
  });
  await putChannel(collectorTarget(), input.model, input.channel, doc.text);
  return { manifest, manifestSha256 };
}

/**
 * Points a channel at an existing release with a new rollout share (e.g. 10 % → 100 %): a new
 * channel document signed with the page's key. Devices already on the release stay; raising the
 * share only adds devices.
 *
 * @throws {EdgeflowError} `INVALID_ARGUMENT`; `NOT_FOUND` when the release is not on the collector;
 *   `SIGNATURE_INVALID`/`UNKNOWN_KEY` when it was not signed by this page's key; the collector's codes.
 */
export async function setChannelRollout(_lab: Lab, input: ChannelRolloutInput): Promise<PublishedRelease> {
  checkChannelName(input.channel);
  checkRollout(input.rolloutPercent);
  input.onProgress?.(
    `Signing channel "${input.channel}" → release ${input.release} at ${input.rolloutPercent} %…`,
  );
  const signingKey = await pageSigningKey();
  const { manifest, manifestSha256 } = await signAndPutChannel(signingKey, input);
  input.onProgress?.('Verifying the channel as an edge client would…');
  const base = { model: input.model, release: input.release, channel: input.channel, manifestSha256 };
  const signature = await verifyPublishedRelease(base, await pagePublicKeys());
  const entry: PublishedRelease = {
    ...base,
    version: manifest.version,
    rolloutPercent: input.rolloutPercent,
    files: manifest.files,
    golden: manifest.golden.length,
    totalBytes: totalBytes(manifest.files),
    keyId: signingKey.keyId,
    signature,
    publishedAt: Date.now(),
    kind: 'rollout',
  };
  record(entry);
  return entry;
}

/** What the collector says of a model's releases and channels (`GET /api/fleet`). */
export interface HostedReleases {
  readonly releases: readonly number[];
  readonly channels: Readonly<Record<string, { release: number; rolloutPercent: number }>>;
}

/**
 * The releases and channels the collector hosts for a model (null when it hosts none).
 *
 * @throws {EdgeflowError} `NETWORK_ERROR`, or the collector's status code (403 off loopback).
 */
export async function hostedReleases(model: string): Promise<HostedReleases | null> {
  const url = `${collectorTarget().url.replace(/\/+$/, '')}/api/fleet?window=1h`;
  let response: Response;
  try {
    response = await fetch(url, { cache: 'no-store' });
  } catch (cause) {
    throw new EdgeflowError('NETWORK_ERROR', `GET ${url} failed; is the collector running?`, { cause });
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new EdgeflowError(
      response.status === 403 ? 'FORBIDDEN' : response.status === 401 ? 'UNAUTHORIZED' : 'NETWORK_ERROR',
      `GET ${url} answered ${response.status}.`,
      { details: { url, status: response.status } },
    );
  }
  const body = (await response.json()) as { releases?: ({ model?: string } & HostedReleases)[] };
  const found = body.releases?.find((r) => r.model === model);
  return found ? { releases: found.releases, channels: found.channels } : null;
}

/** Input of `rollbackChannel`. */
export interface RollbackInput {
  readonly model: string;
  readonly channel: string;
  readonly onProgress?: (step: string) => void;
}

/**
 * Rolls a channel back to the model version of its previous release. Release numbers only grow and
 * devices refuse a lower one (`RELEASE_DOWNGRADE`, the anti-rollback rule), so pointing the channel
 * at the old number would strand every device that already took the new one. Instead the previous
 * release's registry version is published again as the next release number, at 100 %, so every
 * device moves back to the old model.
 *
 * @throws {EdgeflowError} `NOT_FOUND` when the channel has no earlier release of another version;
 *   `VERSION_NOT_FOUND` when that version is no longer in this page's registry; the publish codes.
 */
export async function rollbackChannel(lab: Lab, input: RollbackInput): Promise<PublishedRelease> {
  input.onProgress?.(`Reading channel "${input.channel}" from the collector…`);
  const hosted = await hostedReleases(input.model);
  const current = hosted?.channels[input.channel];
  if (!hosted || !current) {
    throw new EdgeflowError(
      'NOT_FOUND',
      `Channel "${input.channel}" of ${input.model} is not on the collector; publish to it first.`,
      { details: { model: input.model, channel: input.channel } },
    );
  }
  const keys = await pagePublicKeys();
  const versionOf = async (release: number): Promise<number> =>
    (await verifyReleaseManifest(await fetchManifestText(input.model, release), keys)).payload.version;
  const fromVersion = await versionOf(current.release);
  const earlier = [...hosted.releases].filter((r) => r < current.release).sort((a, b) => b - a);
  let target: { release: number; version: number } | null = null;
  for (const release of earlier) {
    const version = await versionOf(release).catch(() => null);
    if (version !== null && version !== fromVersion) {
      target = { release, version };
      break;
    }
  }
  if (target === null) {
    throw new EdgeflowError(
      'NOT_FOUND',
      `Channel "${input.channel}" has no earlier release of ${input.model} with another model version (it serves version ${fromVersion} in release ${current.release}); nothing to roll back to.`,
      { details: { model: input.model, channel: input.channel, release: current.release } },
    );
  }
  input.onProgress?.(
    `Publishing version ${target.version} (of release ${target.release}) again as a new release at 100 %…`,
  );
  const entry = await publishFromPage(lab, {
    model: input.model,
    version: target.version,
    channel: input.channel,
    rolloutPercent: 100,
    ...(input.onProgress ? { onProgress: input.onProgress } : {}),
  });
  const rolledBack: PublishedRelease = { ...entry, kind: 'rollback' };
  publishedState.value = publishedState.value.map((r) => (r === entry ? rolledBack : r));
  return rolledBack;
}
