// The one helper every suite uses to assert an exact error code: resolves to the `EdgeflowError`
// code a promise rejects with, and fails the test when it resolves or rejects with anything else.
import { isEdgeflowError } from '../../src/errors.ts';

/** The code of the `EdgeflowError` that `promise` rejects with. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isEdgeflowError(error)) return error.code;
    throw error;
  }
  throw new Error('expected the call to throw an EdgeflowError');
}
