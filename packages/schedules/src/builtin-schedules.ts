import type { Schedule } from '@diffusion/core/errors';
import { createCosineSchedule } from './cosine-schedule';
import { createEdmSchedule } from './edm-schedule';
import { createFlowMatchingSchedule } from './flow-matching-schedule';
import { createLaplaceSchedule } from './laplace-schedule';
import { createLinearSchedule, createScaledLinearSchedule } from './linear-schedule';
import { createLogSnrLinearSchedule } from './log-snr-linear-schedule';
import { createShiftedCosineSchedule } from './shifted-cosine-schedule';
import { createSigmoidSchedule } from './sigmoid-schedule';

/**
 * One of each built-in training schedule with its defaults, for registries (`createRegistry({ schedules })`):
 * the discrete ones with T = 1000 steps as in diffusers, the others continuous. Names are unique.
 */
export function builtinSchedules(): Schedule[] {
  return [
    createLinearSchedule({ numTrainTimesteps: 1000 }),
    createScaledLinearSchedule({ numTrainTimesteps: 1000 }),
    createCosineSchedule({ numTrainTimesteps: 1000 }),
    createSigmoidSchedule({ numTrainTimesteps: 1000 }),
    createLaplaceSchedule(),
    createLogSnrLinearSchedule(),
    createShiftedCosineSchedule(),
    createFlowMatchingSchedule(),
    createEdmSchedule(),
  ];
}
