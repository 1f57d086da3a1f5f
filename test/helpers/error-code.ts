// The helpers suites use to assert an exact error: the `EdgeflowError` (or its code) a promise
// rejects with or a call throws; each fails the test when there is no error or another kind.
import { type EdgeflowError, isEdgeflowError } from '../../src/errors.ts';

/** The `EdgeflowError` that `promise` rejects with. */
export async function errorOf(promise: Promise<unknown>): Promise<EdgeflowError> {
  try {
    await promise;
  } catch (error) {
    if (isEdgeflowError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to throw an EdgeflowError');
}

/** The code of the `EdgeflowError` that `promise` rejects with. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  return (await errorOf(promise)).code;
}

/** The `EdgeflowError` that calling `fn` throws (synchronously). */
export function thrownBy(fn: () => unknown): EdgeflowError {
  try {
    fn();
  } catch (error) {
    if (isEdgeflowError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to throw an EdgeflowError');
}
