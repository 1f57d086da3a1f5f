// The one table that maps an EdgeflowError code to an HTTP status (CONVENTIONS: "the collector maps
// codes to HTTP statuses in one table"), and the JSON bodies the collector answers errors with.
import { EdgeflowError, type EdgeflowErrorCode } from 'edgeflow/errors';

/** HTTP status for each error code the collector can answer with; anything else is a 500. */
export const STATUS_BY_CODE: Readonly<Partial<Record<EdgeflowErrorCode, number>>> = {
  INVALID_ARGUMENT: 400,
  PARSE_ERROR: 400,
  SCHEMA_MISMATCH: 400,
  SIGNATURE_INVALID: 400,
  UNKNOWN_KEY: 400,
  INTEGRITY_FAILED: 400,
  RELEASE_EXPIRED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  MODEL_NOT_FOUND: 404,
  VERSION_NOT_FOUND: 404,
  VERSION_CONFLICT: 409,
  RELEASE_DOWNGRADE: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  OVERLOADED: 503,
};

/**
 * gRPC status codes for OTLP/HTTP error bodies (`google.rpc.Status`), per the OTLP spec's
 * "Failures" section: the body of a failed OTLP/HTTP response is a Status message.
 */
const GRPC_CODE_BY_STATUS: Readonly<Record<number, number>> = {
  400: 3, // INVALID_ARGUMENT
  401: 16, // UNAUTHENTICATED
  403: 7, // PERMISSION_DENIED
  404: 5, // NOT_FOUND
  409: 6, // ALREADY_EXISTS
  413: 8, // RESOURCE_EXHAUSTED
  415: 3,
  429: 8,
  500: 13, // INTERNAL
  503: 14, // UNAVAILABLE
};

/** The HTTP status for an error: its code's entry in the table, else 500. */
export function statusForError(error: unknown): number {
  if (error instanceof EdgeflowError) return STATUS_BY_CODE[error.code] ?? 500;
  return 500;
}

/** The JSON body of an error answer on `/api/*` and `/releases/*`: the code and message only, never a stack. */
export function apiErrorBody(error: unknown): { error: { code: EdgeflowErrorCode; message: string } } {
  if (error instanceof EdgeflowError && STATUS_BY_CODE[error.code] !== undefined)
    return { error: { code: error.code, message: error.message } };
  return { error: { code: 'INTERNAL', message: 'Internal error; the collector logged the details.' } };
}

/** The JSON body of an error answer on `/v1/metrics`: a `google.rpc.Status` plus edgeflow's string code. */
export function otlpErrorBody(error: unknown): {
  code: number;
  message: string;
  edgeflowCode: EdgeflowErrorCode;
} {
  const { error: body } = apiErrorBody(error);
  return {
    code: GRPC_CODE_BY_STATUS[statusForError(error)] ?? 13,
    message: body.message,
    edgeflowCode: body.code,
  };
}
