// Small schedules built by hand for the tests, so that the weightings and densities are checked
// against closed forms that do not come from @diffusion/schedules.
import type { DiscreteSchedule, Schedule } from '@diffusion/core';

/** A T-step discrete chain from its betas (DDPM notation; arrays indexed from 0 = step 1). */
export function createBetaChain(betasInput: ArrayLike<number>): DiscreteSchedule {
  const betas = Float64Array.from(betasInput);
  const steps = betas.length;
  const lambdas = betas.map((beta) => Math.sqrt(1 - beta));
  const alphasCumprod = new Float64Array(steps);
  betas.reduce((product, beta, index) => (alphasCumprod[index] = product * (1 - beta)), 1);
  const logSnrs = alphasCumprod.map((alphaBar) => Math.log(alphaBar) - Math.log1p(-alphaBar));
  // Continuous view: log-SNR linear between steps k/T; below step 1 extrapolated from steps 1 and 2.
  const logSnrAtStep = (step: number): number => {
    if (step <= 1) return logSnrs[0]! + (1 - step) * (logSnrs[0]! - (logSnrs[1] ?? logSnrs[0]! - 1));
    const low = Math.min(steps - 1, Math.floor(step));
    const fraction = step - low;
    return low >= steps ? logSnrs[steps - 1]! : logSnrs[low - 1]! + fraction * ((logSnrs[low] ?? logSnrs[low - 1]!) - logSnrs[low - 1]!);
  };
  const logSnr = (t: number): number => logSnrAtStep(t * steps);
  const sigmaVe = (timestep: number): number => Math.exp(-logSnrAtStep(timestep + 1) / 2);
  return {
    name: 'test-beta-chain',
    specificationVersion: 'v1',
    options: { betas: Array.from(betas) },
    numTrainTimesteps: steps,
    betas,
    lambdas,
    alphasCumprod,
    alpha: (t) => Math.sqrt(1 / (1 + Math.exp(-logSnr(t)))),
    sigma: (t) => Math.sqrt(1 / (1 + Math.exp(logSnr(t)))),
    logSnr,
    tOfLogSnr(target) {
      let low = 0;
      let high = 1;
      for (let iteration = 0; iteration < 200; iteration += 1) {
        const middle = (low + high) / 2;
        if (logSnr(middle) > target) low = middle;
        else high = middle;
      }
      return (low + high) / 2;
    },
    timesteps: (count) => Float64Array.from({ length: count }, (_, index) => steps - 1 - Math.floor((index * steps) / count)),
    sigmaAtTimestep: sigmaVe,
    timestepOfSigma: () => {
      throw new Error('not used in these tests');
    },
  };
}

/** Linear betas from betaStart to betaEnd over T steps (DDPM's schedule). */
export function linearBetas(steps: number, betaStart = 1e-4, betaEnd = 0.02): Float64Array {
  return Float64Array.from({ length: steps }, (_, index) => betaStart + ((betaEnd - betaStart) * index) / Math.max(1, steps - 1));
}

/** A continuous schedule with its analytic d logSnr / dt. */
export interface AnalyticSchedule extends Schedule {
  logSnrDerivative(t: number): number;
}

/** Variance-preserving cosine schedule interpolated in log-SNR: logSnr(t) = -2 log tan(a + t (b - a)). */
export function createCosineTestSchedule(logSnrMin = -15, logSnrMax = 15): AnalyticSchedule {
  const a = Math.atan(Math.exp(-logSnrMax / 2));
  const b = Math.atan(Math.exp(-logSnrMin / 2));
  const logSnr = (t: number): number => -2 * Math.log(Math.tan(a + t * (b - a)));
  return {
    name: 'test-cosine',
    specificationVersion: 'v1',
    options: { logSnrMin, logSnrMax },
    alpha: (t) => Math.sqrt(1 / (1 + Math.exp(-logSnr(t)))),
    sigma: (t) => Math.sqrt(1 / (1 + Math.exp(logSnr(t)))),
    logSnr,
    tOfLogSnr: (value) => (Math.atan(Math.exp(-value / 2)) - a) / (b - a),
    logSnrDerivative: (t) => (-4 * (b - a)) / Math.sin(2 * (a + t * (b - a))),
  };
}

/** Variance-exploding Karras schedule: sigma(t) = (sigmaMin^(1/rho) + t (sigmaMax^(1/rho) - sigmaMin^(1/rho)))^rho. */
export function createKarrasTestSchedule(sigmaMin = 0.002, sigmaMax = 80, rho = 7): AnalyticSchedule {
  const low = sigmaMin ** (1 / rho);
  const span = sigmaMax ** (1 / rho) - low;
  const sigma = (t: number): number => (low + t * span) ** rho;
  return {
    name: 'test-karras',
    specificationVersion: 'v1',
    options: { sigmaMin, sigmaMax, rho },
    alpha: () => 1,
    sigma,
    logSnr: (t) => -2 * Math.log(sigma(t)),
    tOfLogSnr: (value) => (Math.exp(-value / (2 * rho)) - low) / span,
    logSnrDerivative: (t) => (-2 * rho * span) / (low + t * span),
  };
}
