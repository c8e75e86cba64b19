import { DiffusionError, checkFiniteArray, checkInRange, checkOptions, checkPositiveInteger, invalidOption } from '@diffusion/core';
import type { RandomSource, TimeDensity } from '@diffusion/core';
import { checkTime, stepOfTime } from './time-grid';

/** Options of {@link createImportanceTimeDensity}. */
export interface ImportanceTimeDensityOptions {
  /** Number of discrete steps T; times are t = k/T, k = 1..T. */
  readonly numTrainTimesteps: number;
  /** Losses remembered per step; sampling stays uniform until every step has this many. Default 10. */
  readonly historyLength?: number;
  /** Share of probability spread uniformly over the steps once warmed up, in [0, 1). Default 0.001. */
  readonly uniformFraction?: number;
}

/** The serialisable state of an importance time density: the recent losses of each step, oldest first. */
export interface ImportanceTimeDensityState {
  /** Contract of the state, for checkpoints. */
  readonly version: 1;
  /** `history[k - 1]` holds up to `historyLength` losses of step k, oldest first. */
  readonly history: readonly (readonly number[])[];
}

/** An importance time density: a `TimeDensity` whose state can be saved and restored. */
export interface ImportanceTimeDensity extends TimeDensity {
  update(times: Float64Array, losses: Float64Array): void;
  /** A JSON-serialisable copy of the loss history (for checkpoints). */
  state(): ImportanceTimeDensityState;
  /** Replaces the loss history with a saved one (checked against the options). */
  restore(state: ImportanceTimeDensityState): void;
}

/**
 * Importance-sampled time, Nichol & Dhariwal (2021, improved DDPM) §3.3: p_k proportional to
 * sqrt(E[L_k^2]) over the last `historyLength` losses of each step, mixed with `uniformFraction` of the
 * uniform distribution; uniform until every step has a full history. Feed `update` the per-sample terms the
 * estimator averages (w * ||eps - eps_hat||^2, before dividing by the density).
 */
export function createImportanceTimeDensity(options: ImportanceTimeDensityOptions): ImportanceTimeDensity {
  const checked = checkOptions('createImportanceTimeDensity', options, ['numTrainTimesteps', 'historyLength', 'uniformFraction']);
  const steps = checkPositiveInteger('createImportanceTimeDensity.numTrainTimesteps', checked.numTrainTimesteps);
  const historyLength = checkPositiveInteger('createImportanceTimeDensity.historyLength', checked.historyLength ?? 10);
  const uniformFraction = checkInRange('createImportanceTimeDensity.uniformFraction', checked.uniformFraction ?? 0.001, 0, 1, '[)');
  let history: number[][] = Array.from({ length: steps }, () => []);
  // Probabilities of steps 1..T and their running sums, recomputed lazily after an update.
  let probabilities: Float64Array | undefined;
  let cumulative = new Float64Array(steps);

  function currentProbabilities(): Float64Array {
    if (probabilities !== undefined) return probabilities;
    const next = new Float64Array(steps).fill(1 / steps);
    if (history.every((losses) => losses.length === historyLength)) {
      const roots = history.map((losses) => Math.sqrt(losses.reduce((sum, loss) => sum + loss * loss, 0) / historyLength));
      const total = roots.reduce((sum, root) => sum + root, 0);
      if (total > 0 && Number.isFinite(total)) roots.forEach((root, index) => (next[index] = (1 - uniformFraction) * (root / total) + uniformFraction / steps));
    }
    cumulative = new Float64Array(steps);
    let running = 0;
    next.forEach((probability, index) => (cumulative[index] = running += probability));
    probabilities = next;
    return next;
  }

  return {
    name: 'importance',
    specificationVersion: 'v1',
    options: { numTrainTimesteps: steps, historyLength, uniformFraction },
    sample(count: number, random: RandomSource): Float64Array {
      currentProbabilities();
      const total = cumulative[steps - 1]!;
      return random.uniforms(count).map((uniform) => {
        // Inverse cdf by bisection: the first step whose running sum exceeds u.
        const target = uniform * total;
        let low = 0;
        let high = steps - 1;
        while (low < high) {
          const middle = (low + high) >> 1;
          if (cumulative[middle]! > target) high = middle;
          else low = middle + 1;
        }
        return (low + 1) / steps;
      });
    },
    density(t: number): number {
      const step = stepOfTime(checkTime('importance.density.t', t), steps);
      return step === 0 ? 0 : currentProbabilities()[step - 1]! * steps;
    },
    update(times: Float64Array, losses: Float64Array): void {
      const checkedTimes = checkFiniteArray('importance.update.times', times, 0);
      const checkedLosses = checkFiniteArray('importance.update.losses', losses, 0);
      if (checkedTimes.length !== checkedLosses.length) throw invalidOption('importance.update.losses', checkedLosses.length, `as many losses as times (${checkedTimes.length})`, 'invalid-argument');
      const checkedSteps = Array.from(checkedTimes, (t, index) => {
        const step = stepOfTime(checkTime(`importance.update.times[${index}]`, t), steps);
        if (step === 0) throw invalidOption(`importance.update.times[${index}]`, t, `a time k/${steps} with k in 1..${steps}`, 'invalid-argument');
        return step;
      });
      checkedSteps.forEach((step, index) => {
        const record = history[step - 1]!;
        record.push(checkedLosses[index]!);
        if (record.length > historyLength) record.shift();
      });
      probabilities = undefined;
    },
    state: () => ({ version: 1, history: history.map((losses) => [...losses]) }),
    restore(state: ImportanceTimeDensityState): void {
      if (typeof state !== 'object' || state === null || state.version !== 1 || !Array.isArray(state.history) || state.history.length !== steps) {
        throw new DiffusionError('checkpoint', `importance.restore: got a state that is not an importance history of ${steps} steps (version 1).`, { field: 'importance.restore.state', value: state, allowed: `{ version: 1, history: ${steps} arrays }` });
      }
      const next = state.history.map((losses, index) => {
        const record = Array.from(checkFiniteArray(`importance.restore.state.history[${index}]`, losses, 0));
        if (record.length > historyLength) throw invalidOption(`importance.restore.state.history[${index}]`, record.length, `at most ${historyLength} losses`, 'checkpoint');
        return record;
      });
      history = next;
      probabilities = undefined;
    },
  };
}
