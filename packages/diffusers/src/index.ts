export { readUnet2DModelConfig } from './unet2d-config';
export type { Unet2DDownBlockType, Unet2DModelConfig, Unet2DUpBlockType } from './unet2d-config';
export { createUnet2DModel } from './unet2d-model';
export type { CreateUnet2DModelOptions, Unet2DModel } from './unet2d-model';
export { planUnet2DModel } from './unet2d-plan';
export type { AttentionPlan, BlockPlan, ResnetPlan, Unet2DModelPlan } from './unet2d-plan';
export { loadUnet2DModelWeights, unet2DModelWeightEntries } from './unet2d-weights';
export {
  createUnet2DModelFromFiles,
  diffusersVersionWritten,
  loadUnet2DModel,
  saveUnet2DModel,
  unet2DModelConfigJson,
  unet2DModelFileNames,
  unet2DModelFiles,
} from './unet2d-folder';
export type { SaveUnet2DModelOptions } from './unet2d-folder';
export { withContinuousTime } from './unet2d-continuous-time';
export type { ContinuousTimeOptions, ContinuousTimeUnet2DModel } from './unet2d-continuous-time';
export { timestepEmbedding, timestepFrequencies } from './timestep-embedding';
export { writeFileAtomically } from './node-files';
export { readDiffusersSchedulerConfig, parameterisationFor } from './scheduler/read-diffusers-scheduler-config';
export type { DiffusersScheduler } from './scheduler/read-diffusers-scheduler-config';
export { parseDiffusersJson } from './scheduler/parse-diffusers-json';
export { toDiffusersSchedulerConfig } from './scheduler/to-diffusers-scheduler-config';
export type { ToDiffusersSchedulerConfigOptions } from './scheduler/to-diffusers-scheduler-config';
export { diffusersSamplerFor } from './scheduler/scheduler-mapping';
export type { DiffusersSamplerMapping } from './scheduler/scheduler-mapping';
export { createDiffusersDenoiser, hasLearnedVariance } from './scheduler/diffusers-denoiser';
export type { DiffusersDenoiserOptions } from './scheduler/diffusers-denoiser';
export { runDiffusersLoop, keepsVpSamples } from './scheduler/run-diffusers-loop';
export type { DiffusersLoopOptions, DiffusersLoopResult } from './scheduler/run-diffusers-loop';
export type { DiffusersStepEvent } from './scheduler/loop-context';
export type { DiffusersNetwork } from './scheduler/model-output';
export { processX0 } from './scheduler/x0-processing';
export { createDiffusersPipeline } from './pipeline/diffusers-pipeline';
export { diffusersLadderNames, diffusersNamedLadder } from './pipeline/named-ladders';
export type { DiffusersLadderName } from './pipeline/named-ladders';
export type { DiffusersPipeline, DiffusersSampleOptions } from './pipeline/diffusers-pipeline';
export { loadDiffusersPipeline } from './pipeline/load-diffusers-pipeline';
export type { LoadDiffusersPipelineOptions } from './pipeline/load-diffusers-pipeline';
export { saveDiffusersPipeline } from './pipeline/save-diffusers-pipeline';
export type { SaveDiffusersPipelineOptions } from './pipeline/save-diffusers-pipeline';
