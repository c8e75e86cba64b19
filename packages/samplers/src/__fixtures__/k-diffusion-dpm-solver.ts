// Test-only: a float64 plain-JS transcription of k-diffusion's DPM-Solver (k_diffusion/sampling.py at
// crowsonkb/k-diffusion 4601bf0: `DPMSolver.dpm_solver_{1,2,3}_step`, `dpm_solver_fast`,
// `dpm_solver_adaptive`, `PIDStepSizeController`, `get_ancestral_step`), kept in k-diffusion's own
// coordinates (t = −log sigma, eps cache by key), line by line, so that the samplers can be checked
// against it. Not shared with the samplers' code on purpose.

/** A float64 denoiser: rows of x (flat) at sigma → E[x0 | x]. */
export type Denoise64 = (x: Float64Array, sigma: number) => Float64Array;
/** k-diffusion's `noise_sampler(sigma, sigma_next)`. */
export type NoiseSampler64 = (sigma: number, sigmaNext: number) => Float64Array;

/** One state the transcription passed through. */
export interface ReferenceStep {
  readonly sigma: number;
  readonly sigmaNext: number;
  readonly x: Float64Array;
}

/** `a + sum_k c_k v_k`, elementwise. */
function combine(base: Float64Array, ...terms: [number, Float64Array][]): Float64Array {
  const out = Float64Array.from(base);
  for (const [coefficient, values] of terms) for (let index = 0; index < out.length; index += 1) out[index]! += coefficient * values[index]!;
  return out;
}

const sigmaOf = (t: number) => Math.exp(-t);
const tOf = (sigma: number) => -Math.log(sigma);

/** k-diffusion `get_ancestral_step`. */
export function getAncestralStep(sigmaFrom: number, sigmaTo: number, eta: number): [number, number] {
  if (!eta) return [sigmaTo, 0];
  const sigmaUp = Math.min(sigmaTo, eta * ((sigmaTo ** 2 * (sigmaFrom ** 2 - sigmaTo ** 2)) / sigmaFrom ** 2) ** 0.5);
  const sigmaDown = (sigmaTo ** 2 - sigmaUp ** 2) ** 0.5;
  return [sigmaDown, sigmaUp];
}

/** k-diffusion `DPMSolver` over a float64 denoiser, counting model calls. */
class DpmSolver64 {
  calls = 0;
  constructor(private readonly model: Denoise64) {}

  eps(cache: Map<string, Float64Array>, key: string, x: Float64Array, t: number): Float64Array {
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    const sigma = sigmaOf(t);
    const denoised = this.model(x, sigma);
    this.calls += 1;
    const eps = Float64Array.from(x, (value, index) => (value - denoised[index]!) / sigma);
    cache.set(key, eps);
    return eps;
  }

  step1(x: Float64Array, t: number, tNext: number, cache: Map<string, Float64Array>): Float64Array {
    const h = tNext - t;
    const eps = this.eps(cache, 'eps', x, t);
    return combine(x, [-sigmaOf(tNext) * Math.expm1(h), eps]);
  }

  step2(x: Float64Array, t: number, tNext: number, r1: number, cache: Map<string, Float64Array>): Float64Array {
    const h = tNext - t;
    const eps = this.eps(cache, 'eps', x, t);
    const s1 = t + r1 * h;
    const u1 = combine(x, [-sigmaOf(s1) * Math.expm1(r1 * h), eps]);
    const epsR1 = this.eps(cache, 'eps_r1', u1, s1);
    return combine(x, [-sigmaOf(tNext) * Math.expm1(h), eps], [(-sigmaOf(tNext) / (2 * r1)) * Math.expm1(h), epsR1], [(sigmaOf(tNext) / (2 * r1)) * Math.expm1(h), eps]);
  }

  step3(x: Float64Array, t: number, tNext: number, r1: number, r2: number, cache: Map<string, Float64Array>): Float64Array {
    const h = tNext - t;
    const eps = this.eps(cache, 'eps', x, t);
    const s1 = t + r1 * h;
    const s2 = t + r2 * h;
    const u1 = combine(x, [-sigmaOf(s1) * Math.expm1(r1 * h), eps]);
    const epsR1 = this.eps(cache, 'eps_r1', u1, s1);
    const c2 = sigmaOf(s2) * (r2 / r1) * (Math.expm1(r2 * h) / (r2 * h) - 1);
    const u2 = combine(x, [-sigmaOf(s2) * Math.expm1(r2 * h), eps], [-c2, epsR1], [c2, eps]);
    const epsR2 = this.eps(cache, 'eps_r2', u2, s2);
    const c3 = (sigmaOf(tNext) / r2) * (Math.expm1(h) / h - 1);
    return combine(x, [-sigmaOf(tNext) * Math.expm1(h), eps], [-c3, epsR2], [c3, eps]);
  }
}

/** Zero noise: k-diffusion draws it even when eta is 0 (and multiplies it by su = 0). */
const noNoise = (size: number): NoiseSampler64 => () => new Float64Array(size);

/** k-diffusion `sample_dpm_fast(model, x, sigma_min, sigma_max, n, eta, s_noise, noise_sampler)`: the final sample (at sigma_min) and every step. */
export function kDiffusionDpmFast(model: Denoise64, x0: Float64Array, sigmaMin: number, sigmaMax: number, n: number, eta = 0, sNoise = 1, noiseSampler: NoiseSampler64 = noNoise(x0.length)): { x: Float64Array; steps: ReferenceStep[]; calls: number } {
  const solver = new DpmSolver64(model);
  const tStart = tOf(sigmaMax);
  const tEnd = tOf(sigmaMin);
  const m = Math.floor(n / 3) + 1;
  const ts = Array.from({ length: m + 1 }, (_, index) => tStart + ((tEnd - tStart) * index) / m);
  const orders = n % 3 === 0 ? [...Array<number>(m - 2).fill(3), 2, 1] : [...Array<number>(m - 1).fill(3), n % 3];
  let x = x0;
  const steps: ReferenceStep[] = [];
  for (let i = 0; i < orders.length; i += 1) {
    const cache = new Map<string, Float64Array>();
    const t = ts[i]!;
    const tNext = ts[i + 1]!;
    let tNextAncestral = tNext;
    let su = 0;
    if (eta) {
      const [sd, up] = getAncestralStep(sigmaOf(t), sigmaOf(tNext), eta);
      void up;
      tNextAncestral = Math.min(tEnd, tOf(sd));
      su = (sigmaOf(tNext) ** 2 - sigmaOf(tNextAncestral) ** 2) ** 0.5;
    }
    solver.eps(cache, 'eps', x, t);
    if (orders[i] === 1) x = solver.step1(x, t, tNextAncestral, cache);
    else if (orders[i] === 2) x = solver.step2(x, t, tNextAncestral, 1 / 2, cache);
    else x = solver.step3(x, t, tNextAncestral, 1 / 3, 2 / 3, cache);
    x = combine(x, [su * sNoise, noiseSampler(sigmaOf(t), sigmaOf(tNext))]);
    steps.push({ sigma: sigmaOf(t), sigmaNext: sigmaOf(tNext), x });
  }
  return { x, steps, calls: solver.calls };
}

/** k-diffusion `PIDStepSizeController`. */
export class PidController64 {
  private readonly b1: number;
  private readonly b2: number;
  private readonly b3: number;
  private errs: number[] = [];
  constructor(
    public h: number,
    pcoeff: number,
    icoeff: number,
    dcoeff: number,
    order: number,
    private readonly acceptSafety: number,
    private readonly eps = 1e-8,
  ) {
    this.b1 = (pcoeff + icoeff + dcoeff) / order;
    this.b2 = -(pcoeff + 2 * dcoeff) / order;
    this.b3 = dcoeff / order;
  }

  proposeStep(error: number): boolean {
    const invError = 1 / (error + this.eps);
    if (this.errs.length === 0) this.errs = [invError, invError, invError];
    this.errs[0] = invError;
    let factor = this.errs[0] ** this.b1 * this.errs[1]! ** this.b2 * this.errs[2]! ** this.b3;
    factor = 1 + Math.atan(factor - 1);
    const accept = factor >= this.acceptSafety;
    if (accept) {
      this.errs[2] = this.errs[1]!;
      this.errs[1] = this.errs[0];
    }
    this.h *= factor;
    return accept;
  }
}

/** Options of {@link kDiffusionDpmAdaptive}, k-diffusion's defaults. */
export interface AdaptiveOptions64 {
  readonly order?: 2 | 3;
  readonly rtol?: number;
  readonly atol?: number;
  readonly hInit?: number;
  readonly pcoeff?: number;
  readonly icoeff?: number;
  readonly dcoeff?: number;
  readonly acceptSafety?: number;
  readonly eta?: number;
  readonly sNoise?: number;
}

/** k-diffusion `sample_dpm_adaptive(..., return_info=True)`: the final sample (at sigma_min), each accepted step and the info. */
export function kDiffusionDpmAdaptive(model: Denoise64, x0: Float64Array, sigmaMin: number, sigmaMax: number, options: AdaptiveOptions64 = {}, noiseSampler: NoiseSampler64 = noNoise(x0.length)): { x: Float64Array; accepted: ReferenceStep[]; info: { steps: number; nfe: number; nAccept: number; nReject: number }; calls: number } {
  const { order = 3, rtol = 0.05, atol = 0.0078, hInit = 0.05, pcoeff = 0, icoeff = 1, dcoeff = 0, acceptSafety = 0.81, eta = 0, sNoise = 1 } = options;
  const solver = new DpmSolver64(model);
  const tStart = tOf(sigmaMax);
  const tEnd = tOf(sigmaMin);
  let s = tStart;
  let x = x0;
  let xPrev = x0;
  const pid = new PidController64(Math.abs(hInit), pcoeff, icoeff, dcoeff, eta ? 1.5 : order, acceptSafety);
  const info = { steps: 0, nfe: 0, nAccept: 0, nReject: 0 };
  const accepted: ReferenceStep[] = [];
  while (s < tEnd - 1e-5) {
    const cache = new Map<string, Float64Array>();
    const t = Math.min(tEnd, s + pid.h);
    let tAncestral = t;
    let su = 0;
    if (eta) {
      const [sd] = getAncestralStep(sigmaOf(s), sigmaOf(t), eta);
      tAncestral = Math.min(tEnd, tOf(sd));
      su = (sigmaOf(t) ** 2 - sigmaOf(tAncestral) ** 2) ** 0.5;
    }
    solver.eps(cache, 'eps', x, s);
    let xLow: Float64Array;
    let xHigh: Float64Array;
    if (order === 2) {
      xLow = solver.step1(x, s, tAncestral, cache);
      xHigh = solver.step2(x, s, tAncestral, 1 / 2, cache);
    } else {
      xLow = solver.step2(x, s, tAncestral, 1 / 3, cache);
      xHigh = solver.step3(x, s, tAncestral, 1 / 3, 2 / 3, cache);
    }
    let squares = 0;
    for (let index = 0; index < x.length; index += 1) {
      const delta = Math.max(atol, rtol * Math.max(Math.abs(xLow[index]!), Math.abs(xPrev[index]!)));
      squares += ((xLow[index]! - xHigh[index]!) / delta) ** 2;
    }
    const error = Math.sqrt(squares) / x.length ** 0.5;
    const accept = pid.proposeStep(error);
    if (accept) {
      xPrev = xLow;
      x = combine(xHigh, [su * sNoise, noiseSampler(sigmaOf(s), sigmaOf(t))]);
      accepted.push({ sigma: sigmaOf(s), sigmaNext: sigmaOf(t), x });
      s = t;
      info.nAccept += 1;
    } else {
      info.nReject += 1;
    }
    info.nfe += order;
    info.steps += 1;
  }
  return { x, accepted, info, calls: solver.calls };
}
