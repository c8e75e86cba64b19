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
export { timestepEmbedding, timestepFrequencies } from './timestep-embedding';
export { writeFileAtomically } from './node-files';
