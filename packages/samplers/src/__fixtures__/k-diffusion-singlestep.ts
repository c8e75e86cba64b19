// Test-only: float64 plain-JS transcriptions of four k-diffusion samplers, line by line from
// k_diffusion/sampling.py (crowsonkb/k-diffusion 4601bf0): sample_dpm_2, sample_dpm_2_ancestral,
// sample_dpmpp_2s_ancestral and sample_dpmpp_sde, on the exact posterior mean of a Gaussian mixture
// (`posteriorMeanArray` of @diffusion/data, float64). Plain numbers only, no tensors and nothing of
// @diffusion/samplers. `noise(sigma, sigmaNext)` is k-diffusion's `noise_sampler` and is asked for a
// draw only where the draw is used (k-diffusion's `sample_dpm_2` draws `randn_like` on every step and
// uses it only when gamma > 0; its ancestral samplers skip the noise on the last step).

/** `E[x0 | x0 + sigma n = x]`, float64, row-major. */
export type PosteriorMean = (x: Float64Array, sigma: number) => Float64Array;
/** k-diffusion's `noise_sampler(sigma, sigma_next)`: standard normals, one per entry of x. */
export type NoiseSampler = (sigma: number, sigmaNext: number) => ArrayLike<number>;

/** `a x + b y`, entry by entry. */
function combine(a: number, x: ArrayLike<number>, b: number, y: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: x.length }, (_, k) => a * x[k]! + b * y[k]!);
}

/** `to_d`: `(x − denoised) / sigma`. */
function toD(x: Float64Array, sigma: number, denoised: Float64Array): Float64Array {
  return combine(1 / sigma, x, -1 / sigma, denoised);
}

/** `get_ancestral_step(sigma_from, sigma_to, eta)`. */
function getAncestralStep(sigmaFrom: number, sigmaTo: number, eta: number): [number, number] {
  if (!eta) return [sigmaTo, 0];
  const sigmaUp = Math.min(sigmaTo, eta * (sigmaTo ** 2 * (sigmaFrom ** 2 - sigmaTo ** 2) / sigmaFrom ** 2) ** 0.5);
  return [(sigmaTo ** 2 - sigmaUp ** 2) ** 0.5, sigmaUp];
}

/** `log(a).lerp(log(b), 0.5).exp()`. */
function logMidpoint(a: number, b: number): number {
  return Math.exp(Math.log(a) + 0.5 * (Math.log(b) - Math.log(a)));
}

/** `sample_dpm_2` with churn (`s_churn`, `s_tmin`, `s_tmax`, `s_noise`); the state after every step. */
export function kDiffusionDpm2(model: PosteriorMean, start: Float64Array, sigmas: readonly number[], churn: { sChurn: number; sTmin: number; sTmax: number; sNoise: number }, noise: NoiseSampler): Float64Array[] {
  let x = start;
  const states: Float64Array[] = [];
  for (let i = 0; i < sigmas.length - 1; i += 1) {
    const gamma = churn.sTmin <= sigmas[i]! && sigmas[i]! <= churn.sTmax ? Math.min(churn.sChurn / (sigmas.length - 1), 2 ** 0.5 - 1) : 0;
    const sigmaHat = sigmas[i]! * (gamma + 1);
    if (gamma > 0) x = combine(1, x, churn.sNoise * (sigmaHat ** 2 - sigmas[i]! ** 2) ** 0.5, noise(sigmas[i]!, sigmas[i + 1]!));
    const denoised = model(x, sigmaHat);
    const d = toD(x, sigmaHat, denoised);
    if (sigmas[i + 1] === 0) {
      // Euler method
      const dt = sigmas[i + 1]! - sigmaHat;
      x = combine(1, x, dt, d);
    } else {
      // DPM-Solver-2
      const sigmaMid = logMidpoint(sigmaHat, sigmas[i + 1]!);
      const dt1 = sigmaMid - sigmaHat;
      const dt2 = sigmas[i + 1]! - sigmaHat;
      const x2 = combine(1, x, dt1, d);
      const denoised2 = model(x2, sigmaMid);
      const d2 = toD(x2, sigmaMid, denoised2);
      x = combine(1, x, dt2, d2);
    }
    states.push(x);
  }
  return states;
}

/** `sample_dpm_2_ancestral(eta, s_noise)`; the state after every step. */
export function kDiffusionDpm2Ancestral(model: PosteriorMean, start: Float64Array, sigmas: readonly number[], eta: number, sNoise: number, noise: NoiseSampler): Float64Array[] {
  let x = start;
  const states: Float64Array[] = [];
  for (let i = 0; i < sigmas.length - 1; i += 1) {
    const denoised = model(x, sigmas[i]!);
    const [sigmaDown, sigmaUp] = getAncestralStep(sigmas[i]!, sigmas[i + 1]!, eta);
    const d = toD(x, sigmas[i]!, denoised);
    if (sigmaDown === 0) {
      // Euler method
      const dt = sigmaDown - sigmas[i]!;
      x = combine(1, x, dt, d);
    } else {
      // DPM-Solver-2
      const sigmaMid = logMidpoint(sigmas[i]!, sigmaDown);
      const dt1 = sigmaMid - sigmas[i]!;
      const dt2 = sigmaDown - sigmas[i]!;
      const x2 = combine(1, x, dt1, d);
      const denoised2 = model(x2, sigmaMid);
      const d2 = toD(x2, sigmaMid, denoised2);
      x = combine(1, x, dt2, d2);
      if (sigmaUp * sNoise > 0) x = combine(1, x, sNoise * sigmaUp, noise(sigmas[i]!, sigmas[i + 1]!));
    }
    states.push(x);
  }
  return states;
}

const sigmaFn = (t: number) => Math.exp(-t);
const tFn = (sigma: number) => -Math.log(sigma);

/** `sample_dpmpp_2s_ancestral(eta, s_noise)`; the state after every step. */
export function kDiffusionDpmpp2sAncestral(model: PosteriorMean, start: Float64Array, sigmas: readonly number[], eta: number, sNoise: number, noise: NoiseSampler): Float64Array[] {
  let x = start;
  const states: Float64Array[] = [];
  for (let i = 0; i < sigmas.length - 1; i += 1) {
    const denoised = model(x, sigmas[i]!);
    const [sigmaDown, sigmaUp] = getAncestralStep(sigmas[i]!, sigmas[i + 1]!, eta);
    if (sigmaDown === 0) {
      // Euler method
      const d = toD(x, sigmas[i]!, denoised);
      const dt = sigmaDown - sigmas[i]!;
      x = combine(1, x, dt, d);
    } else {
      // DPM-Solver++(2S)
      const t = tFn(sigmas[i]!);
      const tNext = tFn(sigmaDown);
      const r = 1 / 2;
      const h = tNext - t;
      const s = t + r * h;
      const x2 = combine(sigmaFn(s) / sigmaFn(t), x, -Math.expm1(-h * r), denoised);
      const denoised2 = model(x2, sigmaFn(s));
      x = combine(sigmaFn(tNext) / sigmaFn(t), x, -Math.expm1(-h), denoised2);
    }
    // Noise addition
    if (sigmas[i + 1]! > 0 && sigmaUp * sNoise > 0) x = combine(1, x, sNoise * sigmaUp, noise(sigmas[i]!, sigmas[i + 1]!));
    states.push(x);
  }
  return states;
}

/** `sample_dpmpp_sde(eta, s_noise, r)`; the state after every step. */
export function kDiffusionDpmppSde(model: PosteriorMean, start: Float64Array, sigmas: readonly number[], eta: number, sNoise: number, r: number, noise: NoiseSampler): Float64Array[] {
  let x = start;
  const states: Float64Array[] = [];
  for (let i = 0; i < sigmas.length - 1; i += 1) {
    const denoised = model(x, sigmas[i]!);
    if (sigmas[i + 1] === 0) {
      // Euler method
      const d = toD(x, sigmas[i]!, denoised);
      const dt = sigmas[i + 1]! - sigmas[i]!;
      x = combine(1, x, dt, d);
    } else {
      // DPM-Solver++
      const t = tFn(sigmas[i]!);
      const tNext = tFn(sigmas[i + 1]!);
      const h = tNext - t;
      const s = t + h * r;
      const fac = 1 / (2 * r);

      // Step 1
      let [sd, su] = getAncestralStep(sigmaFn(t), sigmaFn(s), eta);
      const sPrime = tFn(sd);
      let x2 = combine(sigmaFn(sPrime) / sigmaFn(t), x, -Math.expm1(t - sPrime), denoised);
      if (su * sNoise > 0) x2 = combine(1, x2, sNoise * su, noise(sigmaFn(t), sigmaFn(s)));
      const denoised2 = model(x2, sigmaFn(s));

      // Step 2
      [sd, su] = getAncestralStep(sigmaFn(t), sigmaFn(tNext), eta);
      const tNextPrime = tFn(sd);
      const denoisedD = combine(1 - fac, denoised, fac, denoised2);
      x = combine(sigmaFn(tNextPrime) / sigmaFn(t), x, -Math.expm1(t - tNextPrime), denoisedD);
      if (su * sNoise > 0) x = combine(1, x, sNoise * su, noise(sigmaFn(t), sigmaFn(tNext)));
    }
    states.push(x);
  }
  return states;
}
