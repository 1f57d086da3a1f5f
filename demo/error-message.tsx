// One way to show an error on the page (issue 18.10): the sentence first, the EdgeflowError code and
// details tucked into a <details> element for whoever needs them.

/** What an error shows: its sentence, and its code and details when it has them. */
export interface ErrorParts {
  message: string;
  code: string | null;
  details: Readonly<Record<string, unknown>> | null;
}

/** Splits anything thrown into its sentence, its code (EdgeflowError) and its details. */
export function errorParts(error: unknown): ErrorParts {
  if (error instanceof Error) {
    const { code, details } = error as { code?: unknown; details?: unknown };
    return {
      message: error.message,
      code: typeof code === 'string' ? code : null,
      details:
        details !== null && typeof details === 'object' && Object.keys(details).length > 0
          ? (details as Record<string, unknown>)
          : null,
    };
  }
  return { message: String(error), code: null, details: null };
}

interface ErrorMessageProps {
  error: unknown;
  /** Words before the sentence, e.g. "Could not load mine.csv:". */
  lead?: string;
  testId?: string;
}

/** An alert that leads with the error's sentence and keeps its code and details one click away. */
export function ErrorMessage({ error, lead, testId }: ErrorMessageProps) {
  const { message, code, details } = errorParts(error);
  return (
    <div role="alert" class="bad error-message" data-testid={testId}>
      <p>
        {lead && <strong>{lead} </strong>}
        {message}
      </p>
      {code && (
        <details>
          <summary>Details</summary>
          <p>
            Code <code data-testid={testId ? `${testId}-code` : undefined}>{code}</code>
          </p>
          {details && <pre class="small">{JSON.stringify(details, null, 2)}</pre>}
        </details>
      )}
    </div>
  );
}
