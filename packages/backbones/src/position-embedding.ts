/**
 * Fixed 2-D sine-cosine position embedding of a `gridSize x gridSize` token grid (He et al. 2022,
 * MAE, as used by DiT, Peebles & Xie 2023): token `(row, column)` in row-major order gets
 * `[sincos(column) (width / 2), sincos(row) (width / 2)]`, where the 1-D `sincos(p)` of width `d`
 * is `[sin(p w_i), cos(p w_i)]` with `w_i = 10000^(-i / (d / 2))`, i < d / 2.
 * Returns `[gridSize * gridSize * width]` values, row-major `[tokens, width]`.
 */
export function sincosPositionEmbedding2d(gridSize: number, width: number): Float32Array {
  const half = width / 2;
  const quarter = half / 2;
  const values = new Float32Array(gridSize * gridSize * width);
  const frequencies = Array.from({ length: quarter }, (_, index) => 10000 ** (-index / quarter));
  for (let row = 0; row < gridSize; row += 1) {
    for (let column = 0; column < gridSize; column += 1) {
      const offset = (row * gridSize + column) * width;
      frequencies.forEach((frequency, index) => {
        values[offset + index] = Math.sin(column * frequency);
        values[offset + quarter + index] = Math.cos(column * frequency);
        values[offset + half + index] = Math.sin(row * frequency);
        values[offset + half + quarter + index] = Math.cos(row * frequency);
      });
    }
  }
  return values;
}
