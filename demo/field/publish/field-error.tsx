// Errors of the field views, for people: a sentence that says what happened and what to do first,
// the code and the raw message in a <details> below (for a bug report or the docs).

/** A failure as the field views show it. */
export interface DescribedError {
  readonly sentence: string;
  readonly code: string;
  readonly detail: string;
  readonly status: number | null;
}

/** Turns an error (an EdgeflowError with its code and details, or anything) into a sentence first. */
export function describeFieldError(error: unknown): DescribedError {
  const e = error as { code?: unknown; message?: unknown; details?: { status?: unknown } } | null;
  const code = typeof e?.code === 'string' ? e.code : 'INTERNAL';
  const detail = typeof e?.message === 'string' ? e.message : String(error);
  const status = typeof e?.details?.status === 'number' ? e.details.status : null;
  const offline = typeof navigator !== 'undefined' && navigator.onLine === false;
  let sentence: string;
  if (offline && (code === 'NETWORK_ERROR' || code === 'INTERNAL')) {
    sentence = 'This browser is offline. Reconnect, then try again.';
  } else if (code === 'NETWORK_ERROR') {
    sentence =
      'The collector did not answer. Is it running? `npm start` serves it on this page’s own origin.';
  } else if (code === 'FORBIDDEN' && /release keys/i.test(detail)) {
    sentence =
      'The collector refused the upload because it trusts no release signing key. Download this page’s public key below and restart the collector with --release-keys-file pointing at it.';
  } else if (code === 'FORBIDDEN' || code === 'UNAUTHORIZED') {
    sentence =
      'The collector refused the request (not allowed). Without an admin token it answers only pages opened on this machine (loopback); with one, the page must send it.';
  } else if (code === 'UNKNOWN_KEY' || code === 'SIGNATURE_INVALID') {
    sentence =
      'The signature does not verify with this page’s key: the collector or the release was signed with another key. Trust this page’s public key on the collector and publish again.';
  } else if (code === 'RELEASE_DOWNGRADE' || code === 'VERSION_CONFLICT') {
    sentence =
      'The collector refused: a release or channel with that number already exists (numbers only grow). Publish again; the page takes the next number.';
  } else if (code === 'QUOTA_EXCEEDED') {
    sentence =
      'The browser’s storage is full. Delete old versions in the registry (section 4), then try again.';
  } else if (code === 'PAYLOAD_TOO_LARGE') {
    sentence =
      'The release is larger than the collector accepts (--max-body). Publish a smaller model or raise the limit.';
  } else if (code === 'RATE_LIMITED' || code === 'OVERLOADED') {
    sentence = 'The collector is busy. Wait a few seconds and try again.';
  } else if (code === 'MODEL_NOT_FOUND' || code === 'VERSION_NOT_FOUND') {
    sentence = 'That model version is not in this page’s registry any more. Pick another version.';
  } else if (code === 'DATASET_NOT_FOUND') {
    sentence = 'Load a dataset in section 1 first: the clients predict on rows drawn from it.';
  } else if (code === 'NOT_FOUND') {
    sentence = 'The collector does not have it. Publish first.';
  } else if (code === 'INVALID_ARGUMENT') {
    sentence = detail;
  } else {
    sentence = 'Something went wrong. The details below say what.';
  }
  return { sentence, code, detail, status };
}

/** An alert with the sentence first and the code, status and raw message in details. */
export function FieldError({ error, testId }: { error: unknown; testId?: string }) {
  const d = describeFieldError(error);
  return (
    <div role="alert" class="field-alert" data-testid={testId} data-code={d.code}>
      <p class="bad">{d.sentence}</p>
      <details>
        <summary>Details</summary>
        <p class="small">
          <code>{d.code}</code>
          {d.status === null ? '' : ` · HTTP ${d.status}`} — {d.detail}
        </p>
      </details>
    </div>
  );
}
