export { builtinParameterisations } from './builtin-parameterisations';
export { addNoise } from './add-noise';
export { createX0Parameterisation } from './x0-parameterisation';
export type { X0ParameterisationOptions } from './x0-parameterisation';
export { createEpsParameterisation } from './eps-parameterisation';
export type { EpsParameterisationOptions } from './eps-parameterisation';
export { createVParameterisation } from './v-parameterisation';
export type { VParameterisationOptions } from './v-parameterisation';
export { createScoreParameterisation } from './score-parameterisation';
export type { ScoreParameterisationOptions } from './score-parameterisation';
export { createFlowParameterisation } from './flow-parameterisation';
export type { FlowParameterisationOptions } from './flow-parameterisation';
export { createEdmParameterisation } from './edm-parameterisation';
export type { EdmParameterisationOptions } from './edm-parameterisation';
export { edmCIn, edmCNoise, edmCOut, edmCSkip, edmCoefficients } from './edm-coefficients';
export type { EdmCoefficients } from './edm-coefficients';
export { createDenoiser } from './denoiser';
export type { CreateDenoiserOptions, DenoiserNetwork } from './denoiser';
export { isDiscreteSchedule, levelOfSigma } from './level-of-sigma';
export type { SigmaLevel } from './level-of-sigma';
export { ddpmPosteriorCoefficients, posteriorMeanFromEps, posteriorMeanFromX0 } from './posterior-mean';
export type { DdpmPosteriorCoefficients } from './posterior-mean';
export {
  predictEpsilonCoefficients,
  predictionTypes,
  predictOriginalSample,
  predictOriginalSampleCoefficients,
} from './predict-original-sample';
export type { ClipOptions, LinearEstimateCoefficients, PredictionType } from './predict-original-sample';
export { ddimStep, ddimStepCoefficients } from './ddim-step';
export type { DdimStepCoefficients, DdimStepOptions, SchedulerStepResult } from './ddim-step';
export { ddpmStep } from './ddpm-step';
export type { DdpmStepOptions } from './ddpm-step';
export type { Coefficient } from './level-arithmetic';
