import { DiffusionError } from '@diffusion/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBetaChain, createCosineTestSchedule, createKarrasTestSchedule, linearBetas } from '../test/tiny-schedules';
import { createElboWeighting } from './elbo-loss-weighting';

const dimensions = 3;

/** KL(N(m1, s1^2 I) || N(m2, s2^2 I)) of isotropic Gaussians, summed over dimensions. */
function gaussianKl(mean1: number[], variance1: number, mean2: number[], variance2: number): number {
  return mean1.reduce((sum, value, index) => sum + 0.5 * Math.log(variance2 / variance1) + (variance1 + (value - mean2[index]!) ** 2) / (2 * variance2) - 0.5, 0);
}

describe('ELBO weighting', () => {
  it('equals the sum of the KL terms of a discrete chain, per draw of x_t', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 5, max: 20 }).chain((steps) =>
          fc.record({
            betas: fc.array(fc.double({ min: 1e-4, max: 0.3, noNaN: true }), { minLength: steps, maxLength: steps }),
            x0: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: dimensions, maxLength: dimensions }),
            // A deliberately wrong model: its own x0 estimate at every step, and a noise draw per step.
            x0Hats: fc.array(fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: dimensions, maxLength: dimensions }), { minLength: steps, maxLength: steps }),
            noises: fc.array(fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: dimensions, maxLength: dimensions }), { minLength: steps, maxLength: steps }),
          }),
        ),
        ({ betas, x0, x0Hats, noises }) => {
          const chain = createBetaChain(betas);
          const elbo = createElboWeighting({ schedule: chain });
          const steps = betas.length;
          let klSum = 0;
          let weightedSum = 0;
          let previousAlphaBar = 1;
          for (let index = 0; index < steps; index += 1) {
            const beta = betas[index]!;
            const alphaBar = previousAlphaBar * (1 - beta);
            const x0Hat = x0Hats[index]!;
            const xt = x0.map((value, dimension) => Math.sqrt(alphaBar) * value + Math.sqrt(1 - alphaBar) * noises[index]![dimension]!);
            if (index === 0) {
              // t = 1: -log N(x0; x0_hat, beta_1 I) without its constant (d/2) log(2 pi beta_1).
              klSum += x0.reduce((sum, value, dimension) => sum + (value - x0Hat[dimension]!) ** 2, 0) / (2 * beta);
            } else {
              // q(x_{t-1} | x_t, x0) = N(a x0 + b x_t, var) (Ho et al. eq. 6-7); p uses x0_hat in the same mean and the same variance.
              const a = (Math.sqrt(previousAlphaBar) * beta) / (1 - alphaBar);
              const b = (Math.sqrt(1 - beta) * (1 - previousAlphaBar)) / (1 - alphaBar);
              const variance = ((1 - previousAlphaBar) * beta) / (1 - alphaBar);
              const posteriorMean = x0.map((value, dimension) => a * value + b * xt[dimension]!);
              const modelMean = x0Hat.map((value, dimension) => a * value + b * xt[dimension]!);
              klSum += gaussianKl(posteriorMean, variance, modelMean, variance);
            }
            const epsHat = xt.map((value, dimension) => (value - Math.sqrt(alphaBar) * x0Hat[dimension]!) / Math.sqrt(1 - alphaBar));
            const epsMse = noises[index]!.reduce((sum, value, dimension) => sum + (value - epsHat[dimension]!) ** 2, 0);
            // Uniform time over T steps: the bound is T E_t[...], so each term enters with 1/T.
            weightedSum += (elbo.weight(Math.log(alphaBar) - Math.log1p(-alphaBar)) * epsMse) / steps;
            previousAlphaBar = alphaBar;
          }
          expect(Math.abs(weightedSum - klSum)).toBeLessThanOrEqual(1e-9 * (1 + klSum));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("matches DDPM's eq. 12 coefficient on the linear schedule (T = 1000)", () => {
    const betas = linearBetas(1000);
    const chain = createBetaChain(betas);
    const elbo = createElboWeighting({ schedule: chain });
    let worst = 0;
    for (let index = 1; index < 1000; index += 1) {
      const beta = betas[index]!;
      // beta_t^2 / (2 sigma_t^2 alpha_t (1 - alphabar_t)) with sigma_t^2 = posterior variance = beta_t / (2 (1 - beta_t) (1 - alphabar_{t-1})).
      const expected = beta / (2 * (1 - beta) * (1 - chain.alphasCumprod[index - 1]!));
      const actual = elbo.weight(chain.logSnr((index + 1) / 1000)) / 1000;
      worst = Math.max(worst, Math.abs(actual / expected - 1));
    }
    expect(worst).toBeLessThan(1e-9);
    // Step 1: Gaussian decoder of variance beta_1, 1 / (2 (1 - beta_1)) per term.
    expect(elbo.weight(chain.logSnr(1 / 1000)) / 1000).toBeCloseTo(1 / (2 * (1 - 1e-4)), 12);
    expect(elbo.options).toMatchObject({ schedule: { name: 'test-beta-chain' }, discrete: true, decoderVariance: 1e-4 });
  });

  it('takes the decoder variance of the t = 1 term as an option', () => {
    const chain = createBetaChain(linearBetas(10, 0.01, 0.2));
    const elbo = createElboWeighting({ schedule: chain, decoderVariance: 0.5 });
    const alphaBar = chain.alphasCumprod[0]!;
    expect(elbo.weight(Math.log(alphaBar / (1 - alphaBar)))).toBeCloseTo((10 * (1 - alphaBar)) / (2 * 0.5 * alphaBar), 12);
  });

  it('interpolates between steps and clamps beyond them', () => {
    const chain = createBetaChain(linearBetas(10, 0.01, 0.2));
    const elbo = createElboWeighting({ schedule: chain });
    const logSnrs = Array.from(chain.alphasCumprod, (alphaBar) => Math.log(alphaBar / (1 - alphaBar)));
    const weights = logSnrs.map((logSnr) => elbo.weight(logSnr));
    const middle = (logSnrs[3]! + logSnrs[4]!) / 2;
    expect(elbo.weight(middle)).toBeCloseTo((weights[3]! + weights[4]!) / 2, 12);
    expect(elbo.weight(40)).toBe(weights[0]);
    expect(elbo.weight(-40)).toBe(weights[9]);
  });

  it('is -(1/2) dlogSnr/dt on continuous schedules (VDM), within 1e-6 relative', () => {
    for (const schedule of [createCosineTestSchedule(), createKarrasTestSchedule()]) {
      const elbo = createElboWeighting({ schedule });
      expect(elbo.options).toMatchObject({ discrete: false });
      let worst = 0;
      for (let t = 0.001; t < 1; t += 0.01) {
        const expected = -schedule.logSnrDerivative(t) / 2;
        worst = Math.max(worst, Math.abs(elbo.weight(schedule.logSnr(t)) / expected - 1));
      }
      expect(worst, schedule.name).toBeLessThan(1e-6);
    }
  });

  it('gives finite weights >= 0 over logSnr in [-20, 20]', () => {
    const weightings = [createElboWeighting({ schedule: createBetaChain(linearBetas(1000)) }), createElboWeighting({ schedule: createCosineTestSchedule() }), createElboWeighting({ schedule: createKarrasTestSchedule() })];
    fc.assert(
      fc.property(fc.double({ min: -20, max: 20, noNaN: true }), (logSnr) => {
        for (const weighting of weightings) {
          const weight = weighting.weight(logSnr);
          expect(Number.isFinite(weight) && weight >= 0).toBe(true);
        }
      }),
    );
  });

  it('rejects a missing schedule, zero terminal SNR and misplaced options', () => {
    expect(() => createElboWeighting({} as never)).toThrow(/createElboWeighting\.schedule: got undefined/);
    const zeroTerminal = createBetaChain([0.1, 0.5, 1]);
    expect(() => createElboWeighting({ schedule: zeroTerminal })).toThrow(/alphasCumprod\[2\]: got 0/);
    expect(() => createElboWeighting({ schedule: createCosineTestSchedule(), decoderVariance: 0.1 })).toThrow(/decoderVariance/);
    expect(() => createElboWeighting({ schedule: createBetaChain([0.1, 0.2]), decoderVariance: 0 })).toThrow(DiffusionError);
  });
});
