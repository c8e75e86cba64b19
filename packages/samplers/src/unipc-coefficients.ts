/** Solves the small dense system `matrix · x = rhs` by Gaussian elimination with partial pivoting. */
export function solveLinearSystem(matrix: readonly (readonly number[])[], rhs: readonly number[]): number[] {
  const size = rhs.length;
  const rows = matrix.map((row, index) => [...row.slice(0, size), rhs[index]!]);
  for (let column = 0; column < size; column += 1) {
    let pivot = column;
    for (let row = column + 1; row < size; row += 1) if (Math.abs(rows[row]![column]!) > Math.abs(rows[pivot]![column]!)) pivot = row;
    [rows[column], rows[pivot]] = [rows[pivot]!, rows[column]!];
    for (let row = column + 1; row < size; row += 1) {
      const factor = rows[row]![column]! / rows[column]![column]!;
      for (let entry = column; entry <= size; entry += 1) rows[row]![entry]! -= factor * rows[column]![entry]!;
    }
  }
  const solution = new Array<number>(size).fill(0);
  for (let row = size - 1; row >= 0; row -= 1) {
    let value = rows[row]![size]!;
    for (let entry = row + 1; entry < size; entry += 1) value -= rows[row]![entry]! * solution[entry]!;
    solution[row] = value / rows[row]![row]!;
  }
  return solution;
}

/** Scalar coefficients of one UniP or UniC update in data prediction (sigma-space). */
export interface UnipcCoefficients {
  /** `h φ1` in the paper's sign convention for data prediction: `expm1(−h)`. */
  readonly hPhi1: number;
  /** `B(h)`: `−h` (bh1) or `expm1(−h)` (bh2). */
  readonly bH: number;
  /** Weights of the divided differences (`rhos_p` for UniP, `rhos_c` for UniC, the last one on the new output). */
  readonly rhos: readonly number[];
}

/**
 * Coefficients of UniPC's B(h) updates, Zhao et al. (2023) Alg. 2/3 with data prediction
 * (diffusers `UniPCMultistepScheduler`): `h = λ_next − λ = log(sigma/sigmaNext)` (λ = −log sigma),
 * `ratios` the `r_k = (λ_{s_k} − λ_s)/h` of the older outputs, `order` the UniP/UniC order.
 * The predictor of order 2 and the corrector of order 1 use the fixed weight 1/2, as diffusers does.
 */
export function unipcCoefficients(h: number, ratios: readonly number[], order: number, variant: 'bh1' | 'bh2', corrector: boolean): UnipcCoefficients {
  const hh = -h;
  const hPhi1 = Math.expm1(hh);
  const bH = variant === 'bh1' ? hh : Math.expm1(hh);
  const rks = [...ratios, 1];
  const matrix: number[][] = [];
  const rhs: number[] = [];
  let hPhiK = hPhi1 / hh - 1;
  let factorial = 1;
  for (let power = 1; power <= order; power += 1) {
    matrix.push(rks.map((rk) => rk ** (power - 1)));
    rhs.push((hPhiK * factorial) / bH);
    factorial *= power + 1;
    hPhiK = hPhiK / hh - 1 / factorial;
  }
  let rhos: number[];
  if (corrector) rhos = order === 1 ? [0.5] : solveLinearSystem(matrix, rhs);
  else if (order === 1) rhos = [];
  else if (order === 2) rhos = [0.5];
  else rhos = solveLinearSystem(matrix.slice(0, -1).map((row) => row.slice(0, -1)), rhs.slice(0, -1));
  return { hPhi1, bH, rhos };
}
