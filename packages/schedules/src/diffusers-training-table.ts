import { invalidOption } from '@diffusion/core/errors';
import { createCosineSchedule } from './cosine-schedule';
import { createDiscreteSchedule } from './discrete-schedule';
import type { TabulatedSchedule } from './discrete-schedule';
import type { DiffusersSchedulerClass } from './diffusers-scheduler-keys';
import type { ResolvedDiffusersConfig } from './diffusers-config-check';
import { createLinearSchedule, createScaledLinearSchedule } from './linear-schedule';
import { createSigmoidSchedule } from './sigmoid-schedule';

/** The training tables of a discrete diffusers scheduler, in its own arithmetic (float64). */
export interface DiffusersTrainingTable {
  /** The training schedule (betas after any zero-terminal-SNR rescale). */
  readonly schedule: TabulatedSchedule;
  /** `alphas_cumprod` as the scheduler holds it: Euler, Euler ancestral, DPM-Solver and UniPC set the last to 2^-24 under `rescale_betas_zero_snr`. */
  readonly alphasCumprod: Float64Array;
  /** `((1 - alphas_cumprod) / alphas_cumprod) ** 0.5`, rising with the timestep (diffusers' sigma table). */
  readonly sigmas: Float64Array;
  /** `log` of `sigmas` (the table of `_sigma_to_t`). */
  readonly logSigmas: Float64Array;
}

const classesRescalingTheLastLevel: readonly DiffusersSchedulerClass[] = ['EulerDiscreteScheduler', 'EulerAncestralDiscreteScheduler', 'DPMSolverMultistepScheduler', 'UniPCMultistepScheduler'];
const classesWithZeroSnrRescale: readonly DiffusersSchedulerClass[] = ['DDPMScheduler', 'DDIMScheduler', ...classesRescalingTheLastLevel];

/** Betas and alphas_cumprod of a discrete diffusers scheduler's `__init__` (Ho et al. 2020 eq. 4 onwards). */
export function diffusersTrainingTable(className: DiffusersSchedulerClass, config: ResolvedDiffusersConfig): DiffusersTrainingTable {
  const numTrainTimesteps = config.num_train_timesteps as number;
  const rescaleBetasZeroSnr = classesWithZeroSnrRescale.includes(className) && config.rescale_betas_zero_snr === true;
  const betaStart = config.beta_start as number;
  const betaEnd = config.beta_end as number;
  const common = { numTrainTimesteps, rescaleBetasZeroSnr };
  let schedule: TabulatedSchedule;
  if (config.trained_betas !== null) {
    const betas = config.trained_betas as number[];
    if (betas.length !== numTrainTimesteps) {
      throw invalidOption(`${className}.trained_betas`, betas, `an array of num_train_timesteps = ${numTrainTimesteps} betas (got ${betas.length}); diffusers indexes its tables by timesteps spaced over num_train_timesteps`);
    }
    schedule = createDiscreteSchedule({ betas, rescaleBetasZeroSnr }, 'trained');
  } else if (config.beta_schedule === 'linear') {
    schedule = createLinearSchedule({ ...common, betaStart, betaEnd });
  } else if (config.beta_schedule === 'scaled_linear') {
    schedule = createScaledLinearSchedule({ ...common, betaStart, betaEnd });
  } else if (config.beta_schedule === 'squaredcos_cap_v2') {
    schedule = createCosineSchedule(common);
  } else if (config.beta_schedule === 'sigmoid') {
    schedule = createSigmoidSchedule({ ...common, betaStart, betaEnd });
  } else {
    schedule = createDiscreteSchedule({ betas: exponentialAlphaBarBetas(numTrainTimesteps) }, 'exp');
  }
  // The scheduler's own arithmetic: alphas = 1 - betas, alphas_cumprod = cumprod(alphas).
  const alphasCumprod = new Float64Array(numTrainTimesteps);
  let product = 1;
  schedule.betas.forEach((beta, index) => {
    product *= 1 - beta;
    alphasCumprod[index] = product;
  });
  if (rescaleBetasZeroSnr && classesRescalingTheLastLevel.includes(className)) alphasCumprod[numTrainTimesteps - 1] = 2 ** -24;
  const sigmas = alphasCumprod.map((alphaBar) => ((1 - alphaBar) / alphaBar) ** 0.5);
  return { schedule, alphasCumprod, sigmas, logSigmas: sigmas.map(Math.log) };
}

/** `betas_for_alpha_bar(T, alpha_transform_type='exp')`: alphabar(t) = exp(-12 t), beta capped at 0.999 (Heun's `'exp'`). */
function exponentialAlphaBarBetas(total: number): Float64Array {
  const alphaBar = (t: number): number => Math.exp(t * -12.0);
  const betas = new Float64Array(total);
  for (let index = 0; index < total; index += 1) betas[index] = Math.min(1 - alphaBar((index + 1) / total) / alphaBar(index / total), 0.999);
  return betas;
}
