// Validation of a candidate's spec with the library's own parser, as the user types.
import { isEdgeflowError, type ModelSpecInput, parseModelSpec } from 'edgeflow';

/** One problem of a spec: the field path and what to do about it. */
export interface SpecProblem {
  path: string;
  message: string;
}

/** The problems `parseModelSpec` finds in a spec (empty when it parses). */
export function specProblems(spec: ModelSpecInput): SpecProblem[] {
  try {
    parseModelSpec(spec);
    return [];
  } catch (error) {
    if (!isEdgeflowError(error, 'SPEC_INVALID')) throw error;
    const issues = error.details.issues;
    if (!Array.isArray(issues)) return [{ path: '(spec)', message: error.message }];
    return issues.map((issue: { path?: unknown; message?: unknown }) => ({
      path: typeof issue.path === 'string' ? issue.path : '(spec)',
      message: typeof issue.message === 'string' ? issue.message : String(issue.message),
    }));
  }
}
