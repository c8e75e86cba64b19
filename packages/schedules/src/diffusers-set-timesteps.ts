import { checkPositiveInteger, invalidOption } from '@diffusion/core/errors';
import type { TimestepSpacing } from '@diffusion/core/errors';
import type { ResolvedConfig } from './diffusers-config-check';
import type { DiffusersSchedulerClass } from './diffusers-scheduler-keys';
import { diffusersExponentialSigmas, diffusersKarrasSigmas, diffusersSigmaToTimestep } from './diffusers-sigma-conversions';
import { diffusersTimestepGrid } from './diffusers-timestep-spacing';
import type { DiffusersTrainingTable } from './diffusers-training-table';
import { interpolateAtIndex, numpyLinspace, roundHalfEven, torchLinspace } from './numeric-ranges';

/** What diffusers v0.31.0's `set_timesteps(n)` leaves on a scheduler, and the same run as our ladder. */
export interface DiffusersTimesteps {
  /** `scheduler.timesteps`: the network's time input at each call, in order (Heun repeats inner ones, PNDM has its own pattern). */
  readonly timesteps: Float64Array;
  /**
   * `scheduler.sigmas` (VE, falling, with its final entry) for the classes that have them; for DDPM,
   * DDIM and PNDM (which have none) the VE sigmas of the levels they visit, ending in the level
   * their last step lands on.
   */
  readonly sigmas: Float64Array;
  /** `scheduler.init_noise_sigma`: the scale of the starting noise (`randn * initNoiseSigma`). */
  readonly initNoiseSigma: number;
  /** `scheduler.num_inference_steps` after the call (DPM-Solver and UniPC can differ from n). */
  readonly numInferenceSteps: number;
  /** The run as a sigma-space ladder for our samplers: the distinct sigmas the scheduler starts its steps at, then 0. */
  readonly ladder: Float64Array;
  /** The network's timestep at each ladder sigma but the final 0. */
  readonly ladderTimesteps: Float64Array;
  /** DDIM / PNDM: `alphas_cumprod` used past the last step (`final_alpha_cumprod`); DDPM: 1. */
  readonly finalAlphaCumprod?: number;
}

/** `set_timesteps(n)` of a discrete scheduler class, in float64 (diffusers' arithmetic with float32 replaced by float64). */
export function diffusersSetTimesteps(resolved: ResolvedConfig, table: DiffusersTrainingTable, numInferenceSteps: number): DiffusersTimesteps {
  const { className, config } = resolved;
  const steps = checkPositiveInteger(`${className}.setTimesteps.numInferenceSteps`, numInferenceSteps);
  const base = {
    className,
    spacing: config.timestep_spacing as TimestepSpacing,
    numTrainTimesteps: config.num_train_timesteps as number,
    numInferenceSteps: steps,
    stepsOffset: config.steps_offset as number,
  };
  if (className === 'DDPMScheduler' || className === 'DDIMScheduler' || className === 'PNDMScheduler') return vpTimesteps(resolved, table, base);
  if (className === 'DPMSolverMultistepScheduler' || className === 'UniPCMultistepScheduler') return multistepTimesteps(resolved, table, base);
  return eulerFamilyTimesteps(resolved, table, base);
}

type GridBase = { className: DiffusersSchedulerClass; spacing: TimestepSpacing; numTrainTimesteps: number; numInferenceSteps: number; stepsOffset: number };

function vpTimesteps({ className, config }: ResolvedConfig, table: DiffusersTrainingTable, base: GridBase): DiffusersTimesteps {
  const steps = base.numInferenceSteps;
  const total = base.numTrainTimesteps;
  if (className !== 'PNDMScheduler' && steps > total) throw invalidOption(`${className}.setTimesteps.numInferenceSteps`, steps, `at most num_train_timesteps = ${total}`);
  const ratio = Math.floor(total / steps);
  if (className === 'PNDMScheduler') {
    const rising = diffusersTimestepGrid({ ...base, grid: 'pndm' });
    const finalAlphaCumprod = config.set_alpha_to_one === true ? 1 : table.alphasCumprod[0]!;
    let timesteps: Float64Array;
    if (config.skip_prk_steps === true) {
      // PLMS only: [t_{n-1}, t_{n-2}, t_{n-2}, t_{n-3}, …, t_0] (the second call repeats the first level).
      const head = Array.from(rising.subarray(0, -1));
      timesteps = Float64Array.from([...head, ...Array.from(rising.subarray(-2, -1)), ...Array.from(rising.subarray(-1))].reverse());
    } else {
      if (steps < 4) throw invalidOption(`${className}.setTimesteps.numInferenceSteps`, steps, 'at least 4 steps when skip_prk_steps is false (the Runge-Kutta warm-up takes the last 4 levels)');
      const half = Math.floor(ratio / 2);
      const warm = Array.from(rising.subarray(-4)).flatMap((timestep) => [timestep, timestep + half]);
      const repeated = warm.slice(0, -1).flatMap((timestep) => [timestep, timestep]).slice(1, -1).reverse();
      timesteps = Float64Array.from([...repeated, ...Array.from(rising.subarray(0, -3)).reverse()]);
    }
    const falling = Float64Array.from(rising).reverse();
    return vpResult(falling, table, finalAlphaCumprod, steps, timesteps);
  }
  const falling = diffusersTimestepGrid({ ...base, grid: 'ddpm' });
  // DDPM and DDIM step from t to t - T // n whatever the spacing; past 0 they use 1 (DDPM) or final_alpha_cumprod (DDIM).
  const finalAlphaCumprod = className === 'DDPMScheduler' || config.set_alpha_to_one === true ? 1 : table.alphasCumprod[0]!;
  const lastPrevious = falling[falling.length - 1]! - ratio;
  const landing = lastPrevious >= 0 ? table.alphasCumprod[lastPrevious]! : finalAlphaCumprod;
  return { ...vpResult(falling, table, landing, steps), finalAlphaCumprod };
}

function vpResult(falling: Float64Array, table: DiffusersTrainingTable, landingAlphaCumprod: number, steps: number, timesteps = falling): DiffusersTimesteps {
  const sigmas = Float64Array.from([...Array.from(falling, (timestep) => table.sigmas[timestep]!), Math.sqrt((1 - landingAlphaCumprod) / landingAlphaCumprod)]);
  const ladder = Float64Array.from(sigmas);
  ladder[ladder.length - 1] = 0;
  return { timesteps, sigmas, initNoiseSigma: 1, numInferenceSteps: steps, ladder, ladderTimesteps: Float64Array.from(falling), finalAlphaCumprod: landingAlphaCumprod };
}

/** Euler, Euler ancestral, Heun and LMS: float timesteps, sigmas interpolated in sigma, optional Karras / exponential ladders. */
function eulerFamilyTimesteps(resolved: ResolvedConfig, table: DiffusersTrainingTable, base: GridBase): DiffusersTimesteps {
  const { className, config, hiddenSigmaBounds } = resolved;
  const steps = base.numInferenceSteps;
  let timesteps = diffusersTimestepGrid({ ...base, grid: 'euler' });
  let sigmas: Float64Array = timesteps.map((timestep) => interpolateAtIndex(table.sigmas, timestep));
  if (config.interpolation_type === 'log_linear') {
    // n + 1 log-linear sigmas from the largest to the smallest of the table (the timesteps stay as spaced).
    sigmas = torchLinspace(Math.log(table.sigmas[table.sigmas.length - 1]!), Math.log(table.sigmas[0]!), steps + 1).map(Math.exp);
  }
  const toTimesteps = (ladder: Float64Array) => ladder.map((sigma) => diffusersSigmaToTimestep(sigma, table.logSigmas));
  const bounds = className === 'LMSDiscreteScheduler' && config.use_karras_sigmas === true ? { sigmaMin: undefined, sigmaMax: undefined } : hiddenSigmaBounds;
  const sigmaMin = bounds.sigmaMin ?? sigmas[sigmas.length - 1]!;
  const sigmaMax = bounds.sigmaMax ?? sigmas[0]!;
  if (config.use_karras_sigmas === true) {
    sigmas = diffusersKarrasSigmas(sigmaMin, sigmaMax, steps);
    timesteps = toTimesteps(sigmas);
  } else if (config.use_exponential_sigmas === true) {
    sigmas = diffusersExponentialSigmas(sigmaMin, sigmaMax, steps);
    timesteps = toTimesteps(sigmas);
  }
  const sigmaLast = config.final_sigmas_type === 'sigma_min' ? table.sigmas[0]! : 0;
  const withFinal = Float64Array.from([...Array.from(sigmas), sigmaLast]);
  if (config.timestep_type === 'continuous' && config.prediction_type === 'v_prediction') {
    // EDM's c_noise = log(sigma) / 4 as the network's time input.
    timesteps = withFinal.subarray(0, -1).map((sigma) => 0.25 * Math.log(sigma));
  }
  const maximum = Math.max(...Array.from(withFinal));
  const initNoiseSigma = base.spacing === 'linspace' || base.spacing === 'trailing' ? maximum : Math.sqrt(maximum * maximum + 1);
  const runSteps = timesteps.length;
  const ladder = Float64Array.from([...Array.from(withFinal.subarray(0, runSteps)), 0]);
  const ladderTimesteps = Float64Array.from(timesteps);
  if (className === 'HeunDiscreteScheduler') {
    // [s0, s1, s1, …, s_{n-1}, s_{n-1}, 0] and [t0, t1, t1, …, t_{n-1}, t_{n-1}]: the corrector re-evaluates each inner level.
    const inner = Array.from(withFinal.subarray(1, -1)).flatMap((sigma) => [sigma, sigma]);
    const doubledSigmas = Float64Array.from([withFinal[0]!, ...inner, withFinal[withFinal.length - 1]!]);
    const doubledTimesteps = Float64Array.from([timesteps[0]!, ...Array.from(timesteps.subarray(1)).flatMap((timestep) => [timestep, timestep])]);
    return { timesteps: doubledTimesteps, sigmas: doubledSigmas, initNoiseSigma, numInferenceSteps: steps, ladder, ladderTimesteps };
  }
  return { timesteps, sigmas: withFinal, initNoiseSigma, numInferenceSteps: steps, ladder, ladderTimesteps };
}

/** DPMSolverMultistep and UniPCMultistep: integer timesteps over n + 1 grid points, sigmas interpolated or converted (timesteps then rounded). */
function multistepTimesteps(resolved: ResolvedConfig, table: DiffusersTrainingTable, base: GridBase): DiffusersTimesteps {
  const { className, config, hiddenSigmaBounds } = resolved;
  const total = base.numTrainTimesteps;
  const dpm = className === 'DPMSolverMultistepScheduler';
  let lastTimestep = total;
  if (dpm) {
    // searchsorted(flip(lambda_t), lambda_min_clipped): lambda_t = log alpha_t - log sigma_t falls with t.
    const lambdaMinClipped = config.lambda_min_clipped as number;
    const rising = Array.from(table.alphasCumprod, (alphaBar) => Math.log(Math.sqrt(alphaBar)) - Math.log(Math.sqrt(1 - alphaBar))).reverse();
    const clippedIndex = rising.findIndex((lambda) => lambda >= lambdaMinClipped);
    lastTimestep = total - (clippedIndex < 0 ? rising.length : clippedIndex);
  }
  let timesteps = diffusersTimestepGrid({ ...base, grid: 'multistep', lastTimestep: dpm ? lastTimestep : total });
  const steps = base.numInferenceSteps;
  const roundedTimesteps = (ladder: Float64Array) => ladder.map((sigma) => roundHalfEven(diffusersSigmaToTimestep(sigma, table.logSigmas)));
  const tableMin = table.sigmas[0]!;
  const tableMax = table.sigmas[table.sigmas.length - 1]!;
  let sigmas: Float64Array;
  let sigmaLast = config.final_sigmas_type === 'sigma_min' ? tableMin : 0;
  if (config.use_karras_sigmas === true) {
    sigmas = diffusersKarrasSigmas(hiddenSigmaBounds.sigmaMin ?? tableMin, hiddenSigmaBounds.sigmaMax ?? tableMax, steps);
    timesteps = roundedTimesteps(sigmas);
    // UniPC's Karras branch ends on its own last sigma under 'sigma_min'.
    if (!dpm && config.final_sigmas_type === 'sigma_min') sigmaLast = sigmas[sigmas.length - 1]!;
  } else if (dpm && config.use_lu_lambdas === true) {
    // Lu et al. (2022) uniform-lambda steps: linear in log sigma from the table's largest to its smallest.
    const logMax = Math.log(tableMax);
    const logMin = Math.log(tableMin);
    sigmas = numpyLinspace(0, 1, steps).map((ramp) => Math.exp(logMax + ramp * (logMin - logMax)));
    timesteps = roundedTimesteps(sigmas);
  } else {
    sigmas = timesteps.map((timestep) => interpolateAtIndex(table.sigmas, timestep));
  }
  const withFinal = Float64Array.from([...Array.from(sigmas), sigmaLast]);
  const ladder = Float64Array.from([...Array.from(sigmas), 0]);
  return { timesteps, sigmas: withFinal, initNoiseSigma: 1, numInferenceSteps: timesteps.length, ladder, ladderTimesteps: Float64Array.from(timesteps) };
}
