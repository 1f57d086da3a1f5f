// The helpers suites use to assert an exact error: the `EdgeflowError` (or its code) a promise
// rejects with; each fails the test when the promise resolves or rejects with anything else.
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
