import { add, mul, sub, type Tensor } from '@tensorflow/tfjs-core';

// The single-step updates of DPM-Solver (Lu et al. 2022, "DPM-Solver: A Fast ODE Solver for
// Diffusion Probabilistic Model Sampling in Around 10 Steps", Algs. 4 and 5; k-diffusion's
// `DPMSolver.dpm_solver_{1,2,3}_step`) in sigma-space, time lambda = −log sigma, a step
// sigma → sigmaNext of h = log(sigma / sigmaNext) > 0 with stages at sigma e^{−r h}.
//
// k-diffusion writes them with the noise prediction eps = (x − D)/sigma, e.g. DPM-Solver-1 is
// x − sigmaNext expm1(h) eps. Substituting eps, the x terms cancel exactly and every update becomes
// D + e^{−h}(x − D) plus multiples of the differences of denoiser outputs (D_r − D), using
// eps_r − eps = e^{r h}(D − D_r)/sigma at the stage points. The same maths, but float32 no longer
// subtracts quantities of size sigma (x − 79.6 eps at sigma 80) to get an O(1) result.

/** DPM-Solver-1 (Lu et al. 2022, eq. 3.7; DDIM) from sigma to `ratio · sigma`: `D + ratio (x − D)`. The caller owns the result. */
export function dpmSolverFirstOrder(x: Tensor, denoised: Tensor, ratio: number): Tensor {
  return add(denoised, mul(sub(x, denoised), ratio));
}

/** What DPM-Solver-2 (ratio r1) adds to DPM-Solver-1 over h: `(1 − e^{−h}) e^{r1 h}/(2 r1) (D_r1 − D)`. */
export function dpmSolverSecondOrderTerm(denoised: Tensor, denoisedR1: Tensor, h: number, r1: number): Tensor {
  return mul(sub(denoisedR1, denoised), (-Math.expm1(-h) * Math.exp(r1 * h)) / (2 * r1));
}

/** `expm1(r h)/(r h) − 1`, the phi-function difference of the third-order stages. */
function phiDifference(rh: number): number {
  return Math.expm1(rh) / rh - 1;
}

/**
 * The second stage of DPM-Solver-3 at sigma e^{−r2 h} (Lu et al. 2022, Alg. 5, u2):
 * `D + e^{−r2 h}(x − D) + e^{(r1 − r2) h} (r2/r1) (expm1(r2 h)/(r2 h) − 1) (D_r1 − D)`.
 */
export function dpmSolverThirdOrderStage(x: Tensor, denoised: Tensor, denoisedR1: Tensor, h: number, r1: number, r2: number): Tensor {
  return add(dpmSolverFirstOrder(x, denoised, Math.exp(-r2 * h)), mul(sub(denoisedR1, denoised), Math.exp((r1 - r2) * h) * (r2 / r1) * phiDifference(r2 * h)));
}

/**
 * What DPM-Solver-3 adds to DPM-Solver-1 over h (Lu et al. 2022, Alg. 5):
 * `e^{−h}/r2 (expm1(h)/h − 1) [e^{r2 h}(D_r2 − D) − (r2/r1)(expm1(r2 h)/(r2 h) − 1) e^{r1 h}(D_r1 − D)]`.
 */
export function dpmSolverThirdOrderTerm(denoised: Tensor, denoisedR1: Tensor, denoisedR2: Tensor, h: number, r1: number, r2: number): Tensor {
  const scale = (Math.exp(-h) / r2) * phiDifference(h);
  return sub(mul(sub(denoisedR2, denoised), scale * Math.exp(r2 * h)), mul(sub(denoisedR1, denoised), scale * (r2 / r1) * phiDifference(r2 * h) * Math.exp(r1 * h)));
}

/**
 * One DPM-Solver step of `order` 1, 2 (r1 = 1/2) or 3 (r1 = 1/3, r2 = 2/3) from `sigma` to
 * `sigmaNext > 0`, given `denoised = D(x; sigma)`: `order − 1` further denoiser calls at the stages
 * (k-diffusion `dpm_solver_{1,2,3}_step` with their default ratios). The caller owns the result.
 */
export function dpmSolverStep(order: 1 | 2 | 3, x: Tensor, denoised: Tensor, sigma: number, sigmaNext: number, denoise: (x: Tensor, sigma: number) => Tensor): Tensor {
  const h = Math.log(sigma / sigmaNext);
  const firstOrder = dpmSolverFirstOrder(x, denoised, sigmaNext / sigma);
  if (order === 1) return firstOrder;
  const r1 = order === 2 ? 1 / 2 : 1 / 3;
  const denoisedR1 = denoise(dpmSolverFirstOrder(x, denoised, Math.exp(-r1 * h)), sigma * Math.exp(-r1 * h));
  if (order === 2) return add(firstOrder, dpmSolverSecondOrderTerm(denoised, denoisedR1, h, r1));
  const r2 = 2 / 3;
  const denoisedR2 = denoise(dpmSolverThirdOrderStage(x, denoised, denoisedR1, h, r1, r2), sigma * Math.exp(-r2 * h));
  return add(firstOrder, dpmSolverThirdOrderTerm(denoised, denoisedR1, denoisedR2, h, r1, r2));
}
