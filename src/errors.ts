/**
 * Every code an `EdgeflowError` can carry. Callers branch on the code, never on the message.
 * The collector maps codes to HTTP statuses in one table (`collector/src/http-errors.ts`).
 */
export const ERROR_CODES = [
  'INVALID_ARGUMENT',
  'BACKEND_UNAVAILABLE',
  'WORKER_CRASHED',
  'DISPOSED',
  'CANCELLED',
  'PARSE_ERROR',
  'SCHEMA_MISMATCH',
  'DATA_QUALITY',
  'TOO_MANY_COLUMNS',
  'EMPTY_DATASET',
  'DATASET_NOT_FOUND',
  'TARGET_NOT_FOUND',
  'SINGLE_CLASS_TARGET',
  'MODEL_NOT_FOUND',
  'VERSION_NOT_FOUND',
  'RUN_NOT_FOUND',
  'VERSION_CONFLICT',
  'INTEGRITY_FAILED',
  'QUOTA_EXCEEDED',
  'STORE_OUTDATED',
  'SPEC_INVALID',
  'TRAINING_DIVERGED',
  'GATE_FAILED',
  // Monitoring: a row that breaks the model's input signature.
  'UNSEEN_CATEGORY',
  'MISSING_VALUE',
  // Telemetry: a metric name or attribute key outside the egress allow-list.
  'EGRESS_REFUSED',
  // Releases and edge clients.
  'SIGNATURE_INVALID',
  'UNKNOWN_KEY',
  'RELEASE_EXPIRED',
  'RELEASE_DOWNGRADE',
  'GOLDEN_CHECK_FAILED',
  'NETWORK_ERROR',
  // The collector's HTTP answers (mapped to statuses in one table there).
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'RATE_LIMITED',
  'OVERLOADED',
  'INTERNAL',
] as const;

/** A string code naming what went wrong, stable across releases. */
export type EdgeflowErrorCode = (typeof ERROR_CODES)[number];

/** Structured facts attached to an error (the row, column, value, limits…); plain JSON so it survives postMessage. */
export type EdgeflowErrorDetails = Readonly<Record<string, unknown>>;

/**
 * The one error type edgeflow throws. `code` says what happened, `message` says what to do about
 * it, `details` carries the row/field/value, and `cause` keeps the underlying error.
 *
 * @example
 * try { await lab.runtime(); } catch (e) {
 *   if (isEdgeflowError(e, 'BACKEND_UNAVAILABLE')) showFallbackNotice(e.message);
 * }
 */
export class EdgeflowError extends Error {
  override readonly name = 'EdgeflowError';
  readonly code: EdgeflowErrorCode;
  readonly details: EdgeflowErrorDetails;

  constructor(
    code: EdgeflowErrorCode,
    message: string,
    options: { cause?: unknown; details?: EdgeflowErrorDetails } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }

  /** A plain, structured-cloneable form: what crosses a worker boundary or goes into a run record. */
  toJSON(): SerializedEdgeflowError {
    return {
      name: 'EdgeflowError',
      code: this.code,
      message: this.message,
      details: this.details,
      ...(this.stack === undefined ? {} : { stack: this.stack }),
      ...(this.cause === undefined ? {} : { cause: describeCause(this.cause) }),
    };
  }

  /** Rebuilds an error from `toJSON()` output (the comlink throw handler uses this). */
  static fromJSON(json: SerializedEdgeflowError): EdgeflowError {
    const error = new EdgeflowError(
      json.code,
      json.message,
      json.cause === undefined ? { details: json.details } : { details: json.details, cause: json.cause },
    );
    if (json.stack !== undefined) error.stack = json.stack;
    return error;
  }
}

/** The wire form of an `EdgeflowError`. */
export interface SerializedEdgeflowError {
  name: 'EdgeflowError';
  code: EdgeflowErrorCode;
  message: string;
  details: EdgeflowErrorDetails;
  stack?: string;
  cause?: string;
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  return String(cause);
}

/** True when `value` is an `EdgeflowError` (optionally with the given code), also across realms. */
export function isEdgeflowError(value: unknown, code?: EdgeflowErrorCode): value is EdgeflowError {
  if (!(value instanceof Error) || value.name !== 'EdgeflowError') return false;
  const actual = (value as Partial<EdgeflowError>).code;
  return typeof actual === 'string' && (code === undefined || actual === code);
}

/** Wraps anything thrown into an `EdgeflowError`, keeping an existing one as it is. */
export function toEdgeflowError(value: unknown, fallback: EdgeflowErrorCode = 'INTERNAL'): EdgeflowError {
  if (value instanceof EdgeflowError) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new EdgeflowError(fallback, message, { cause: value });
}

/**
 * Names up to `limit` candidates close to `wanted` (edit distance), for "did you mean" messages.
 * Used when a model, alias, column or backend name is unknown.
 */
export function closestNames(wanted: string, candidates: readonly string[], limit = 3): string[] {
  const scored = candidates.map((name) => ({
    name,
    d: editDistance(wanted.toLowerCase(), name.toLowerCase()),
  }));
  const cutoff = Math.max(2, Math.floor(wanted.length / 2));
  return scored
    .filter((s) => s.d <= cutoff || s.name.toLowerCase().includes(wanted.toLowerCase()))
    .sort((a, b) => a.d - b.d || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((s) => s.name);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
