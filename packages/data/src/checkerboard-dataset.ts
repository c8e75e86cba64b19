import { checkOptions, checkPositiveInteger, invalidOption } from '@diffusion/core';
import { createLabelledDataset, type LabelledDataset } from './dataset';

/** Options of {@link createCheckerboard}. */
export interface CheckerboardOptions {
  /** Squares per side of the board, which spans [-2, 2]^2 (default 4; must be even). */
  readonly squares?: number;
}

/**
 * Uniform points on the black squares of a checkerboard over [-2, 2]^2 (FFJORD's toy data,
 * Grathwohl et al. 2019). A square (i, j), counted from the lower-left corner, is black when i + j is even.
 * Labelled: the class is the black square, numbered row by row from the bottom (`squares^2 / 2` classes).
 */
export function createCheckerboard(options: CheckerboardOptions = {}): LabelledDataset<Required<CheckerboardOptions>> {
  checkOptions('createCheckerboard', options, ['squares']);
  const squares = checkPositiveInteger('createCheckerboard.squares', options.squares ?? 4);
  if (squares % 2 !== 0) throw invalidOption('createCheckerboard.squares', squares, 'an even positive integer');
  const side = 4 / squares;
  const blackPerRow = squares / 2;
  const classNames = Array.from({ length: squares * blackPerRow }, (_, cell) => {
    const j = Math.floor(cell / blackPerRow);
    return `square (${2 * (cell % blackPerRow) + (j % 2)}, ${j})`;
  });
  return createLabelledDataset('checkerboard', 2, { squares }, classNames, (count, random) => {
    const cells = random.integers(count, squares * blackPerRow);
    const offsets = random.uniforms(2 * count);
    const out = new Float64Array(2 * count);
    for (let row = 0; row < count; row += 1) {
      const j = Math.floor(cells[row]! / blackPerRow);
      const i = 2 * (cells[row]! % blackPerRow) + (j % 2);
      out[2 * row] = -2 + side * (i + offsets[2 * row]!);
      out[2 * row + 1] = -2 + side * (j + offsets[2 * row + 1]!);
    }
    return { points: out, labels: Int32Array.from(cells) };
  });
}
