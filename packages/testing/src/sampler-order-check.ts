import { mul, type Tensor } from '@tensorflow/tfjs-core';
import { createRandomSource, randomNormalTensor, type Sampler } from '@diffusion/core';
import { gaussianDenoiser } from './counting-denoiser';
import { karrasLadder } from './sigma-ladders';
import type { ResolvedSamplerConformanceOptions } from './sampler-conformance-options';

/** Highest order the check tells apart: float32 runs at these step counts cannot resolve more, so a higher claim is checked as this. */
export const maximumCheckedOrder = 4;

/** Karras ladder exponent of the order check: rho 3 spreads the steps so that orders 1-4 show within 128 steps. */
const orderRho = 3;

/** What `measureOrder` found. */
export interface MeasuredOrder {
  /** Step counts of every run. */
  readonly steps: readonly number[];
  /** RMS error relative to the RMS of the exact solution, per step count. */
  readonly errors: readonly number[];
  /** The pair of step counts the order was measured on (the finest whose finer error is above the resolution), or undefined when every error is below it. */
  readonly pair: readonly [number, number] | undefined;
  /** `log(error_coarse / error_fine) / log(steps_fine / steps_coarse)` on that pair. */
  readonly order: number | undefined;
}

/**
 * Measures a deterministic sampler's order of accuracy on the closed form of Gaussian data N(0, I):
 * from `x(sigmaMax)` the probability-flow ODE ends at `x(sigmaMax) / sqrt(1 + sigmaMax²)`. Runs the
 * sampler on Karras ladders (rho 3) of each step count and takes the error ratio of the finest pair
 * whose finer error is still above `resolution` (float32 and the final step's floor lie below it).
 */
export function measureOrder(sampler: Sampler, settings: ResolvedSamplerConformanceOptions): MeasuredOrder {
  const unit = randomNormalTensor(createRandomSource(9), [256, 2]);
  const start = mul(unit, settings.sigmaMax);
  unit.dispose();
  const exact = Float64Array.from(start.dataSync(), (value) => value / Math.sqrt(1 + settings.sigmaMax ** 2));
  const scale = Math.sqrt(exact.reduce((sum, value) => sum + value * value, 0));
  const errors = settings.orderSteps.map((steps) => {
    let output: Tensor | undefined;
    try {
      output = sampler.sample(gaussianDenoiser(), start, karrasLadder(steps, settings.sigmaMin, settings.sigmaMax, orderRho));
      const values = output.dataSync();
      let squares = 0;
      values.forEach((value, index) => (squares += (value - exact[index]!) ** 2));
      return Number.isFinite(squares) ? Math.sqrt(squares) / scale : Number.POSITIVE_INFINITY;
    } finally {
      output?.dispose();
    }
  });
  start.dispose();
  for (let fine = errors.length - 1; fine > 0; fine -= 1) {
    if (!(errors[fine]! >= settings.orderResolution)) continue;
    const pair = [settings.orderSteps[fine - 1]!, settings.orderSteps[fine]!] as const;
    return { steps: settings.orderSteps, errors, pair, order: Math.log(errors[fine - 1]! / errors[fine]!) / Math.log(pair[1] / pair[0]) };
  }
  return { steps: settings.orderSteps, errors, pair: undefined, order: undefined };
}

/**
 * A deterministic sampler declares its order of accuracy (`order`) and reaches it: the measured
 * order ({@link measureOrder}) may fall short of `min(order, 4)` by at most `orderTolerance`.
 */
export function checkOrder(sampler: Sampler, settings: ResolvedSamplerConformanceOptions): MeasuredOrder {
  const fail = (message: string): never => {
    throw new Error(`sampler conformance: ${message}`);
  };
  if (sampler.stochastic) fail('the order check is for deterministic samplers (this one is stochastic)');
  const declared = sampler.order;
  if (declared === undefined) fail(`a deterministic sampler declares its order of accuracy (\`order\`: 1 for Euler, 2 for Heun, …); ${JSON.stringify(sampler.name)} declares none`);
  if (typeof declared !== 'number' || !Number.isInteger(declared) || declared < 1) fail(`order ${JSON.stringify(declared)} is not a positive integer`);
  const measured = measureOrder(sampler, settings);
  const where = `on the closed-form ODE solution for Gaussian data N(0, I), Karras ladders (rho ${orderRho}) from ${settings.sigmaMax} to ${settings.sigmaMin}`;
  const table = measured.steps.map((steps, index) => `${measured.errors[index]!.toExponential(2)} at ${steps} steps`).join(', ');
  // Every error below the resolution: the sampler is exact to float32 here, and no claim can be refuted.
  if (measured.order === undefined) return measured;
  const needed = Math.min(declared!, maximumCheckedOrder) - settings.orderTolerance;
  if (!(measured.order >= needed)) {
    const [coarse, fine] = measured.pair!;
    fail(`measured order of accuracy ${measured.order.toFixed(2)} (from ${coarse} to ${fine} steps) falls short of the declared order ${declared}; at least ${needed.toFixed(2)} is needed. Relative RMS errors ${where}: ${table}`);
  }
  return measured;
}
