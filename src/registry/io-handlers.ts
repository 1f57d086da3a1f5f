// tfjs interop at tfjs's own seam: IOHandlers that save into and load from the registry, and an
// explicit `edgeflow://` URL router. tfjs is never imported here at run time: the caller passes its
// `tf` (or `tf.io`) where a value is needed.
import type { io } from '@tensorflow/tfjs';
import { EdgeflowError } from '../errors.ts';
import type { ModelVersion } from '../schemas/registry.ts';
import { artifactsInfo } from './artifacts.ts';
import type { RegisterVersionInput, VersionMetadataInput } from './version-metadata.ts';

/**
 * What the handlers need of a registry: registering artifacts and loading them. `Registry` has
 * both; naming only these keeps this module below the facade (no import cycle).
 */
export interface ArtifactsRegistry {
  registerVersion(input: RegisterVersionInput): Promise<ModelVersion>;
  loadArtifacts(model: string, versionOrAlias?: number | string): Promise<io.ModelArtifacts>;
}

/** An IOHandler that registers a new version on `save`, and remembers which. */
export interface RegistrySaveHandler extends io.IOHandler {
  save(artifacts: io.ModelArtifacts): Promise<io.SaveResult>;
  /** The version the last successful save registered (null before). */
  readonly saved: ModelVersion | null;
}

/** An IOHandler that loads one version (resolved when `load` runs). */
export interface RegistryLoadHandler extends io.IOHandler {
  load(): Promise<io.ModelArtifacts>;
}

/** Builds the save handler behind `registry.saveHandler()`. */
export function createSaveHandler(
  registry: ArtifactsRegistry,
  model: string,
  options: VersionMetadataInput = {},
): RegistrySaveHandler {
  let saved: ModelVersion | null = null;
  return {
    get saved() {
      return saved;
    },
    async save(artifacts) {
      saved = await registry.registerVersion({ ...options, model, artifacts });
      return { modelArtifactsInfo: artifactsInfo(artifacts) };
    },
  };
}

/** Builds the load handler behind `registry.loadHandler()`. */
export function createLoadHandler(
  registry: ArtifactsRegistry,
  model: string,
  versionOrAlias: number | string,
): RegistryLoadHandler {
  return { load: () => registry.loadArtifacts(model, versionOrAlias) };
}

const SCHEME = 'edgeflow://';

/** `edgeflow://name`, `edgeflow://name@3`, `edgeflow://name@champion` → parts; null for other URLs. */
export function parseEdgeflowUrl(url: string): { model: string; ref: string | null } | null {
  if (!url.startsWith(SCHEME)) return null;
  const rest = url.slice(SCHEME.length);
  const at = rest.lastIndexOf('@');
  if (at === -1) return { model: rest, ref: null };
  return { model: rest.slice(0, at), ref: rest.slice(at + 1) };
}

/** The parts of `tf.io` the router needs. */
export interface TfIoRouters {
  registerSaveRouter(router: (url: string | string[]) => io.IOHandler | null): void;
  registerLoadRouter(router: (url: string | string[]) => io.IOHandler | null): void;
}

// tfjs keeps routers in a process-wide list with no way to remove one, so each `tf.io` gets its
// routers once; later calls only change which registry they serve.
const routed = new WeakMap<object, { registry: ArtifactsRegistry }>();

/**
 * Lets tfjs resolve `edgeflow://` URLs through `registry`: `model.save('edgeflow://iris')` registers a
 * new version; `tf.loadLayersModel('edgeflow://iris')` loads the latest, `edgeflow://iris@champion`
 * or `edgeflow://iris@3` a given one. An explicit call, never an import side effect.
 *
 * @example
 * import * as tf from '@tensorflow/tfjs';
 * registerEdgeflowRouter(tf, registry);
 * const model = await tf.loadLayersModel('edgeflow://iris@champion');
 */
export function registerEdgeflowRouter(tf: { io: TfIoRouters }, registry: ArtifactsRegistry): void {
  const existing = routed.get(tf.io);
  if (existing) {
    existing.registry = registry;
    return;
  }
  const target = { registry };
  routed.set(tf.io, target);
  tf.io.registerSaveRouter((url) => {
    const parsed = typeof url === 'string' ? parseEdgeflowUrl(url) : null;
    if (!parsed) return null;
    if (parsed.ref !== null) {
      return {
        save: async () => {
          throw new EdgeflowError(
            'INVALID_ARGUMENT',
            `Cannot save to "${url}": saving always creates a new version. Save to "${SCHEME}${parsed.model}", then move an alias with registry.moveAlias().`,
            { details: { url } },
          );
        },
      };
    }
    return createSaveHandler(target.registry, parsed.model);
  });
  tf.io.registerLoadRouter((url) => {
    const parsed = typeof url === 'string' ? parseEdgeflowUrl(url) : null;
    if (!parsed) return null;
    return createLoadHandler(target.registry, parsed.model, parsed.ref ?? 'latest');
  });
}
