import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  closestNames,
  EdgeflowError,
  ERROR_CODES,
  isEdgeflowError,
  toEdgeflowError,
} from '../../../src/errors.ts';

describe('EdgeflowError', () => {
  test('carries code, details and cause, and says what to do', () => {
    const cause = new RangeError('low level');
    const error = new EdgeflowError('BACKEND_UNAVAILABLE', 'Backend "webgpu" is unavailable: no adapter.', {
      cause,
      details: { backend: 'webgpu' },
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('EdgeflowError');
    expect(error.code).toBe('BACKEND_UNAVAILABLE');
    expect(error.details).toEqual({ backend: 'webgpu' });
    expect(error.cause).toBe(cause);
    expect(isEdgeflowError(error, 'BACKEND_UNAVAILABLE')).toBe(true);
    expect(isEdgeflowError(error, 'INTERNAL')).toBe(false);
    expect(isEdgeflowError(new Error('plain'))).toBe(false);
  });

  test('toJSON/fromJSON round-trips every code through structured clone', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ERROR_CODES),
        fc.string(),
        fc.dictionary(fc.string(), fc.oneof(fc.integer(), fc.string(), fc.boolean())),
        (code, message, details) => {
          const original = new EdgeflowError(code, message, { details, cause: new Error('inner') });
          const back = EdgeflowError.fromJSON(structuredClone(original.toJSON()));
          expect(back.code).toBe(code);
          expect(back.message).toBe(message);
          expect(back.details).toEqual(details);
          expect(back.cause).toBe('Error: inner');
          expect(back.stack).toBe(original.stack);
        },
      ),
    );
  });

  test('toEdgeflowError keeps an EdgeflowError and wraps anything else', () => {
    const own = new EdgeflowError('CANCELLED', 'stopped');
    expect(toEdgeflowError(own)).toBe(own);
    const wrapped = toEdgeflowError(new TypeError('bad'), 'PARSE_ERROR');
    expect(wrapped.code).toBe('PARSE_ERROR');
    expect(wrapped.message).toBe('bad');
    expect(toEdgeflowError('text').code).toBe('INTERNAL');
  });
});

describe('closestNames', () => {
  test('suggests near names, nearest first', () => {
    expect(closestNames('pengiuns', ['penguins', 'housing', 'iris'])).toEqual(['penguins']);
    expect(closestNames('champ', ['champion', 'challenger', 'staging'])).toEqual(['champion']);
    expect(closestNames('zzzzzz', ['penguins', 'iris'])).toEqual([]);
  });
});
