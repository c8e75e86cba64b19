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
export { registerWasmTrainingKernels } from './wasm-training-kernels';
export type { WasmTrainingKernelsOptions } from './wasm-training-kernels';
export { selectBackend } from './backend-selection';
export type { BackendName, SelectBackendOptions } from './backend-selection';
export { fourierEmbedding, sinusoidalEmbedding } from './time-embedding';
