/** Learning-rate schedules: linear warm-up then constant or cosine decay. */
export interface LearningRateScheduleOptions {
  /** Peak learning rate reached at the end of the warm-up. */
  readonly learningRate: number;
  /** Steps of linear warm-up from `learningRate / warmupSteps` to `learningRate`. */
  readonly warmupSteps: number;
  /** Shape after the warm-up. */
  readonly decay: 'cosine' | 'constant';
  /** Step at which the cosine reaches 0 (ignored for `'constant'`). */
  readonly totalSteps: number;
}

/**
 * Learning rate of the 0-based optimisation step `step`: linear warm-up (Goyal et al. 2017)
 * then cosine annealing without restarts (Loshchilov & Hutter 2017, SGDR eq. 5 with eta_min = 0).
 */
export function learningRateAt(step: number, options: LearningRateScheduleOptions): number {
  const { learningRate, warmupSteps, decay, totalSteps } = options;
  if (step < warmupSteps) return (learningRate * (step + 1)) / warmupSteps;
  if (decay === 'constant') return learningRate;
  const decaySteps = Math.max(1, totalSteps - warmupSteps);
  const progress = Math.min(1, (step - warmupSteps) / decaySteps);
  return 0.5 * learningRate * (1 + Math.cos(Math.PI * progress));
}
