import { describe, expect, it } from 'vitest';
import { createFlowMatchingSchedule } from './flow-matching-schedule';
import { createLinearSchedule } from './linear-schedule';
import { trainingSigmaRange } from './training-sigma-range';

describe('trainingSigmaRange', () => {
  it('is the first and last training step of a discrete schedule (DDPM linear betas, closed form)', () => {
    // alphabar_t = prod_{i <= t} (1 - beta_i), beta linear from 1e-4 to 0.02 over 1000 steps (Ho et al. 2020).
    let alphabar = 1;
    const sigmas: number[] = [];
    for (let step = 0; step < 1000; step += 1) {
      alphabar *= 1 - (1e-4 + ((0.02 - 1e-4) * step) / 999);
      sigmas.push(Math.sqrt((1 - alphabar) / alphabar));
    }
    const { sigmaMin, sigmaMax } = trainingSigmaRange(createLinearSchedule({ numTrainTimesteps: 1000 }));
    expect(sigmaMin).toBeCloseTo(sigmas[0]!, 9);
    expect(sigmaMax / sigmas[999]! - 1).toBeLessThan(1e-9);
    expect(sigmaMax).toBeGreaterThan(150);
  });

  it('is t in [1e-3, 1 - 1e-3] of a continuous schedule, sigmaMax capped at 500 (flow matching: sigma / alpha = t / (1 - t))', () => {
    const { sigmaMin, sigmaMax } = trainingSigmaRange(createFlowMatchingSchedule());
    expect(sigmaMin).toBeCloseTo(1e-3 / (1 - 1e-3), 12);
    expect(sigmaMax).toBe(500);
  });
});
