/** Coefficients of {@link createPidStepSizeController}. */
export interface PidStepSizeControllerOptions {
  /** First step size (in log sigma). */
  readonly h: number;
  /** Proportional, integral and derivative gains (k-diffusion `pcoeff`, `icoeff`, `dcoeff`). */
  readonly pcoeff: number;
  readonly icoeff: number;
  readonly dcoeff: number;
  /** Order of the error estimate the gains are divided by. */
  readonly order: number;
  /** A step is accepted when the proposed factor is at least this (k-diffusion `accept_safety`). */
  readonly acceptSafety: number;
  /** Added to the error before it is inverted (k-diffusion `eps`, 1e-8). */
  readonly epsilon?: number;
}

/** A PID step-size controller: the step size it holds and the decision on each error. */
export interface PidStepSizeController {
  /** The step size to try next. */
  readonly h: number;
  /** Scales `h` from the scaled error of the step just tried; returns whether that step is accepted. */
  proposeStep(error: number): boolean;
}

/**
 * PID step-size control of an ODE solver (Söderlind 2003, "Digital filters in adaptive
 * time-stepping"; k-diffusion `PIDStepSizeController`): the factor
 * `(1/e_n)^b1 (1/e_{n−1})^b2 (1/e_{n−2})^b3` with `b1 = (p + i + d)/k`, `b2 = −(p + 2d)/k`,
 * `b3 = d/k`, softened by the limiter `1 + atan(factor − 1)`, scales the step; the step is accepted
 * when the factor is at least `acceptSafety`, and only accepted errors enter the history.
 */
export function createPidStepSizeController(options: PidStepSizeControllerOptions): PidStepSizeController {
  const b1 = (options.pcoeff + options.icoeff + options.dcoeff) / options.order;
  const b2 = -(options.pcoeff + 2 * options.dcoeff) / options.order;
  const b3 = options.dcoeff / options.order;
  const epsilon = options.epsilon ?? 1e-8;
  let h = options.h;
  let inverseErrors: [number, number, number] | undefined;
  return {
    get h() {
      return h;
    },
    proposeStep(error) {
      const inverse = 1 / (error + epsilon);
      const errors = (inverseErrors ??= [inverse, inverse, inverse]);
      errors[0] = inverse;
      const factor = 1 + Math.atan(errors[0] ** b1 * errors[1] ** b2 * errors[2] ** b3 - 1);
      const accept = factor >= options.acceptSafety;
      if (accept) {
        errors[2] = errors[1];
        errors[1] = errors[0];
      }
      h *= factor;
      return accept;
    },
  };
}
