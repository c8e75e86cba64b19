import { checkFinite, checkPositive, checkPositiveInteger, DiffusionError, invalidOption } from '@diffusion/core';

/** Right-hand side `dy/dt = f(t, y)`; returns a new array of `y`'s length (it may not keep `y`). */
export type OdeFunction = (t: number, y: Float64Array) => Float64Array;

/** Options of {@link integrateDormandPrince}. */
export interface DormandPrinceOptions {
  /** Relative tolerance of the local error (> 0, below 1). */
  readonly rtol: number;
  /** Absolute tolerance of the local error (> 0). */
  readonly atol: number;
  /**
   * Ends (exclusive) of the blocks of `y` whose RMS errors are measured separately; the step's
   * error is the largest block RMS (torchdiffeq's mixed norm of a tuple state, so a small block,
   * such as the log-density, is not drowned by a large one). Default: one block, all of `y`.
   */
  readonly blocks?: readonly number[];
  /** Most steps (accepted plus rejected) before giving up (default 10 000). */
  readonly maxSteps?: number;
  /** Name used in error messages (default `'integrateDormandPrince'`). */
  readonly name?: string;
}

/** What {@link integrateDormandPrince} returns. */
export interface DormandPrinceResult {
  /** `y(t1)`. */
  readonly y: Float64Array;
  /** Evaluations of `f` spent, the initial-step selection included. */
  readonly nfe: number;
  readonly acceptedSteps: number;
  readonly rejectedSteps: number;
}

// Dormand & Prince (1980), "A family of embedded Runge-Kutta formulae", table of RK5(4)7M; the
// same tableau as Hairer, Norsett & Wanner, "Solving ODEs I" (1993) table II.5.2.
const nodes = [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1];
const coupling: readonly (readonly number[])[] = [
  [],
  [1 / 5],
  [3 / 40, 9 / 40],
  [44 / 45, -56 / 15, 32 / 9],
  [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
  [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
  [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
];
/** 5th-order weights minus the embedded 4th-order weights (5179/57600, 0, 7571/16695, 393/640, -92097/339200, 187/2100, 1/40). */
const errorWeights = [71 / 57600, 0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40];

/** Safety factor and step-change limits of the standard controller (Hairer et al. II.4, eq. 4.13). */
const safety = 0.9;
const largestIncrease = 10;
const largestDecrease = 0.2;

/**
 * Max over blocks of the RMS of `values_i / (atol + rtol max(|a_i|, |b_i|))` (Hairer et al. II.4, eq. 4.11).
 */
function scaledNorm(values: Float64Array, a: Float64Array, b: Float64Array, rtol: number, atol: number, ends: readonly number[]): number {
  let largest = 0;
  let start = 0;
  for (const end of ends) {
    let sum = 0;
    for (let i = start; i < end; i += 1) sum += (values[i]! / (atol + rtol * Math.max(Math.abs(a[i]!), Math.abs(b[i]!)))) ** 2;
    if (end > start) largest = Math.max(largest, Math.sqrt(sum / (end - start)));
    start = end;
  }
  return largest;
}

/**
 * Adaptive explicit Runge-Kutta integration with the Dormand-Prince 5(4) pair (Dormand & Prince
 * 1980; scipy's RK45 and torchdiffeq's `dopri5`): local extrapolation (the 5th-order solution is
 * kept), first-same-as-last (6 evaluations per step), the error of the embedded 4th-order solution
 * held below `atol + rtol |y|` in the RMS norm, the step scaled by `0.9 err^(-1/5)` within
 * [0.2, 10] (never grown right after a rejection), and the first step chosen by Hairer et al.'s
 * algorithm (II.4, "starting step size"). Integrates from `t0` to `t1` in either direction.
 */
export function integrateDormandPrince(f: OdeFunction, t0: number, t1: number, y0: Float64Array, options: DormandPrinceOptions): DormandPrinceResult {
  const name = options.name ?? 'integrateDormandPrince';
  checkFinite(`${name}.t0`, t0);
  checkFinite(`${name}.t1`, t1);
  const rtol = checkPositive(`${name}.rtol`, options.rtol);
  if (rtol >= 1) throw invalidOption(`${name}.rtol`, rtol, 'a number in (0, 1)');
  const atol = checkPositive(`${name}.atol`, options.atol);
  const maxSteps = checkPositiveInteger(`${name}.maxSteps`, options.maxSteps ?? 10_000);
  const size = y0.length;
  const ends = options.blocks ?? [size];
  ends.forEach((end, index) => {
    if (!Number.isInteger(end) || end < (ends[index - 1] ?? 0) || end > size) throw invalidOption(`${name}.blocks[${index}]`, end, `rising integers in [0, ${size}]`);
  });
  if (ends.at(-1) !== size) throw invalidOption(`${name}.blocks`, ends, `block ends finishing at the state's length ${size}`);

  let nfe = 0;
  const evaluate = (t: number, y: Float64Array): Float64Array => {
    nfe += 1;
    const derivative = f(t, y);
    if (derivative.length !== size) throw new DiffusionError('shape-mismatch', `${name}: the ODE function returned ${derivative.length} values at t = ${t}; expected ${size}.`, { field: `${name}.f`, value: derivative.length, allowed: String(size) });
    for (let i = 0; i < size; i += 1) {
      if (!Number.isFinite(derivative[i]!)) throw new DiffusionError('non-finite', `${name}: the ODE function returned ${derivative[i]} at t = ${t} (entry ${i}).`, { field: `${name}.f`, value: derivative[i], allowed: 'finite derivatives' });
    }
    return derivative;
  };
  const direction = Math.sign(t1 - t0);
  let y = Float64Array.from(y0);
  if (direction === 0) return { y, nfe: 0, acceptedSteps: 0, rejectedSteps: 0 };

  // Starting step size (Hairer et al. II.4): h0 = 0.01 |y0| / |f0|, one explicit Euler trial step,
  // then h = min(100 h0, (0.01 / max(|f0|, |f1 - f0| / h0))^(1/5)) in the scaled norm.
  let derivative = evaluate(t0, y);
  const zero = new Float64Array(size);
  const d0 = scaledNorm(y, y, zero, rtol, atol, ends);
  const d1 = scaledNorm(derivative, y, zero, rtol, atol, ends);
  const h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : (0.01 * d0) / d1;
  const trial = y.map((value, i) => value + direction * h0 * derivative[i]!);
  const trialDerivative = evaluate(t0 + direction * h0, trial);
  const d2 = scaledNorm(trialDerivative.map((value, i) => value - derivative[i]!), y, zero, rtol, atol, ends) / h0;
  const h1 = Math.max(d1, d2) <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : (0.01 / Math.max(d1, d2)) ** (1 / 5);
  let step = Math.min(100 * h0, h1, Math.abs(t1 - t0));

  let t = t0;
  let acceptedSteps = 0;
  let rejectedSteps = 0;
  let rejectedLast = false;
  const stages: Float64Array[] = new Array<Float64Array>(7);
  const stageState = new Float64Array(size);
  while (direction * (t1 - t) > 0) {
    if (acceptedSteps + rejectedSteps >= maxSteps) {
      throw new DiffusionError('invalid-option', `${name}: no convergence within maxSteps = ${maxSteps} (reached t = ${t} of ${t1}, step ${step}); loosen rtol/atol or raise maxSteps.`, { field: `${name}.maxSteps`, value: maxSteps, allowed: 'more steps, or looser rtol / atol' });
    }
    const last = step >= Math.abs(t1 - t);
    const h = direction * (last ? Math.abs(t1 - t) : step);
    if (t + h === t) throw new DiffusionError('non-finite', `${name}: the step size underflowed at t = ${t} (step ${step}); the ODE is too stiff for rtol = ${rtol}, atol = ${atol}.`, { field: `${name}.rtol`, value: rtol, allowed: 'looser tolerances' });
    stages[0] = derivative;
    for (let stage = 1; stage < 7; stage += 1) {
      const row = coupling[stage]!;
      for (let i = 0; i < size; i += 1) {
        let increment = 0;
        for (let j = 0; j < stage; j += 1) increment += row[j]! * stages[j]![i]!;
        stageState[i] = y[i]! + h * increment;
      }
      stages[stage] = evaluate(last && stage >= 5 ? t + h : t + nodes[stage]! * h, stageState);
    }
    // Stage 7 is evaluated at the 5th-order solution itself (FSAL), so stageState holds y_{n+1}.
    const next = Float64Array.from(stageState);
    const localError = new Float64Array(size);
    for (let i = 0; i < size; i += 1) {
      let sum = 0;
      for (let j = 0; j < 7; j += 1) sum += errorWeights[j]! * stages[j]![i]!;
      localError[i] = h * sum;
    }
    const error = scaledNorm(localError, y, next, rtol, atol, ends);
    if (error <= 1) {
      t = last ? t1 : t + h;
      y = next;
      derivative = stages[6]!;
      acceptedSteps += 1;
      const factor = error === 0 ? largestIncrease : Math.min(largestIncrease, Math.max(largestDecrease, safety * error ** -0.2));
      step = Math.abs(h) * (rejectedLast ? Math.min(1, factor) : factor);
      rejectedLast = false;
    } else {
      rejectedSteps += 1;
      step = Math.abs(h) * Math.max(largestDecrease, safety * error ** -0.2);
      rejectedLast = true;
    }
  }
  return { y, nfe, acceptedSteps, rejectedSteps };
}
