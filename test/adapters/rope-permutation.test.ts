import { describe, expect, it } from 'vitest';
import { permuteRowsGgufToHf, permuteRowsHfToGguf } from '../../src/adapters/rope-permutation.js';

/** Rows numbered by their index, `columns` copies each: the permuted matrix shows where each row went. */
const numbered = (rows: number, columns: number): Float32Array =>
  Float32Array.from({ length: rows * columns }, (_, index) => Math.floor(index / columns));
const rowOrder = (values: Float32Array, columns: number): number[] =>
  Array.from({ length: values.length / columns }, (_, row) => values[row * columns] as number);

describe('llama q/k RoPE row permutation', () => {
  it('matches LlamaModel.permute: reshape(heads, 2, d/2).swapaxes(1, 2)', () => {
    // numpy: np.arange(8).reshape(2, 2, 2).swapaxes(1, 2).reshape(8) == [0, 2, 1, 3, 4, 6, 5, 7]
    expect(rowOrder(permuteRowsHfToGguf(numbered(8, 3), 8, 2), 3)).toEqual([0, 2, 1, 3, 4, 6, 5, 7]);
    // one head of 8: np.arange(8).reshape(1, 2, 4).swapaxes(1, 2).reshape(8) == [0, 4, 1, 5, 2, 6, 3, 7]
    expect(rowOrder(permuteRowsHfToGguf(numbered(8, 1), 8, 1), 1)).toEqual([0, 4, 1, 5, 2, 6, 3, 7]);
  });

  it('is undone by its inverse, and is not its own inverse for heads of more than 4 rows', () => {
    const values = Float32Array.from({ length: 32 * 5 }, (_, index) => Math.sin(index));
    expect(permuteRowsGgufToHf(permuteRowsHfToGguf(values, 32, 2), 32, 2)).toEqual(values);
    expect(permuteRowsHfToGguf(permuteRowsHfToGguf(values, 32, 2), 32, 2)).not.toEqual(values);
  });

  it('refuses rows that do not split into heads of even size', () => {
    expect(() => permuteRowsHfToGguf(new Float32Array(12), 12, 4)).toThrow(/4 heads of even size/);
  });
});
