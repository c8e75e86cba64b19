import { toDerivative } from '@diffusion/core';
import { defineSampler } from '@diffusion/sampler-kit';
import { add, mul, type Tensor } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { resolveSamplerConformanceOptions } from './sampler-conformance-options';
import { checkOrder, measureOrder } from './sampler-order-check';

/**
 * An "iPNDM" as a plugin author writes it: variable-step Adams–Bashforth in sigma, stepping with
 * `used` past derivatives while it claims `claimed` (the two broken variants of the issue).
 */
function adamsBashforth(used: number, claimed: number) {
  return defineSampler({
    name: 'ipndm',
    options: { order: claimed },
    stochastic: false,
    order: claimed,
    state: () => ({ derivatives: [] as Tensor[] }),
    step(x, { index, sigma, sigmas, denoise }, state) {
      const denoised = denoise(x, sigma);
      state.derivatives = [toDerivative(x, denoised, sigma), ...state.derivatives].slice(0, used);
      const weights = variableStepWeights(sigmas, index, state.derivatives.length);
      return { x: state.derivatives.reduce((sum, derivative, j) => add(sum, mul(derivative, weights[j]!)), x), denoised };
    },
  });
}

/** Integrals over [sigma_i, sigma_{i+1}] of the Lagrange basis on sigma_i, sigma_{i-1}, … (Simpson, 200 panels: exact to 1e-12 here). */
function variableStepWeights(sigmas: Float64Array, index: number, order: number): number[] {
  const nodes = Array.from({ length: order }, (_, j) => sigmas[index - j]!);
  const [a, b] = [sigmas[index]!, sigmas[index + 1]!];
  return nodes.map((_, j) => {
    const basis = (u: number) => nodes.reduce((product, node, m) => (m === j ? product : (product * (u - node)) / (nodes[j]! - node)), 1);
    const panels = 200;
    const h = (b - a) / panels;
    let total = basis(a) + basis(b);
    for (let k = 1; k < panels; k += 1) total += (k % 2 === 1 ? 4 : 2) * basis(a + k * h);
    return (total * h) / 3;
  });
}

const settings = resolveSamplerConformanceOptions(undefined);

describe('the order check', () => {
  it.each([1, 2, 3, 4])('passes Adams–Bashforth of order %i claiming its order', (order) => {
    const measured = checkOrder(adamsBashforth(order, order), settings);
    expect(measured.order!).toBeGreaterThan(order - 0.5);
  });

  it('fails an Euler posing as AB4, saying the measured order falls short', () => {
    expect(() => checkOrder(adamsBashforth(1, 4), settings)).toThrow(
      /^sampler conformance: measured order of accuracy 0\.99 \(from 64 to 128 steps\) falls short of the declared order 4; at least 3\.50 is needed\. Relative RMS errors on the closed-form ODE solution for Gaussian data N\(0, I\), Karras ladders \(rho 3\) from 80 to 0\.002: .* at 128 steps$/,
    );
  });

  it('fails an AB3 posing as AB4', () => {
    expect(() => checkOrder(adamsBashforth(3, 4), settings)).toThrow(/measured order of accuracy 2\.9\d \(from 64 to 128 steps\) falls short of the declared order 4; at least 3\.50 is needed/);
  });

  it('fails a deterministic sampler that declares no order', () => {
    const { order: _, ...undeclared } = adamsBashforth(2, 2);
    expect(() => checkOrder(undeclared, settings)).toThrow(/a deterministic sampler declares its order of accuracy \(`order`: 1 for Euler, 2 for Heun, …\); "ipndm" declares none/);
  });

  it('measures on a coarser pair when the finer error is below the resolution', () => {
    const measured = measureOrder(adamsBashforth(4, 4), resolveSamplerConformanceOptions({ orderResolution: 1e-4 }));
    expect(measured.pair).toEqual([32, 64]);
    expect(measured.errors[3]!).toBeLessThan(1e-4);
  });

  it('rejects bad order-check settings naming the field', () => {
    expect(() => resolveSamplerConformanceOptions({ orderSteps: [32, 16] })).toThrow(/describeSamplerConformance\.orderSteps: got \[32,16\]; expected at least two increasing/);
    expect(() => resolveSamplerConformanceOptions({ orderTolerance: -1 })).toThrow(/orderTolerance/);
  });
});
