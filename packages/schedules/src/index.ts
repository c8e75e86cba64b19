export { builtinSchedules } from './builtin-schedules';
export { createDiscreteSchedule, checkBetas } from './discrete-schedule';
export type { DiscreteScheduleSpec, TabulatedSchedule } from './discrete-schedule';
export { createLinearSchedule, createScaledLinearSchedule } from './linear-schedule';
export type { LinearScheduleOptions } from './linear-schedule';
export { createCosineSchedule } from './cosine-schedule';
export type { ContinuousCosineScheduleOptions, DiscreteCosineScheduleOptions } from './cosine-schedule';
export { createSigmoidSchedule } from './sigmoid-schedule';
export type { ContinuousSigmoidScheduleOptions, DiscreteSigmoidScheduleOptions } from './sigmoid-schedule';
export { createLaplaceSchedule } from './laplace-schedule';
export type { LaplaceScheduleOptions } from './laplace-schedule';
export { createLogSnrLinearSchedule } from './log-snr-linear-schedule';
export type { LogSnrLinearScheduleOptions } from './log-snr-linear-schedule';
export { createShiftedCosineSchedule } from './shifted-cosine-schedule';
export type { ShiftedCosineScheduleOptions } from './shifted-cosine-schedule';
export { createFlowMatchingSchedule } from './flow-matching-schedule';
export type { FlowMatchingScheduleOptions } from './flow-matching-schedule';
export { createVpLinearSchedule } from './vp-linear-schedule';
export type { VpLinearScheduleOptions } from './vp-linear-schedule';
export { createEdmSchedule } from './edm-schedule';
export { trainingSigmaRange } from './training-sigma-range';
export { sigmaLadderByName, sigmaLadderNames } from './sigma-ladder-by-name';
export type { SigmaLadderName } from './sigma-ladder-by-name';
export type { EdmSchedule, EdmScheduleOptions } from './edm-schedule';
export { createVpScheduleFromLogSnr, bisectLogSnr } from './vp-schedule';
export type { VpScheduleDefinition } from './vp-schedule';
export { discretizeSchedule } from './discretize-schedule';
export type { DiscretizeScheduleOptions } from './discretize-schedule';
export { rescaleZeroTerminalSnr } from './zero-terminal-snr';
export { posteriorCoefficients } from './posterior-coefficients';
export type { PosteriorCoefficients } from './posterior-coefficients';
export { snr, logSnrOfAlphaBar, alphaBarOfLogSnr, logSnrOfSigma, sigmaOfLogSnr } from './snr';
export { timestepsFor, timestepSpacings } from './timestep-spacing';
export type { TimestepScheduler, TimestepsForOptions } from './timestep-spacing';
export { eulerSigmas, sigmasAtTimesteps } from './euler-sigmas';
export type { EulerSigmas } from './euler-sigmas';
export { karrasSigmas } from './karras-sigmas';
export type { KarrasSigmasOptions } from './karras-sigmas';
export { timeUniformSigmas } from './time-uniform-sigmas';
export type { TimeUniformSigmasOptions } from './time-uniform-sigmas';
export { exponentialSigmas, polyexponentialSigmas, logSnrUniformSigmas } from './exponential-sigmas';
export type { ExponentialSigmasOptions, LogSnrUniformSigmasOptions, PolyexponentialSigmasOptions } from './exponential-sigmas';
export { interpolateLadder } from './interpolate-ladder';
export { aysLadder, aysModels, aysTimesteps } from './ays-ladders';
export type { AysLadderOptions, AysModel } from './ays-ladders';
export { fromDiffusersConfig } from './diffusers-config';
export type {
  DiffusersDiscreteScheduleSetup,
  DiffusersFlowScheduleSetup,
  DiffusersPredictionType,
  DiffusersScheduleSetup,
  DiffusersSchedulerConfig,
  DiffusersX0Processing,
  FromDiffusersConfigOptions,
} from './diffusers-config';
export type { ResolvedDiffusersConfig } from './diffusers-config-check';
export type { DiffusersTimesteps } from './diffusers-set-timesteps';
export { flowMatchShiftMu } from './diffusers-flow-match';
export { diffusersKarrasSigmas, diffusersExponentialSigmas, diffusersSigmaToTimestep } from './diffusers-sigma-conversions';
export { diffusersSchedulerClasses, diffusersSchedulerDefaults } from './diffusers-scheduler-keys';
export type { DiffusersSchedulerClass } from './diffusers-scheduler-keys';
export { DiffusionError } from '@diffusion/core/errors';
export type { DiscreteSchedule, Schedule, TimestepSpacing } from '@diffusion/core/errors';
