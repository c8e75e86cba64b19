import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDiscreteSchedule } from './discrete-schedule';
import { createLinearSchedule } from './linear-schedule';
import { posteriorCoefficients } from './posterior-coefficients';
import { expectDiffusionError } from './test-helpers';

const betasArbitrary = fc.array(fc.double({ min: 1e-5, max: 0.6, noNaN: true }), { minLength: 2, maxLength: 40 });

/**
 * q(x_{t-1} | x_t, x0) by conditioning the Gaussian pair directly: prior x_{t-1} | x0 ~
 * N(m x0, v) with m = sqrt(abar_{t-1}), v = 1 - abar_{t-1}, likelihood x_t | x_{t-1} ~
 * N(lambda x_{t-1}, beta). Product of Gaussians: precision 1/v + lambda^2/beta, mean =
 * variance (m x0 / v + lambda x_t / beta).
 */
function conditionDirectly(betas: readonly number[], step: number) {
  let previousMean = 1;
  let previousVariance = 0;
  for (let index = 0; index < step; index += 1) {
    const lambda = Math.sqrt(1 - betas[index]!);
    previousMean *= lambda;
    previousVariance = lambda * lambda * previousVariance + betas[index]!;
  }
  const beta = betas[step]!;
  const lambda = Math.sqrt(1 - beta);
  if (previousVariance === 0) return { x0Coefficient: previousMean, xtCoefficient: 0, variance: 0 };
  const variance = 1 / (1 / previousVariance + (lambda * lambda) / beta);
  return { x0Coefficient: (variance * previousMean) / previousVariance, xtCoefficient: (variance * lambda) / beta, variance };
}

describe('posteriorCoefficients', () => {
  it('matches direct Gaussian conditioning (product of Gaussians) at every step', () => {
    fc.assert(
      fc.property(betasArbitrary, (betas) => {
        const coefficients = posteriorCoefficients(createDiscreteSchedule({ betas }));
        betas.forEach((_, step) => {
          const direct = conditionDirectly(betas, step);
          const close = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-12 * Math.max(Math.abs(expected), 1e-300));
          close(coefficients.x0Coefficient[step]!, direct.x0Coefficient);
          close(coefficients.xtCoefficient[step]!, direct.xtCoefficient);
          close(coefficients.variance[step]!, direct.variance);
        });
      }),
    );
  });

  it('gives a Gaussian whose mean and variance reproduce q(x_{t-1} | x0) when x_t is marginalised', () => {
    fc.assert(
      fc.property(betasArbitrary, (betas) => {
        const schedule = createDiscreteSchedule({ betas });
        const { x0Coefficient, xtCoefficient, variance } = posteriorCoefficients(schedule);
        for (let step = 1; step < betas.length; step += 1) {
          // E[x_{t-1} | x0] = a + b sqrt(abar_t) (per unit x0); Var = b^2 (1 - abar_t) + beta-tilde.
          const alphaBar = schedule.alphasCumprod[step]!;
          const mean = x0Coefficient[step]! + xtCoefficient[step]! * Math.sqrt(alphaBar);
          const total = xtCoefficient[step]! ** 2 * (1 - alphaBar) + variance[step]!;
          expect(mean).toBeCloseTo(Math.sqrt(schedule.alphasCumprod[step - 1]!), 12);
          expect(total).toBeCloseTo(1 - schedule.alphasCumprod[step - 1]!, 12);
        }
      }),
    );
  });

  it('has variance 0 at t = 1, a clipped log-variance, and DDPM values at the linear schedule', () => {
    const schedule = createLinearSchedule();
    const { x0Coefficient, xtCoefficient, variance, logVarianceClipped } = posteriorCoefficients(schedule);
    expect(variance[0]).toBe(0);
    expect(x0Coefficient[0]).toBe(1);
    expect(xtCoefficient[0]).toBe(0);
    expect(logVarianceClipped[0]).toBe(Math.log(variance[1]!));
    expect(logVarianceClipped[500]).toBe(Math.log(variance[500]!));
    // beta-tilde_t = beta_t (1 - abar_{t-1}) / (1 - abar_t) (DDPM eq. 7), at t = 1000.
    const abar = schedule.alphasCumprod;
    expect(variance[999]).toBeCloseTo((0.02 * (1 - abar[998]!)) / (1 - abar[999]!), 15);
    expect(x0Coefficient[999]).toBeCloseTo((Math.sqrt(abar[998]!) * 0.02) / (1 - abar[999]!), 15);
  });

  it('rejects something that is not a discrete schedule', () => {
    expectDiffusionError(() => posteriorCoefficients({} as never), ['posteriorCoefficients.schedule', 'a DiscreteSchedule']);
  });
});
