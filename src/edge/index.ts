// Public barrel of edgeflow/edge: the edge client, the release builder and uploader, rollout and
// golden checks. Imports nothing from training or the lab; Node-only parts live in edgeflow/edge/node.
// Named exports only (no `export *`).
export {
  CHANNEL_PAYLOAD_TYPE,
  type ChannelDocument,
  exportPublicKey,
  generateSigningKey,
  importPublicKeys,
  isInRollout,
  type PublicKeyEntry,
  type PublicKeySet,
  RELEASE_PAYLOAD_TYPE,
  type ReleaseManifest,
  rolloutBucket,
  type SignedEnvelope,
  type SigningKey,
  verifyChannel,
  verifyReleaseFiles,
  verifyReleaseManifest,
} from '../release/index.ts';
export { type FetchLike, HttpStatusError, parseRetryAfter } from './bounded-download.ts';
export { createEdgeClient, EDGE_DB_NAME, type EdgeClient, MAX_DOCUMENT_BYTES } from './edge-client.ts';
export {
  checkGoldenPairs,
  computeGoldenPairs,
  type GoldenPrediction,
  type GoldenPredictor,
} from './golden.ts';
export {
  deleteStoredSigningKey,
  loadStoredSigningKey,
  SIGNING_KEY_DB_NAME,
  storeSigningKey,
} from './key-store.ts';
export {
  type PublishOptions,
  type PublishResult,
  type PublishTarget,
  publishVersion,
  type ReleaseWriter,
} from './publish.ts';
export {
  type BuildChannelInput,
  type BuildReleaseInput,
  type BuiltRelease,
  buildChannel,
  buildRelease,
  DEFAULT_CHANNEL_LIFETIME_MS,
  DEFAULT_GOLDEN_TOLERANCE,
  DEFAULT_MANIFEST_LIFETIME_MS,
} from './release-builder.ts';
export { RELEASE_METRIC_KEY } from './release-import.ts';
export {
  type CollectorTarget,
  enrolReleaseKey,
  putChannel,
  type ReleaseKeyEnrolment,
  uploadRelease,
} from './release-upload.ts';
export type {
  ActiveRelease,
  EdgeClientEvent,
  EdgeClientEventType,
  EdgeClientOptions,
  EdgePredictor,
  EdgePredictorFactory,
  ExpectedColumn,
  ReleaseEventRecorder,
  UpdateOutcome,
} from './types.ts';
