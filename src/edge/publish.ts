// Publishing a registered version in one call: export → golden pairs with the monitor's Predictor →
// signed release and channel → written to a target (the collector, a browser directory handle, or
// any writer such as the Node folder publisher). Used by `lab.publish` (in a lab worker) and Node.
import { EdgeflowError, isEdgeflowError } from '../errors.ts';
import { createPredictor } from '../monitor/predictor.ts';
import type { Registry } from '../registry/registry.ts';
import type { GoldenPair, SigningKey } from '../release/index.ts';
import { computeGoldenPairs } from './golden.ts';
import { type BuiltRelease, buildChannel, buildRelease } from './release-builder.ts';
import { type CollectorTarget, putChannel, uploadRelease } from './release-upload.ts';

/** Writes a built release and its channel document somewhere clients can fetch them. */
export interface ReleaseWriter {
  /** The highest release of `model` already there (0 when none); the new one gets the next number. */
  highestRelease(model: string): Promise<number>;
  /** Writes `{model}/{release}/…` (immutable); throws `VERSION_CONFLICT` when the number is taken. */
  writeRelease(release: BuiltRelease): Promise<void>;
  /** Replaces `{model}/channels/{channel}.json`. */
  writeChannel(model: string, channel: string, text: string): Promise<void>;
}

/** Where `publishVersion` puts the release. */
export type PublishTarget =
  | { readonly kind: 'collector'; readonly collector: CollectorTarget }
  | { readonly kind: 'directory'; readonly directory: FileSystemDirectoryHandle }
  | { readonly kind: 'writer'; readonly writer: ReleaseWriter };

/** Options of `publishVersion` (and `lab.publish`). */
export interface PublishOptions {
  /** The channel to point at the new release (default `stable`). */
  readonly channel?: string;
  /** Share of devices that take it, 0–100 (default 100). */
  readonly rolloutPercent?: number;
  readonly signingKey: SigningKey;
  readonly target: PublishTarget;
  /** Release number (default: one above the highest the target has). */
  readonly release?: number;
  /** Rows to compute golden pairs from (only the signature's columns are kept). Default: none. */
  readonly goldenRows?: readonly Readonly<Record<string, unknown>>[];
  /** How far a device's output may differ from a golden output (default 1e-3). */
  readonly goldenTolerance?: number;
  /** The model name clients ask for (default: the registry's model name). */
  readonly releaseModel?: string;
  /** Clock (epoch ms). */
  readonly now?: number;
}

/** What `publishVersion` did. */
export interface PublishResult {
  readonly model: string;
  readonly release: number;
  /** The registry version it came from. */
  readonly version: number;
  readonly channel: string;
  readonly rolloutPercent: number;
  readonly manifestSha256: string;
  readonly files: readonly { path: string; bytes: number; sha256: string }[];
  readonly golden: number;
}

function signatureNames(signature: unknown): string[] | null {
  const columns = (signature as { columns?: { name?: unknown }[] } | null)?.columns;
  return Array.isArray(columns) ? columns.map((c) => String(c.name)) : null;
}

async function directoryWriter(root: FileSystemDirectoryHandle): Promise<ReleaseWriter> {
  const dir = async (path: readonly string[], create: boolean) => {
    let current = root;
    for (const part of path) current = await current.getDirectoryHandle(part, { create });
    return current;
  };
  const writeFile = async (parent: FileSystemDirectoryHandle, name: string, data: Uint8Array | string) => {
    const handle = await parent.getFileHandle(name, { create: true });
    const writable = await handle.createWritable();
    await writable.write(data as FileSystemWriteChunkType);
    // close() commits the file atomically (the File System spec writes to a swap file until then).
    await writable.close();
  };
  return {
    async highestRelease(model) {
      let highest = 0;
      try {
        const modelDir = await dir([model], false);
        for await (const name of (modelDir as unknown as { keys(): AsyncIterable<string> }).keys()) {
          if (/^[1-9][0-9]*$/.test(name)) highest = Math.max(highest, Number(name));
        }
      } catch {
        return 0;
      }
      return highest;
    },
    async writeRelease(release) {
      const { model, release: number } = release.manifest;
      const modelDir = await dir([model], true);
      const exists = await modelDir.getDirectoryHandle(String(number)).then(
        () => true,
        () => false,
      );
      if (exists) {
        throw new EdgeflowError(
          'VERSION_CONFLICT',
          `Release ${number} of ${model} already exists in this directory; releases are immutable.`,
          {
            details: { model, release: number },
          },
        );
      }
      // Written under a temporary name, then moved, where the browser supports move(); manifest.json
      // goes last, so a reader that finds it finds every file it names.
      const releaseDir = await modelDir.getDirectoryHandle(String(number), { create: true });
      for (const [path, data] of release.files) await writeFile(releaseDir, path, data);
      await writeFile(releaseDir, 'manifest.json', release.manifestText);
    },
    async writeChannel(model, channel, text) {
      await writeFile(await dir([model, 'channels'], true), `${channel}.json`, text);
    },
  };
}

/**
 * Publishes a registered version: exports its tfjs files, computes golden pairs with the monitor's
 * Predictor, folds the profile to aggregates, signs manifest and channel, and writes them to the target.
 *
 * @throws {EdgeflowError} `MODEL_NOT_FOUND` / `VERSION_NOT_FOUND`; `VERSION_CONFLICT` when an explicit
 *   release number is taken in a folder; the collector's codes (`RELEASE_DOWNGRADE` for a taken
 *   number, `UNAUTHORIZED`, `SIGNATURE_INVALID`, …); `NETWORK_ERROR`.
 * @example
 * await publishVersion(registry, 'penguins', 'champion', { signingKey, rolloutPercent: 10,
 *   target: { kind: 'collector', collector: { url: 'http://localhost:4318', token } } });
 */
export async function publishVersion(
  registry: Registry,
  model: string,
  versionOrAlias: number | string,
  options: PublishOptions,
): Promise<PublishResult> {
  const version = await registry.getVersion(model, versionOrAlias);
  const releaseModel = options.releaseModel ?? model;
  const channel = options.channel ?? 'stable';
  const rolloutPercent = options.rolloutPercent ?? 100;
  let golden: GoldenPair[] = [];
  if (options.goldenRows !== undefined && options.goldenRows.length > 0) {
    const names = signatureNames(version.signature);
    // Only the input columns travel: a target or an id column of the sample never leaves.
    const rows = options.goldenRows.map((row) =>
      names === null ? { ...row } : Object.fromEntries(names.map((n) => [n, row[n] ?? null])),
    );
    const predictor = await createPredictor({ registry, model, version: version.version });
    try {
      golden = await computeGoldenPairs(predictor, rows);
    } finally {
      predictor.dispose();
    }
  }
  const exported = await registry.exportVersion(model, version.version);
  const target = options.target;
  const writer =
    target.kind === 'writer'
      ? target.writer
      : target.kind === 'directory'
        ? await directoryWriter(target.directory)
        : null;
  let release = options.release ?? (writer === null ? 1 : (await writer.highestRelease(releaseModel)) + 1);
  const now = options.now ?? Date.now();
  for (let attempt = 0; ; attempt++) {
    const built = await buildRelease({
      exported,
      model: releaseModel,
      release,
      signingKey: options.signingKey,
      golden,
      ...(options.goldenTolerance === undefined ? {} : { goldenTolerance: options.goldenTolerance }),
      now,
    });
    try {
      if (writer !== null) await writer.writeRelease(built);
      else if (target.kind === 'collector') await uploadRelease(target.collector, built);
    } catch (error) {
      // The collector refuses a number that is not above its latest (409): without an explicit
      // number, go on from the latest it names (or the next number when it names none).
      if (
        isEdgeflowError(error) &&
        error.details.status === 409 &&
        options.release === undefined &&
        writer === null &&
        attempt < 20
      ) {
        const latest = error.details.latest;
        release = typeof latest === 'number' && latest >= release ? latest + 1 : release + 1;
        continue;
      }
      throw error;
    }
    const channelDoc = await buildChannel({
      model: releaseModel,
      channel,
      release,
      manifestSha256: built.manifestSha256,
      rolloutPercent,
      signingKey: options.signingKey,
      now,
    });
    if (writer !== null) await writer.writeChannel(releaseModel, channel, channelDoc.text);
    else if (target.kind === 'collector')
      await putChannel(target.collector, releaseModel, channel, channelDoc.text);
    return {
      model: releaseModel,
      release,
      version: version.version,
      channel,
      rolloutPercent,
      manifestSha256: built.manifestSha256,
      files: built.manifest.files,
      golden: golden.length,
    };
  }
}
