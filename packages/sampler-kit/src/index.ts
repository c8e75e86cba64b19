export { defineSampler } from './sampler-definition';
export type { KitSampler, RunStart, SamplerDefinition, SamplerOptionsRecord, SamplerStep, StepContext, StepResult } from './sampler-definition';
export { runSampler } from './sampler-loop';
export type { LoopSpec } from './sampler-loop';
export { isTensor, reachableTensors } from './run-state';
export { createNonFiniteGuard } from './non-finite-guard';
export type { EvaluationPlace, NonFiniteGuard } from './non-finite-guard';
export { adamsBashforthWeights, gaussLegendre, maximumAdamsBashforthOrder } from './adams-bashforth';
export type { GaussLegendreRule } from './adams-bashforth';
