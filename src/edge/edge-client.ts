// The edge client: polls a signed channel, downloads and verifies a release before storing it, runs
// its golden pairs on this device, activates it atomically and rolls back when it misbehaves.
import { EdgeflowError, isEdgeflowError, toEdgeflowError } from '../errors.ts';
import type { Predictor } from '../monitor/types.ts';
import { IndexedDbModelStore } from '../registry/indexeddb-store.ts';
import type { Registry } from '../registry/registry.ts';
import type { ModelStore } from '../registry/types.ts';
import {
  type ChannelDocument,
  importPublicKeys,
  type ReleaseManifest,
  rolloutBucket,
  sha256Hex,
  type TrustedKeyring,
  verifyChannel,
  verifyReleaseFiles,
  verifyReleaseManifest,
} from '../release/index.ts';
import { activateBackend } from '../runtime/backends.ts';
import type { ModelVersion } from '../schemas/registry.ts';
import {
  type FetchLike,
  fetchOrFail,
  HttpStatusError,
  parseRetryAfter,
  readBounded,
} from './bounded-download.ts';
import { readClientState, writeClientTags } from './client-state.ts';
import { checkGoldenPairs } from './golden.ts';
import { RELEASE_METRIC_KEY, releaseToImportFiles, storedManifest } from './release-import.ts';
import { loadStoredPredictor } from './stored-model-loader.ts';
import type {
  ActiveRelease,
  EdgeClientEvent,
  EdgeClientEventType,
  EdgeClientOptions,
  EdgePredictor,
  EdgePredictorFactory,
  ExpectedColumn,
  UpdateOutcome,
} from './types.ts';

/** The largest `manifest.json` or channel document the client reads (4 MiB). */
export const MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;

/** The edge client (see `createEdgeClient`). */
export interface EdgeClient<P extends EdgePredictor = Predictor> {
  readonly model: string;
  readonly channel: string;
  /** The install id the rollout bucket is computed from. */
  readonly installId: string;
  /** The release in use now (null before the first activation). */
  active(): ActiveRelease | null;
  /**
   * Checks the channel once and, when it names a new release this device is in the rollout for,
   * downloads, verifies, stores, golden-checks and activates it.
   * @throws {EdgeflowError} the refusal codes (the active version stays): `SIGNATURE_INVALID`,
   *   `UNKNOWN_KEY`, `INTEGRITY_FAILED`, `RELEASE_DOWNGRADE`, `RELEASE_EXPIRED`, `SCHEMA_MISMATCH`,
   *   `QUOTA_EXCEEDED`, `GOLDEN_CHECK_FAILED`; `NETWORK_ERROR` / `NOT_FOUND` when the host fails.
   */
  checkForUpdate(): Promise<UpdateOutcome>;
  /** Polls in the background (interval, exponential backoff with jitter, `Retry-After`). */
  start(): void;
  /** Stops polling. */
  stop(): void;
  /**
   * The Predictor of the active release (one per release; the previous one is disposed on switch).
   * @throws {EdgeflowError} `MODEL_NOT_FOUND` before any release is active.
   */
  predictor(): Promise<P>;
  /** Reports one run of the model by the app (`ok: false` for a crash); over the threshold → rollback. */
  reportHealth(ok: boolean): Promise<void>;
  /** Rolls back to the previous release now. @throws {EdgeflowError} `VERSION_NOT_FOUND` when there is none. */
  rollback(reason: string): Promise<void>;
  /** Listens to one event type; returns an unsubscribe function. */
  on<T extends EdgeClientEventType>(
    type: T,
    listener: (event: Extract<EdgeClientEvent, { type: T }>) => void,
  ): () => void;
  /** Stops polling, disposes the predictor and closes the store. */
  close(): Promise<void>;
}

/** The IndexedDB database the edge client keeps its releases in (apart from a lab's registry). */
export const EDGE_DB_NAME = 'edgeflow-edge';

function defaultStore(): ModelStore | undefined {
  // IndexedDB where the realm has it (pages and workers), read when called; undefined means memory
  // (Node without a file-system store).
  if (typeof (globalThis as { indexedDB?: unknown }).indexedDB === 'undefined') return undefined;
  return new IndexedDbModelStore({ name: EDGE_DB_NAME });
}

function signatureColumns(signature: unknown): ExpectedColumn[] | null {
  const columns = Array.isArray(signature)
    ? signature
    : signature !== null &&
        typeof signature === 'object' &&
        Array.isArray((signature as { columns?: unknown }).columns)
      ? (signature as { columns: unknown[] }).columns
      : null;
  if (columns === null) return null;
  return columns.map((c) => ({
    name: String((c as { name?: unknown }).name),
    type: String((c as { type?: unknown }).type),
  }));
}

function checkExpectedSignature(
  manifest: ReleaseManifest,
  expected: readonly ExpectedColumn[] | undefined,
): void {
  if (expected === undefined) return;
  const actual = signatureColumns(manifest.signature);
  const describe = (cols: readonly ExpectedColumn[]) => cols.map((c) => `${c.name}:${c.type}`).join(', ');
  const same =
    actual !== null &&
    actual.length === expected.length &&
    expected.every((e) => actual.some((a) => a.name === e.name && a.type === e.type));
  if (!same) {
    throw new EdgeflowError(
      'SCHEMA_MISMATCH',
      `Release ${manifest.release} of ${manifest.model} expects inputs [${actual === null ? 'none listed' : describe(actual)}] but this app sends [${describe(expected)}]. Ship an app update or publish a model for these inputs.`,
      {
        details: {
          release: manifest.release,
          expected: describe(expected),
          actual: actual === null ? null : describe(actual),
        },
      },
    );
  }
}

/** A view of an opened store whose `open` does nothing, so the registry made on it later does not reopen it. */
function alreadyOpen(store: ModelStore): ModelStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'open') return async () => undefined;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function withLock<T>(name: string, work: () => Promise<T>): Promise<T> {
  // Web Locks (pages and workers of one origin): two tabs updating at once download once; the second
  // finds the release stored when it gets the lock. Node and old browsers run the work directly.
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  if (locks === undefined) return work();
  return locks.request(name, work) as Promise<T>;
}

/**
 * Creates an edge client for one model and channel. It opens the store, resumes the release stored
 * as active (offline start; a store the browser evicted is detected and downloaded again), and asks
 * for persistent storage on the main thread. Call `checkForUpdate()` or `start()` to poll.
 *
 * @throws {EdgeflowError} `INVALID_ARGUMENT` for bad options or key sets; `STORE_OUTDATED`.
 * @example
 * const client = await createEdgeClient({ baseUrl: 'https://cdn.example/releases', model: 'penguins', channel: 'stable', publicKeys });
 * client.on('activated', (e) => console.log('now on release', e.release));
 * client.start();
 * const results = await (await client.predictor()).predict([{ bill_length_mm: 39.1 }]);
 */
export async function createEdgeClient<P extends EdgePredictor = Predictor>(
  options: EdgeClientOptions<P>,
): Promise<EdgeClient<P>> {
  for (const field of ['baseUrl', 'model', 'channel'] as const) {
    if (typeof options[field] !== 'string' || options[field].length === 0) {
      throw new EdgeflowError('INVALID_ARGUMENT', `createEdgeClient needs ${field} (a non-empty string).`, {
        details: { field },
      });
    }
  }
  const now = options.now ?? (() => Date.now());
  const random = options.random ?? Math.random;
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const base = options.baseUrl.replace(/\/+$/, '');
  const { model, channel } = options;
  // The memory store and the registry are loaded on demand (dynamic imports): an app's start-up
  // bundle holds only what a cold start runs (store, state, loader, Predictor); the registry with its
  // export, import and zip code comes with the first update.
  const store =
    options.store ?? defaultStore() ?? new (await import('../registry/memory-store.ts')).MemoryModelStore();
  // Cold start: the keys are imported while the store opens and the client's state is read (the
  // model record and its aliases, requested together). The registry (a session lock, a sweep of
  // interrupted runs) is only made when something writes or a custom factory asks for it.
  const importing = importPublicKeys(options.publicKeys);
  // A named backend starts initialising now, alongside the reads (wasm and webgpu take a while); the
  // Predictor's own activation joins it, and a failure surfaces there.
  if (options.backend !== undefined) void activateBackend(options.backend).catch(() => undefined);
  const opening = store.open().then(() => readClientState(store, model));
  const [imported, opened] = await Promise.allSettled([importing, opening]);
  if (imported.status === 'rejected' || opened.status === 'rejected') {
    if (opened.status === 'fulfilled') await store.close().catch(() => undefined);
    throw imported.status === 'rejected' ? imported.reason : (opened as PromiseRejectedResult).reason;
  }
  const keys: TrustedKeyring = imported.value;
  let registryPromise: Promise<Registry> | null = null;
  const getRegistry = (): Promise<Registry> => {
    if (registryPromise === null) {
      const made = import('../registry/registry.ts').then(({ createRegistry }) =>
        createRegistry({ channel: null, now, store: alreadyOpen(store) }),
      );
      registryPromise = made;
      // A failed start is not remembered: the next write tries again.
      made.catch(() => {
        if (registryPromise === made) registryPromise = null;
      });
    }
    return registryPromise;
  };
  const factory: EdgePredictorFactory<P> | null = options.createPredictor ?? null;
  const makePredictor = async (version: number, record: ModelVersion | null): Promise<P> => {
    const backend = options.backend === undefined ? {} : { backend: options.backend };
    if (factory !== null) return factory({ registry: await getRegistry(), model, version, ...backend });
    const stored = record ?? (await store.getVersion(model, version));
    if (stored === undefined) {
      throw new EdgeflowError(
        'VERSION_NOT_FOUND',
        `Stored version ${version} of ${model} is gone from storage; the client downloads the release again.`,
        { details: { model, version } },
      );
    }
    return (await loadStoredPredictor({
      store,
      version: stored,
      registry: getRegistry,
      ...backend,
    })) as unknown as P;
  };
  const listeners = new Map<EdgeClientEventType, Set<(event: EdgeClientEvent) => void>>();
  const emit = (event: EdgeClientEvent) => {
    try {
      // The registry version the release came from names the model version in fleet queries.
      const version = active?.manifest.version;
      options.telemetry?.recordReleaseEvent(event.type, {
        model,
        ...(version === undefined ? {} : { version }),
      });
    } catch {
      // Telemetry never breaks an update.
    }
    for (const listener of listeners.get(event.type) ?? []) {
      try {
        listener(event);
      } catch {
        // A listener's bug never breaks an update.
      }
    }
  };

  let state = opened.value;
  const installId = options.installId ?? state.installId ?? crypto.randomUUID();
  if (state.installId !== installId && options.installId === undefined)
    await writeClientTags(await getRegistry(), store, model, { installId });

  let active: ActiveRelease | null = null;
  // The active version's record as read at start, handed to the first predictor (not read twice).
  let activeRecord: ModelVersion | null = null;
  let predictor: { version: number; value: Promise<P> } | null = null;
  let etag: string | null = null;
  let health = { ok: 0, crashed: 0 };
  let timer: ReturnType<typeof setTimeout> | null = null;
  let failures = 0;
  let closed = false;

  // Releases are stored as registry versions numbered by the store (numbers are never reused, so a
  // release stored again after a loss gets a new one); the aliases `active` and `previous` point at
  // them. The verified manifest is stored with the version (in its metrics, under a reserved key),
  // so an offline start needs nothing from the network.
  const releaseOf = (record: ModelVersion | undefined) => {
    const stored = (record?.metrics as Record<string, unknown> | undefined)?.[RELEASE_METRIC_KEY];
    return record === undefined || stored === undefined
      ? null
      : { record, manifest: storedManifest(record, stored) };
  };
  const readRelease = async (
    storedVersion: number,
  ): Promise<{ record: ModelVersion; manifest: ReleaseManifest } | null> => {
    try {
      return releaseOf(await store.getVersion(model, storedVersion));
    } catch {
      return null;
    }
  };
  const manifestOf = async (storedVersion: number): Promise<ReleaseManifest | null> =>
    (await readRelease(storedVersion))?.manifest ?? null;

  const disposePredictor = async () => {
    const current = predictor;
    predictor = null;
    if (current === null) return;
    try {
      (await current.value).dispose();
    } catch {
      // A predictor that failed to load has nothing to free.
    }
  };

  const switchTo = async (version: number, manifest: ReleaseManifest) => {
    await disposePredictor();
    active = { release: manifest.release, version, manifest };
    activeRecord = null;
    health = { ok: 0, crashed: 0 };
  };

  // Offline start: whatever the store says is active, if its version record is there (its weights
  // are hash-checked when the predictor loads them).
  if (state.active !== null) {
    const stored = await readRelease(state.active);
    if (stored !== null) {
      active = { release: stored.manifest.release, version: state.active, manifest: stored.manifest };
      activeRecord = stored.record;
    } else {
      // Storage evicted (or a version half gone): the next check downloads again. Reported once the
      // caller had a chance to subscribe.
      const lost = state.active;
      setTimeout(() => {
        emit({
          type: 'rejected',
          release: null,
          code: 'INTEGRITY_FAILED',
          message: `The stored active version ${lost} of ${model} is gone from storage (evicted?); the next check downloads the release again.`,
        });
      }, 0);
    }
  }

  const persist = options.persistStorage ?? true;
  const nav = (globalThis as { navigator?: Navigator }).navigator;
  const isMainThread = typeof (globalThis as { document?: unknown }).document !== 'undefined';
  if (persist && isMainThread && nav?.storage?.persist) {
    // Only the main thread has persist(); it may prompt or be refused, and the client works either way.
    void nav.storage.persist().catch(() => false);
  }

  const reject = (release: number | null, error: EdgeflowError): never => {
    emit({ type: 'rejected', release, code: error.code, message: error.message });
    throw error;
  };

  const fetchDocument = async (
    url: string,
  ): Promise<{ text: string; bytes: Uint8Array; response: Response }> => {
    const response = await fetchOrFail(fetchImpl, url, { cache: 'no-cache' });
    if (!response.ok)
      throw new HttpStatusError(
        url,
        response.status,
        parseRetryAfter(response.headers.get('retry-after'), now()),
      );
    const bytes = await readBounded(response, MAX_DOCUMENT_BYTES, url.slice(url.lastIndexOf('/') + 1));
    return { text: new TextDecoder().decode(bytes), bytes, response };
  };

  const downloadFiles = async (manifest: ReleaseManifest): Promise<Map<string, Uint8Array>> => {
    const files = new Map<string, Uint8Array>();
    // One file at a time: memory stays at one shard in flight plus what is verified so far.
    for (const file of manifest.files) {
      const url = `${base}/${model}/${manifest.release}/${file.path}`;
      const response = await fetchOrFail(fetchImpl, url);
      if (!response.ok)
        throw new HttpStatusError(
          url,
          response.status,
          parseRetryAfter(response.headers.get('retry-after'), now()),
        );
      files.set(file.path, await readBounded(response, file.bytes, file.path));
    }
    return files;
  };

  const installRelease = async (channelDoc: ChannelDocument): Promise<UpdateOutcome> => {
    const release = channelDoc.release;
    const registry = await getRegistry();
    // Another tab (or an earlier run) may have stored it while we waited for the lock.
    state = await readClientState(store, model);
    const storedActive = state.active === null ? null : await manifestOf(state.active);
    if (state.active !== null && storedActive?.release === release) {
      const previous = active?.release ?? null;
      if (previous !== release) {
        await switchTo(state.active, storedActive);
        emit({ type: 'activated', release, previous });
        return { status: 'activated', release, downloaded: false };
      }
      return { status: 'up-to-date', release };
    }
    const manifestUrl = `${base}/${model}/${release}/manifest.json`;
    const { text, bytes } = await fetchDocument(manifestUrl);
    const digest = await sha256Hex(bytes);
    if (digest !== channelDoc.manifestSha256) {
      throw new EdgeflowError(
        'INTEGRITY_FAILED',
        `manifest.json of release ${release} hashes to ${digest} but the signed channel names ${channelDoc.manifestSha256}; refused.`,
        {
          details: {
            path: 'manifest.json',
            reason: 'sha256',
            expected: channelDoc.manifestSha256,
            actual: digest,
          },
        },
      );
    }
    const { payload: manifest } = await verifyReleaseManifest(text, keys, { now: now() });
    if (manifest.model !== model || manifest.release !== release) {
      throw new EdgeflowError(
        'SIGNATURE_INVALID',
        `The manifest is signed for ${manifest.model} release ${manifest.release}, not ${model} release ${release}; refused.`,
        {
          details: { model: manifest.model, release: manifest.release },
        },
      );
    }
    checkExpectedSignature(manifest, options.expectedSignature);
    const files = await downloadFiles(manifest);
    // Verified before anything is stored: sizes, digests, no missing or extra file.
    await verifyReleaseFiles(manifest, files);
    let storedVersion: number;
    try {
      storedVersion = (
        await registry.importVersion(await releaseToImportFiles(manifest, files, now()), { version: 'next' })
      ).version;
    } catch (error) {
      throw toEdgeflowError(error);
    }
    // Golden pairs on this device's backend, before activation; the previous release stays until it passes.
    const candidate = await makePredictor(storedVersion, null);
    try {
      await checkGoldenPairs(candidate, manifest.golden, manifest.goldenTolerance);
    } catch (error) {
      candidate.dispose();
      await registry.deleteVersions(model, [storedVersion]).catch(() => undefined);
      await writeClientTags(registry, store, model, { rejected: release });
      throw error;
    }
    const previous = active?.release ?? null;
    const previousVersion = active?.version ?? null;
    // Activation: `previous` first, then `active` (each move is atomic). A crash in between leaves
    // both on the old release, which is still a consistent state.
    if (previousVersion !== null)
      await registry.moveAlias(model, 'previous', previousVersion, {
        reason: `replaced by release ${release}`,
      });
    await registry.moveAlias(model, 'active', storedVersion, {
      reason: `release ${release} passed verification and ${manifest.golden.length} golden pairs`,
    });
    await disposePredictor();
    active = { release, version: storedVersion, manifest };
    activeRecord = null;
    health = { ok: 0, crashed: 0 };
    predictor = { version: storedVersion, value: Promise.resolve(candidate) };
    await pruneOld(registry, storedVersion, previousVersion);
    emit({ type: 'activated', release, previous });
    return { status: 'activated', release, downloaded: true };
  };

  const pruneOld = async (registry: Registry, keepA: number, keepB: number | null) => {
    const versions = (await registry.listVersions(model, { limit: 1000 })).items.map((v) => v.version);
    const doomed = versions.filter((v) => v !== keepA && v !== keepB);
    if (doomed.length > 0) await registry.deleteVersions(model, doomed).catch(() => undefined);
  };

  const checkForUpdate = async (): Promise<UpdateOutcome> => {
    const url = `${base}/${model}/channels/${channel}.json`;
    const response = await fetchOrFail(fetchImpl, url, {
      cache: 'no-cache',
      ...(etag === null ? {} : { headers: { 'If-None-Match': etag } }),
    });
    if (response.status === 304) {
      await response.body?.cancel().catch(() => undefined);
      return { status: 'not-modified' };
    }
    if (!response.ok)
      throw new HttpStatusError(
        url,
        response.status,
        parseRetryAfter(response.headers.get('retry-after'), now()),
      );
    const bytes = await readBounded(response, MAX_DOCUMENT_BYTES, `${channel}.json`);
    let channelDoc: ChannelDocument;
    try {
      ({ payload: channelDoc } = await verifyChannel(new TextDecoder().decode(bytes), keys, { now: now() }));
      if (channelDoc.model !== model || channelDoc.channel !== channel) {
        throw new EdgeflowError(
          'SIGNATURE_INVALID',
          `The channel document is signed for ${channelDoc.model}/${channelDoc.channel}, not ${model}/${channel}; refused.`,
          {
            details: { model: channelDoc.model, channel: channelDoc.channel },
          },
        );
      }
      state = await readClientState(store, model);
      if (channelDoc.release < state.highestRelease) {
        throw new EdgeflowError(
          'RELEASE_DOWNGRADE',
          `The channel names release ${channelDoc.release} but this device has already seen release ${state.highestRelease}; an older release is never installed (rollback attack). Publish a new release number instead.`,
          { details: { release: channelDoc.release, highestSeen: state.highestRelease } },
        );
      }
    } catch (error) {
      return reject(null, toEdgeflowError(error));
    }
    const release = channelDoc.release;
    const nextEtag = response.headers.get('etag');
    if (active?.release === release) {
      etag = nextEtag;
      return { status: 'up-to-date', release };
    }
    if (state.rejected.has(release)) {
      etag = nextEtag;
      return { status: 'up-to-date', release: active?.release ?? release };
    }
    const bucket = await rolloutBucket(installId, model, release);
    if (!(bucket < channelDoc.rolloutPercent)) {
      // Not our turn yet; the ETag is not kept so a raised percentage is seen on the next poll.
      return { status: 'not-in-rollout', release, bucket, rolloutPercent: channelDoc.rolloutPercent };
    }
    emit({ type: 'update-available', release, channel: channelDoc });
    try {
      const outcome = await withLock(`edgeflow-edge:${model}`, () => installRelease(channelDoc));
      await writeClientTags(await getRegistry(), store, model, { highestRelease: release });
      etag = nextEtag;
      return outcome;
    } catch (error) {
      const refusal = toEdgeflowError(error);
      if (refusal.code === 'NETWORK_ERROR' || refusal.code === 'NOT_FOUND') throw refusal;
      return reject(release, refusal);
    }
  };

  const rollback = async (reason: string, code = 'ROLLED_BACK') => {
    const registry = await getRegistry();
    state = await readClientState(store, model);
    const from = active?.release ?? null;
    if (from === null || state.previous === null) {
      throw new EdgeflowError(
        'VERSION_NOT_FOUND',
        `There is no previous release of ${model} to roll back to.`,
        { details: { model } },
      );
    }
    const toVersion = state.previous;
    const manifest = await manifestOf(toVersion);
    if (manifest === null) {
      throw new EdgeflowError(
        'VERSION_NOT_FOUND',
        `The previous release of ${model} (stored version ${toVersion}) is no longer stored; cannot roll back.`,
        { details: { model, version: toVersion } },
      );
    }
    await registry.moveAlias(model, 'active', toVersion, {
      reason: `rollback from release ${from}: ${reason}`,
    });
    await registry.removeAlias(model, 'previous', { reason: `rollback from release ${from}` });
    await writeClientTags(registry, store, model, { rejected: from });
    await switchTo(toVersion, manifest);
    emit({ type: 'rolled-back', from, to: manifest.release, reason, code });
  };

  const schedule = (delay: number) => {
    if (closed) return;
    timer = setTimeout(poll, delay);
  };

  const poll = async () => {
    timer = null;
    const interval = options.pollIntervalMs ?? 5 * 60_000;
    const maxBackoff = options.maxBackoffMs ?? 60 * 60_000;
    try {
      await checkForUpdate();
      failures = 0;
      schedule(interval);
    } catch (error) {
      failures++;
      const retryAfter = error instanceof HttpStatusError ? error.retryAfterMs : null;
      // Exponential backoff from the interval, capped, ±20 % jitter so a fleet does not poll in step;
      // a server's Retry-After is a floor.
      const backoff = Math.min(maxBackoff, interval * 2 ** Math.min(failures, 16));
      const jittered = backoff * (0.8 + 0.4 * random());
      schedule(
        Math.max(
          retryAfter ?? 0,
          isEdgeflowError(error) && error.code !== 'NETWORK_ERROR' && retryAfter === null
            ? interval
            : jittered,
        ),
      );
    }
  };

  const client: EdgeClient<P> = {
    model,
    channel,
    installId,
    active: () => active,
    checkForUpdate,
    start() {
      if (timer === null && !closed) schedule(0);
    },
    stop() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
    predictor() {
      const current = active;
      if (current === null) {
        return Promise.reject(
          new EdgeflowError(
            'MODEL_NOT_FOUND',
            `No release of ${model} is active yet; await checkForUpdate() or listen for "activated".`,
            { details: { model } },
          ),
        );
      }
      if (predictor === null || predictor.version !== current.version) {
        const record = activeRecord?.version === current.version ? activeRecord : null;
        activeRecord = null;
        const value = makePredictor(current.version, record);
        predictor = { version: current.version, value };
        value.catch(async (error: unknown) => {
          if (!isEdgeflowError(error, 'INTEGRITY_FAILED') || active?.version !== current.version) return;
          // Its weights are gone or corrupted on this device: forget it, so the next check downloads
          // the release again (as a new stored version) instead of answering "up to date".
          predictor = null;
          active = null;
          etag = null;
          const registry = await getRegistry();
          await registry
            .removeAlias(model, 'active', {
              reason: `stored release ${current.release} failed its hash check`,
            })
            .catch(() => undefined);
          // Deleting the version frees its chunks, so the fresh download writes them again instead of
          // deduplicating against the damaged bytes (chunks are content-addressed).
          await registry.deleteVersions(model, [current.version]).catch(() => undefined);
          emit({
            type: 'rejected',
            release: current.release,
            code: 'INTEGRITY_FAILED',
            message: (error as Error).message,
          });
        });
      }
      return predictor.value;
    },
    async reportHealth(ok) {
      if (active === null) return;
      if (ok) health.ok++;
      else health.crashed++;
      const total = health.ok + health.crashed;
      const threshold = options.crashRateThreshold ?? 0.5;
      if (total >= (options.crashMinSamples ?? 20) && health.crashed / total > threshold) {
        const rate = health.crashed / total;
        await rollback(
          `crash rate ${(rate * 100).toFixed(1)} % over ${total} runs exceeds ${(threshold * 100).toFixed(1)} %`,
          'CRASH_RATE',
        );
      }
    },
    rollback: (reason) => rollback(reason),
    on(type, listener) {
      let set = listeners.get(type);
      if (set === undefined) {
        set = new Set();
        listeners.set(type, set);
      }
      const entry = listener as (event: EdgeClientEvent) => void;
      set.add(entry);
      return () => set.delete(entry);
    },
    async close() {
      closed = true;
      client.stop();
      await disposePredictor();
      // Without a registry (a client that only predicted) the store is closed directly.
      if (registryPromise === null) await store.close();
      else await (await registryPromise).close();
    },
  };
  return client;
}
