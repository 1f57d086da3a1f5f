import { describe, expect, it } from 'vitest';
import { checkClassificationInput } from '../../../src/evaluate/classification-input.ts';
import type { ClassificationInput } from '../../../src/evaluate/types.ts';

function expectInvalid(input: ClassificationInput, details: Record<string, unknown>): void {
  expect(() => checkClassificationInput(input)).toThrowError(
    expect.objectContaining({ code: 'INVALID_ARGUMENT', details: expect.objectContaining(details) }),
  );
}

describe('checkClassificationInput', () => {
  const names = ['a', 'b'];

  it('derives the argmax of each row', () => {
    const checked = checkClassificationInput({
      yTrue: [0, 1, 1],
      probabilities: Float32Array.of(0.9, 0.1, 0.3, 0.7, 0.5, 0.5),
      classNames: names,
    });
    // rows: 0.9 > 0.1 → 0; 0.7 > 0.3 → 1; tie → first column 0.
    expect([...checked.predicted]).toEqual([0, 1, 0]);
    expect([...checked.labels]).toEqual([0, 1, 1]);
    expect(checked.n).toBe(3);
    expect(checked.k).toBe(2);
  });

  it('rejects fewer than two classes', () => {
    expectInvalid(
      { yTrue: [0], probabilities: Float32Array.of(1), classNames: ['a'] },
      { field: 'classNames' },
    );
  });

  it('rejects an empty split', () => {
    expectInvalid({ yTrue: [], probabilities: new Float32Array(0), classNames: names }, { field: 'yTrue' });
  });

  it('rejects a probability array of the wrong length', () => {
    expectInvalid(
      { yTrue: [0, 1], probabilities: Float32Array.of(1, 0, 1), classNames: names },
      {
        field: 'probabilities',
        length: 3,
        rows: 2,
        classes: 2,
      },
    );
  });

  it.each([[2], [-1], [0.5], [Number.NaN]])('rejects the label %s, naming the row', (label) => {
    expectInvalid(
      { yTrue: [0, label], probabilities: Float32Array.of(1, 0, 0, 1), classNames: names },
      {
        field: 'yTrue',
        row: 1,
      },
    );
  });

  it.each([[-0.1], [1.1], [Number.NaN]])('rejects the probability %s, naming row and column', (p) => {
    expectInvalid(
      { yTrue: [0], probabilities: Float32Array.of(p, 1 - p), classNames: names },
      {
        field: 'probabilities',
        row: 0,
        column: 0,
      },
    );
  });

  it('rejects a row that does not sum to 1 (logits or unnormalised scores)', () => {
    expectInvalid(
      { yTrue: [0, 0], probabilities: Float32Array.of(0.5, 0.5, 0.6, 0.6), classNames: names },
      {
        field: 'probabilities',
        row: 1,
      },
    );
  });
});
