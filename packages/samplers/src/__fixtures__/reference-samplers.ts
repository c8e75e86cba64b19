// Test-only, independent float64 references of diffusers' schedulers, written in their own
// coordinates (x_VP and timesteps for DDPM, DDIM, UniPC; diffusers' sigma tables with
// `scale_model_input` for Euler, Heun, LMS) from the papers' formulas, driven by the exact
// VP epsilon model. None of this shares code with src/.
import { abarAt, alphasCumprod, epsilonVp, posteriorMean, sigmaAt, trainTimesteps } from './mixture';

/** A reference state: the sample in the scheduler's coordinates and its scale to sigma-space. */
export interface ReferenceState {
  /** The sample after the step (x_VP for VP schedulers, diffusers' x for sigma-table ones). */
  readonly x: Float64Array;
  /** Divide `x` by this to compare in sigma-space (sqrt(ᾱ_prev) for VP, 1 otherwise). */
  readonly scale: number;
}

const axpy = (a: number, x: Float64Array, b: number, y: ArrayLike<number>) => Float64Array.from(x, (value, index) => a * value + b * y[index]!);

/** DDPM, Ho et al. (2020) Alg. 2 / eq. 7 with diffusers' strided `prev_t = t − T/n`; `noises[k]` is the k-th draw. */
export function referenceDdpm(xT: Float64Array, timesteps: readonly number[], noises: readonly ArrayLike<number>[], variance: 'fixed_small' | 'fixed_large'): ReferenceState[] {
  const states: ReferenceState[] = [];
  let x = xT;
  let draw = 0;
  for (const t of timesteps) {
    const previousT = t - Math.floor(trainTimesteps / timesteps.length);
    const abar = alphasCumprod[t]!;
    const abarPrevious = previousT >= 0 ? alphasCumprod[previousT]! : 1;
    const alpha = abar / abarPrevious;
    const beta = 1 - alpha;
    const eps = epsilonVp(x, abar);
    const x0 = Float64Array.from(x, (value, index) => (value - Math.sqrt(1 - abar) * eps[index]!) / Math.sqrt(abar));
    // Posterior mean mu~_t (eq. 7).
    let next = axpy((Math.sqrt(abarPrevious) * beta) / (1 - abar), x0, (Math.sqrt(alpha) * (1 - abarPrevious)) / (1 - abar), x);
    if (t > 0) {
      const posterior = Math.max(((1 - abarPrevious) / (1 - abar)) * beta, 1e-20);
      const std = Math.sqrt(variance === 'fixed_small' ? posterior : beta);
      next = axpy(1, next, std, noises[draw]!);
      draw += 1;
    }
    x = next;
    states.push({ x, scale: Math.sqrt(abarPrevious) });
  }
  return states;
}

/** DDIM, Song et al. (2021) eq. 12 with diffusers' `prev_t = t − T/n` and `set_alpha_to_one`. */
export function referenceDdim(xT: Float64Array, timesteps: readonly number[], eta: number, noises: readonly ArrayLike<number>[]): ReferenceState[] {
  const states: ReferenceState[] = [];
  let x = xT;
  timesteps.forEach((t, index) => {
    const previousT = t - Math.floor(trainTimesteps / timesteps.length);
    const abar = alphasCumprod[t]!;
    const abarPrevious = previousT >= 0 ? alphasCumprod[previousT]! : 1;
    const eps = epsilonVp(x, abar);
    const x0 = Float64Array.from(x, (value, k) => (value - Math.sqrt(1 - abar) * eps[k]!) / Math.sqrt(abar));
    const std = eta * Math.sqrt(((1 - abarPrevious) / (1 - abar)) * (1 - abar / abarPrevious));
    let next = axpy(Math.sqrt(abarPrevious), x0, Math.sqrt(1 - abarPrevious - std * std), eps);
    if (std > 0) next = axpy(1, next, std, noises[index]!);
    x = next;
    states.push({ x, scale: Math.sqrt(abarPrevious) });
  });
  return states;
}

/** diffusers' sigma-table schedulers see the VP model through `scale_model_input`: x / sqrt(sigma² + 1). */
function epsilonOfScaled(x: Float64Array, sigma: number, t: number): Float64Array {
  return epsilonVp(Float64Array.from(x, (value) => value / Math.sqrt(sigma * sigma + 1)), abarAt(t));
}

/** The sigma table of Euler/Heun/LMS: sigma(t) at each timestep, then 0. */
function sigmaTable(timesteps: readonly number[]): number[] {
  return [...timesteps.map(sigmaAt), 0];
}

/** Euler, Karras et al. (2022) Alg. 1 as diffusers' `EulerDiscreteScheduler` (epsilon model, no churn). */
export function referenceEuler(xT: Float64Array, timesteps: readonly number[]): ReferenceState[] {
  const sigmas = sigmaTable(timesteps);
  let x = Float64Array.from(xT, (value) => value * sigmas[0]!);
  return timesteps.map((t, index) => {
    const sigma = sigmas[index]!;
    const eps = epsilonOfScaled(x, sigma, t);
    // x0 = x − sigma eps, so the derivative (x − x0)/sigma is eps.
    x = axpy(1, x, sigmas[index + 1]! - sigma, eps);
    return { x, scale: 1 };
  });
}

/** Heun, Karras et al. (2022) Alg. 1 as diffusers' `HeunDiscreteScheduler` state machine (repeated sigmas). */
export function referenceHeun(xT: Float64Array, timesteps: readonly number[]): ReferenceState[] {
  const base = sigmaTable(timesteps);
  const sigmas = [base[0]!, ...base.slice(1, -1).flatMap((sigma) => [sigma, sigma]), 0];
  const times = [timesteps[0]!, ...timesteps.slice(1).flatMap((t) => [t, t])];
  let x = Float64Array.from(xT, (value) => value * base[0]!);
  let previousDerivative: Float64Array | undefined;
  let dt = 0;
  let saved = x;
  const states: ReferenceState[] = [];
  times.forEach((t, k) => {
    const modelSigma = sigmas[k]!;
    const eps = epsilonOfScaled(x, modelSigma, t);
    if (previousDerivative === undefined) {
      const sigma = sigmas[k]!;
      const x0 = axpy(1, x, -sigma, eps);
      const derivative = Float64Array.from(x, (value, i) => (value - x0[i]!) / sigma);
      dt = sigmas[k + 1]! - sigma;
      previousDerivative = derivative;
      saved = x;
      x = axpy(1, x, dt, derivative);
      if (k === times.length - 1) states.push({ x, scale: 1 });
    } else {
      const sigmaNext = sigmas[k]!;
      const x0 = axpy(1, x, -sigmaNext, eps);
      const derivative = Float64Array.from(x, (value, i) => ((value - x0[i]!) / sigmaNext + previousDerivative![i]!) / 2);
      x = axpy(1, saved, dt, derivative);
      previousDerivative = undefined;
      states.push({ x, scale: 1 });
    }
  });
  return states;
}

/** Composite Simpson's rule with 4 panels (exact for cubics, the LMS-4 basis). */
function simpson(f: (tau: number) => number, from: number, to: number): number {
  const panels = 4;
  const width = (to - from) / panels;
  let total = f(from) + f(to);
  for (let i = 1; i < panels; i += 1) total += (i % 2 === 1 ? 4 : 2) * f(from + i * width);
  return (total * width) / 3;
}

/** Linear multistep as diffusers' `LMSDiscreteScheduler` (order 4), coefficients by Simpson's rule. */
export function referenceLms(xT: Float64Array, timesteps: readonly number[], order = 4): ReferenceState[] {
  const sigmas = sigmaTable(timesteps);
  let x = Float64Array.from(xT, (value) => value * sigmas[0]!);
  const derivatives: Float64Array[] = [];
  return timesteps.map((t, index) => {
    const sigma = sigmas[index]!;
    derivatives.push(epsilonOfScaled(x, sigma, t));
    if (derivatives.length > order) derivatives.shift();
    const current = Math.min(index + 1, order);
    for (let j = 0; j < current; j += 1) {
      const basis = (tau: number) => {
        let product = 1;
        for (let k = 0; k < current; k += 1) if (k !== j) product *= (tau - sigmas[index - k]!) / (sigmas[index - j]! - sigmas[index - k]!);
        return product;
      };
      x = axpy(1, x, simpson(basis, sigma, sigmas[index + 1]!), derivatives[derivatives.length - 1 - j]!);
    }
    return { x, scale: 1 };
  });
}

/** Solves a 1×1, 2×2 or 3×3 system by Cramer's rule. */
function cramer(matrix: number[][], rhs: number[]): number[] {
  const det = (m: number[][]): number =>
    m.length === 1 ? m[0]![0]! : m.length === 2 ? m[0]![0]! * m[1]![1]! - m[0]![1]! * m[1]![0]! : m[0]!.reduce((sum, entry, column) => sum + (column % 2 === 0 ? 1 : -1) * entry * det(m.slice(1).map((row) => row.filter((_, c) => c !== column))), 0);
  const whole = det(matrix);
  return rhs.map((_, column) => det(matrix.map((row, r) => row.map((entry, c) => (c === column ? rhs[r]! : entry)))) / whole);
}

/**
 * UniPC (Zhao et al. 2023, B(h) updates, data prediction) as diffusers' `UniPCMultistepScheduler`
 * with `lower_order_final`, in VP coordinates: alpha_t, sigma_t, λ = log(alpha_t/sigma_t).
 */
export function referenceUnipc(xT: Float64Array, timesteps: readonly number[], order: number, variant: 'bh1' | 'bh2'): ReferenceState[] {
  const sigmaTableVe = [...timesteps.map(sigmaAt), 0];
  const alphaOf = (k: number) => 1 / Math.sqrt(sigmaTableVe[k]! ** 2 + 1);
  const sigmaOf = (k: number) => sigmaTableVe[k]! * alphaOf(k);
  const lambdaOf = (k: number) => Math.log(alphaOf(k)) - Math.log(sigmaOf(k));
  const outputs: Float64Array[] = [];
  let lowerOrderNums = 0;
  let lastSample: Float64Array | undefined;
  let thisOrder = 1;
  let x = xT;
  const states: ReferenceState[] = [];
  // Shared shape of UniP (target k+1 from k) and UniC (target k from k−1).
  const update = (from: number, to: number, start: Float64Array, m0: Float64Array, older: Float64Array[], p: number, corrector: Float64Array | undefined) => {
    const h = lambdaOf(to) - lambdaOf(from);
    const rks = older.map((_, i) => (lambdaOf(from - 1 - i) - lambdaOf(from)) / h);
    const d1s = older.map((m, i) => Float64Array.from(m, (value, k) => (value - m0[k]!) / rks[i]!));
    const hh = -h;
    const hPhi1 = Math.expm1(hh);
    const bH = variant === 'bh1' ? hh : Math.expm1(hh);
    const ks = [...rks, 1];
    const matrix: number[][] = [];
    const b: number[] = [];
    let hPhiK = hPhi1 / hh - 1;
    let factorial = 1;
    for (let i = 1; i <= p; i += 1) {
      matrix.push(ks.map((rk) => rk ** (i - 1)));
      b.push((hPhiK * factorial) / bH);
      factorial *= i + 1;
      hPhiK = hPhiK / hh - 1 / factorial;
    }
    let next = Float64Array.from(start, (value, k) => (sigmaOf(to) / sigmaOf(from)) * value - alphaOf(to) * hPhi1 * m0[k]!);
    if (corrector === undefined) {
      if (d1s.length === 0) return next;
      const rhos = p === 2 ? [0.5] : cramer(matrix.slice(0, -1).map((row) => row.slice(0, -1)), b.slice(0, -1));
      d1s.forEach((d, i) => (next = axpy(1, next, -alphaOf(to) * bH * rhos[i]!, d)));
      return next;
    }
    const rhos = p === 1 ? [0.5] : cramer(matrix, b);
    d1s.forEach((d, i) => (next = axpy(1, next, -alphaOf(to) * bH * rhos[i]!, d)));
    return axpy(1, next, -alphaOf(to) * bH * rhos[p - 1]!, Float64Array.from(corrector, (value, k) => value - m0[k]!));
  };
  timesteps.forEach((t, index) => {
    const eps = epsilonVp(x, alphasCumprod[t]!);
    const x0 = Float64Array.from(x, (value, k) => (value - sigmaOf(index) * eps[k]!) / alphaOf(index));
    if (index > 0 && lastSample !== undefined) {
      const m0 = outputs[outputs.length - 1]!;
      const older = outputs.slice(0, -1).reverse().slice(0, thisOrder - 1);
      x = update(index - 1, index, lastSample, m0, older, thisOrder, x0);
    }
    outputs.push(x0);
    if (outputs.length > order) outputs.shift();
    thisOrder = Math.min(Math.min(order, timesteps.length - index), lowerOrderNums + 1);
    lastSample = x;
    const older = outputs.slice(0, -1).reverse().slice(0, thisOrder - 1);
    x = update(index, index + 1, x, x0, older, thisOrder, undefined);
    lowerOrderNums = Math.min(lowerOrderNums + 1, order);
    states.push({ x, scale: alphaOf(index + 1) });
  });
  return states;
}

/** Options of {@link referenceDpmSolver}: diffusers `DPMSolverMultistepScheduler` settings. */
export interface DpmSolverReferenceOptions {
  readonly order: 2 | 3;
  readonly solverType: 'midpoint' | 'heun';
  /** `sde-dpmsolver++` (true) or `dpmsolver++` (false). */
  readonly sde: boolean;
  /** `noises[k]` is the noise of step k (SDE only). */
  readonly noises?: readonly ArrayLike<number>[];
}

/**
 * DPM-Solver++ (Lu et al. 2022b, multistep, data prediction) and its SDE variant as diffusers'
 * `DPMSolverMultistepScheduler` with `lower_order_final`, in VP coordinates (alpha_t, sigma_t, λ).
 */
export function referenceDpmSolver(xT: Float64Array, timesteps: readonly number[], options: DpmSolverReferenceOptions): ReferenceState[] {
  const table = [...timesteps.map(sigmaAt), 0];
  const alphaOf = (k: number) => 1 / Math.sqrt(table[k]! ** 2 + 1);
  const sigmaOf = (k: number) => table[k]! * alphaOf(k);
  const lambdaOf = (k: number) => Math.log(alphaOf(k)) - Math.log(sigmaOf(k));
  const outputs: Float64Array[] = [];
  let lowerOrderNums = 0;
  let x = xT;
  const count = timesteps.length;
  return timesteps.map((t, index) => {
    const eps = epsilonVp(x, alphasCumprod[t]!);
    const m0 = Float64Array.from(x, (value, k) => (value - sigmaOf(index) * eps[k]!) / alphaOf(index));
    outputs.push(m0);
    if (outputs.length > options.order) outputs.shift();
    const lowerOrderFinal = index === count - 1;
    const lowerOrderSecond = index === count - 2 && count < 15;
    const h = lambdaOf(index + 1) - lambdaOf(index);
    const alphaT = alphaOf(index + 1);
    const sigmaT = sigmaOf(index + 1);
    const decay = options.sde ? (sigmaT / sigmaOf(index)) * Math.exp(-h) : sigmaT / sigmaOf(index);
    const d0Weight = options.sde ? alphaT * (1 - Math.exp(-2 * h)) : -alphaT * (Math.exp(-h) - 1);
    let next = axpy(decay, x, d0Weight, m0);
    if (!(lowerOrderNums < 1 || lowerOrderFinal)) {
      const m1 = outputs[outputs.length - 2]!;
      const r0 = (lambdaOf(index) - lambdaOf(index - 1)) / h;
      const d1 = Float64Array.from(m0, (value, k) => (value - m1[k]!) / r0);
      if (options.order === 2 || lowerOrderNums < 2 || lowerOrderSecond) {
        let d1Weight: number;
        if (options.sde) d1Weight = options.solverType === 'midpoint' ? 0.5 * alphaT * (1 - Math.exp(-2 * h)) : alphaT * ((1 - Math.exp(-2 * h)) / (-2 * h) + 1);
        else d1Weight = options.solverType === 'midpoint' ? -0.5 * alphaT * (Math.exp(-h) - 1) : alphaT * ((Math.exp(-h) - 1) / h + 1);
        next = axpy(1, next, d1Weight, d1);
      } else {
        const m2 = outputs[outputs.length - 3]!;
        const r1 = (lambdaOf(index - 1) - lambdaOf(index - 2)) / h;
        const d11 = Float64Array.from(m1, (value, k) => (value - m2[k]!) / r1);
        const d1Mixed = Float64Array.from(d1, (value, k) => value + (r0 / (r0 + r1)) * (value - d11[k]!));
        const d2 = Float64Array.from(d1, (value, k) => (value - d11[k]!) / (r0 + r1));
        next = axpy(1, next, alphaT * ((Math.exp(-h) - 1) / h + 1), d1Mixed);
        next = axpy(1, next, -alphaT * ((Math.exp(-h) - 1 + h) / (h * h) - 0.5), d2);
      }
    }
    if (options.sde && sigmaT > 0) next = axpy(1, next, sigmaT * Math.sqrt(1 - Math.exp(-2 * h)), options.noises![index]!);
    lowerOrderNums = Math.min(lowerOrderNums + 1, options.order);
    x = next;
    return { x, scale: alphaT };
  });
}

/**
 * Heun with churn, Karras et al. (2022) Alg. 2 verbatim in float64 on the sigma-space mixture
 * denoiser (k-diffusion `sample_heun`); `noises[k]` is the k-th churn draw.
 */
export function referenceHeunChurn(start: Float64Array, sigmas: readonly number[], churn: { sChurn: number; sTmin: number; sTmax: number; sNoise: number }, noises: readonly ArrayLike<number>[]): ReferenceState[] {
  const steps = sigmas.length - 1;
  let x = start;
  let draw = 0;
  const states: ReferenceState[] = [];
  for (let i = 0; i < steps; i += 1) {
    const sigma = sigmas[i]!;
    const gamma = churn.sTmin <= sigma && sigma <= churn.sTmax ? Math.min(churn.sChurn / steps, Math.SQRT2 - 1) : 0;
    const sigmaHat = sigma * (gamma + 1);
    if (gamma > 0) x = axpy(1, x, churn.sNoise * Math.sqrt(sigmaHat ** 2 - sigma ** 2), noises[draw++]!);
    const denoised = posteriorMean(x, 1, sigmaHat);
    const d = Float64Array.from(x, (value, k) => (value - denoised[k]!) / sigmaHat);
    const dt = sigmas[i + 1]! - sigmaHat;
    if (sigmas[i + 1] === 0) x = axpy(1, x, dt, d);
    else {
      const x2 = axpy(1, x, dt, d);
      const denoised2 = posteriorMean(x2, 1, sigmas[i + 1]!);
      const d2 = Float64Array.from(x2, (value, k) => (value - denoised2[k]!) / sigmas[i + 1]!);
      x = Float64Array.from(x, (value, k) => value + ((d[k]! + d2[k]!) / 2) * dt);
    }
    states.push({ x, scale: 1 });
  }
  return states;
}

/** DPM-Solver++(3M) SDE as k-diffusion's `sample_dpmpp_3m_sde`, float64; `noises[k]` is the noise of step k. */
export function referenceDpmpp3mSde(start: Float64Array, sigmas: readonly number[], eta: number, noises: readonly ArrayLike<number>[]): ReferenceState[] {
  let x = start;
  let denoised1: Float64Array | undefined;
  let denoised2: Float64Array | undefined;
  let h1: number | undefined;
  let h2: number | undefined;
  const states: ReferenceState[] = [];
  for (let i = 0; i < sigmas.length - 1; i += 1) {
    const denoised = posteriorMean(x, 1, sigmas[i]!);
    let h = 0;
    if (sigmas[i + 1] === 0) x = denoised;
    else {
      h = -Math.log(sigmas[i + 1]!) + Math.log(sigmas[i]!);
      const hEta = h * (eta + 1);
      x = axpy(Math.exp(-hEta), x, -Math.expm1(-hEta), denoised);
      const phi2 = Math.expm1(-hEta) / hEta + 1;
      if (h2 !== undefined) {
        const r0 = h1! / h;
        const r1 = h2 / h;
        const d10 = Float64Array.from(denoised, (value, k) => (value - denoised1![k]!) / r0);
        const d11 = Float64Array.from(denoised1!, (value, k) => (value - denoised2![k]!) / r1);
        const d1 = Float64Array.from(d10, (value, k) => value + ((value - d11[k]!) * r0) / (r0 + r1));
        const d2 = Float64Array.from(d10, (value, k) => (value - d11[k]!) / (r0 + r1));
        const phi3 = phi2 / hEta - 0.5;
        x = axpy(1, axpy(1, x, phi2, d1), -phi3, d2);
      } else if (h1 !== undefined) {
        const r = h1 / h;
        x = axpy(1, x, phi2 / r, Float64Array.from(denoised, (value, k) => value - denoised1![k]!));
      }
      if (eta > 0) x = axpy(1, x, sigmas[i + 1]! * Math.sqrt(-Math.expm1(-2 * h * eta)), noises[i]!);
    }
    denoised2 = denoised1;
    denoised1 = denoised;
    h2 = h1;
    h1 = h;
    states.push({ x, scale: 1 });
  }
  return states;
}
