import type { Denoiser } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { iterate } from './loop-context';
import type { LoopContext } from './loop-context';

// diffusers' UniPCMultistepScheduler, Zhao et al. (2023) "UniPC": the UniP-p predictor (Alg. 2)
// and UniC-p corrector (Alg. 3), B(h) = h (bh1) or e^h - 1 (bh2), data or noise prediction, in
// sigma-space (diffusers' VP updates divided by alpha_t; lambda = -log sigma).

/** Solves the small dense system `matrix · solution = vector` by Gaussian elimination with partial pivoting (torch.linalg.solve). */
function solve(matrix: number[][], vector: number[]): number[] {
  const size = vector.length;
  const rows = matrix.map((row, index) => [...row, vector[index]!]);
  for (let column = 0; column < size; column += 1) {
    let pivot = column;
    for (let row = column + 1; row < size; row += 1) if (Math.abs(rows[row]![column]!) > Math.abs(rows[pivot]![column]!)) pivot = row;
    [rows[column], rows[pivot]] = [rows[pivot]!, rows[column]!];
    for (let row = column + 1; row < size; row += 1) {
      const factor = rows[row]![column]! / rows[column]![column]!;
      for (let k = column; k <= size; k += 1) rows[row]![k]! -= factor * rows[column]![k]!;
    }
  }
  const solution = new Array<number>(size).fill(0);
  for (let row = size - 1; row >= 0; row -= 1) {
    let sum = rows[row]![size]!;
    for (let k = row + 1; k < size; k += 1) sum -= rows[row]![k]! * solution[k]!;
    solution[row] = sum / rows[row]![row]!;
  }
  return solution;
}

/** hh, h phi_1, B(h) and the right-hand side b of the order conditions (eq. 8 of Zhao et al.). */
function coefficients(h: number, order: number, predictX0: boolean, solverType: string): { hPhi1: number; bH: number; b: number[] } {
  const hh = predictX0 ? -h : h;
  const hPhi1 = Math.expm1(hh);
  let hPhiK = hPhi1 / hh - 1;
  let factorial = 1;
  const bH = solverType === 'bh1' ? hh : Math.expm1(hh);
  const b: number[] = [];
  for (let i = 1; i <= order; i += 1) {
    b.push((hPhiK * factorial) / bH);
    factorial *= i + 1;
    hPhiK = hPhiK / hh - 1 / factorial;
  }
  return { hPhi1, bH, b };
}

/** `R[i][k] = rk^i` for i < rows (the Vandermonde rows of the order conditions). */
function powers(rks: readonly number[], rows: number): number[][] {
  return Array.from({ length: rows }, (_, power) => rks.map((rk) => rk ** power));
}

/**
 * diffusers' `UniPCMultistepScheduler` loop: UniC corrects each sample with the new output
 * (unless its step is in `disable_corrector`), then UniP predicts the next with the order the
 * history and `lower_order_final` allow. The sample is VP (x_VP = x / sqrt(1 + sigma^2)).
 */
export function runUnipcMultistepLoop(context: LoopContext, denoise: Denoiser): Tensor {
  const { setup, run } = context;
  const config = setup.config;
  const solverOrder = config.solver_order as number;
  const predictX0 = config.predict_x0 === true;
  const solverType = config.solver_type as string;
  const disabled = new Set(config.disable_corrector as number[]);
  const steps = run.timesteps.length;
  const lambda = (index: number) => -Math.log(run.sigmas[index]!);
  const outputs: Tensor[] = [];
  let lastSample: Tensor | undefined;
  let lowerOrderCount = 0;
  let thisOrder = 0;
  // x_t = (sigma_t/sigma_s0) x - hPhi1 m0 - B(h) sum  (data prediction), or x - sigma_t (hPhi1 m0 + B(h) sum) (noise).
  const combine = (x: Tensor, m0: Tensor, sigmaT: number, sigmaS0: number, hPhi1: number, bH: number, residual: Tensor | undefined): Tensor => {
    if (predictX0) {
      const base = tf.sub(tf.mul(x, sigmaT / sigmaS0), tf.mul(m0, hPhi1));
      return residual === undefined ? base : tf.sub(base, tf.mul(residual, bH));
    }
    const base = tf.sub(x, tf.mul(m0, sigmaT * hPhi1));
    return residual === undefined ? base : tf.sub(base, tf.mul(residual, sigmaT * bH));
  };
  const weighted = (terms: readonly Tensor[], weights: readonly number[]): Tensor | undefined =>
    terms.length === 0 ? undefined : terms.map((term, k) => tf.mul(term, weights[k]!)).reduce((sum, term) => tf.add(sum, term));

  const start = tf.mul(context.noise, Math.sqrt(1 + run.sigmas[0]! ** 2));
  try {
    const last = iterate(context, start, steps, (input, index) => {
      const sigma = run.sigmas[index]!;
      const denoised = denoise(input, sigma);
      const converted = predictX0 ? denoised : tf.div(tf.sub(input, denoised), sigma);
      let x = input;
      if (index > 0 && !disabled.has(index - 1) && lastSample !== undefined) {
        // UniC at step index: from sigma_{index-1} to sigma_index with this_order of the last prediction.
        const m0 = outputs[outputs.length - 1]!;
        const h = lambda(index) - lambda(index - 1);
        const rks: number[] = [];
        const differences: Tensor[] = [];
        for (let i = 1; i < thisOrder; i += 1) {
          const rk = (lambda(index - (i + 1)) - lambda(index - 1)) / h;
          rks.push(rk);
          differences.push(tf.mul(tf.sub(outputs[outputs.length - (i + 1)]!, m0), 1 / rk));
        }
        rks.push(1);
        const { hPhi1, bH, b } = coefficients(h, thisOrder, predictX0, solverType);
        const rhos = thisOrder === 1 ? [0.5] : solve(powers(rks, thisOrder), b);
        const correction = weighted([...differences, tf.sub(converted, m0)], [...rhos.slice(0, -1), rhos[rhos.length - 1]!]);
        x = combine(lastSample, m0, sigma, run.sigmas[index - 1]!, hPhi1, bH, correction);
      }
      outputs.push(tf.keep(converted.clone()));
      while (outputs.length > solverOrder) outputs.shift()!.dispose();
      const allowed = config.lower_order_final === true ? Math.min(solverOrder, steps - index) : solverOrder;
      thisOrder = Math.min(allowed, lowerOrderCount + 1);
      lastSample?.dispose();
      lastSample = tf.keep(x.clone());
      // UniP at step index: from sigma_index to sigma_{index+1}.
      const m0 = outputs[outputs.length - 1]!;
      const h = lambda(index + 1) - lambda(index);
      const rks: number[] = [];
      const differences: Tensor[] = [];
      for (let i = 1; i < thisOrder; i += 1) {
        const rk = (lambda(index - i) - lambda(index)) / h;
        rks.push(rk);
        differences.push(tf.mul(tf.sub(outputs[outputs.length - (i + 1)]!, m0), 1 / rk));
      }
      rks.push(1);
      const { hPhi1, bH, b } = coefficients(h, thisOrder, predictX0, solverType);
      const rhos = differences.length === 0 ? [] : thisOrder === 2 ? [0.5] : solve(powers(rks, thisOrder - 1).map((row) => row.slice(0, -1)), b.slice(0, -1));
      lowerOrderCount = Math.min(lowerOrderCount + 1, solverOrder);
      return combine(x, m0, run.sigmas[index + 1]!, sigma, hPhi1, bH, weighted(differences, rhos));
    }, (index) => run.timesteps[index]!);
    const finalSigma = run.sigmas[steps]!;
    const result = tf.tidy(() => tf.mul(last, 1 / Math.sqrt(1 + finalSigma * finalSigma)));
    last.dispose();
    return result;
  } finally {
    start.dispose();
    lastSample?.dispose();
    for (const tensor of outputs) tensor.dispose();
  }
}
