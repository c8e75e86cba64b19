export { createMlpBackbone } from './mlp-backbone';
export type { MlpBackboneOptions } from './mlp-backbone';
export { createUnetBackbone } from './unet-backbone';
export type { UnetBackbone } from './unet-backbone';
export type { UnetBackboneConfig, UnetBackboneOptions } from './unet-options';
export { createDitBackbone } from './dit-backbone';
export type { DitBackboneOptions } from './dit-backbone';
export { builtinBackboneFactories } from './backbone-factories';
export { createBackboneFromSafetensors, loadSafetensors, saveSafetensors } from './backbone-safetensors';
// The format itself lives in @diffusion/safetensors; re-exported so existing imports keep working.
export { decodeSafetensors, encodeSafetensors } from '@diffusion/safetensors';
export type { SafetensorsEntry, SafetensorsFile, SafetensorsTensor } from '@diffusion/safetensors';
export { fourierEmbedding, sinusoidalEmbedding } from './time-embedding';
// Layers for networks built in other packages (@diffusion/diffusers' UNet2DModel): named weights in tfjs layouts.
export { createParameterStore } from './backbone-parameters';
export type { ParameterStore } from './backbone-parameters';
export { createConv2dLayer } from './conv2d-layer';
export type { Conv2dLayer } from './conv2d-layer';
export { createLinearLayer } from './linear-layer';
export type { LinearLayer } from './linear-layer';
export { createGroupNormLayer } from './group-norm-layer';
export type { GroupNormApplyOptions, GroupNormLayer, GroupNormLayerOptions } from './group-norm-layer';
export { multiHeadAttention } from './attention-layer';
export { silu } from './activation-functions';
export { dropout, nearestUpsample } from './unet-blocks';
