import { DiffusionError, createRandomSource, describeValue, type RandomState, type TimeDensity } from '@diffusion/core';
import { tensor, tidy, type Variable } from '@tensorflow/tfjs-core';
import type { CheckpointTensor } from './checkpoint-format';
import { checkSavable } from './divergence-guard';
import type { TrainerCore } from './trainer-core';
import { decodeTrainerSnapshot, encodeTrainerSnapshot, firstDifference } from './trainer-checkpoint';

/**
 * A time density that keeps state (an importance sampler's loss history, as
 * `@diffusion/loss-weightings`' `createImportanceTimeDensity`) exposes it as JSON through these two
 * optional methods; the trainer saves and restores it with the checkpoint.
 */
interface StatefulTimeDensity extends TimeDensity {
  state?(): unknown;
  restore?(state: unknown): void;
}

/** The JSON description of a run that a checkpoint must match to be restored. */
function describeRun(core: TrainerCore): unknown {
  const { checkpoint: _checkpoint, ...trainer } = core.config;
  const { backbone, schedule, parameterisation, weighting } = core.options;
  const plugin = (value: { name: string; options?: unknown } | undefined) => (value === undefined ? null : { name: value.name, options: value.options ?? {} });
  return JSON.parse(
    JSON.stringify({
      trainer,
      backbone: { name: backbone.name, config: backbone.config, sampleShape: backbone.sampleShape },
      schedule: plugin(schedule),
      parameterisation: plugin(parameterisation),
      weighting: plugin(weighting),
      timeDensity: plugin(core.timeDensity),
    }),
  ) as unknown;
}

function tensorGroups(core: TrainerCore): Array<[string, ReadonlyMap<string, Variable>]> {
  return [
    ['weights', core.weights],
    ['ema', core.ema],
    ['adam/m', core.adam.firstMoments],
    ['adam/v', core.adam.secondMoments],
  ];
}

/** Serialises every piece of trainer state into one checkpoint file's bytes. */
export function snapshotTrainer(core: TrainerCore): Uint8Array {
  const tensors = new Map<string, CheckpointTensor>();
  for (const [prefix, group] of tensorGroups(core)) {
    for (const [name, value] of group) {
      const values = Float32Array.from(value.dataSync() as Float32Array);
      checkSavable(`${prefix}/${name}`, values, core.completed);
      tensors.set(`${prefix}/${name}`, { shape: value.shape, values });
    }
  }
  const density = core.timeDensity as StatefulTimeDensity;
  return encodeTrainerSnapshot({
    step: core.completed,
    random: { data: core.random.data.state(), time: core.random.time.state(), noise: core.random.noise.state(), condition: core.random.condition.state() },
    timeDensity: typeof density.state === 'function' ? density.state() : null,
    config: describeRun(core),
    tensors,
  });
}

/**
 * Refuses tensor values no trainer can continue from: NaN or ±Infinity anywhere (a run that diverged,
 * or damage), and a negative Adam second moment (an average of squared gradients; its square root is NaN).
 */
function checkRestorable(key: string, values: Float32Array, nonNegative: boolean): void {
  let bad = 0;
  let first = -1;
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index]!;
    if (Number.isFinite(value) && (!nonNegative || value >= 0)) continue;
    bad += 1;
    if (first < 0) first = index;
  }
  if (bad === 0) return;
  const what = nonNegative ? 'negative, NaN or ±Infinity values (a second moment is >= 0)' : 'NaN or ±Infinity values';
  throw new DiffusionError('checkpoint', `checkpoint: tensor "${key}" holds ${bad} of ${values.length} ${what}, the first ${describeValue(values[first])} at index ${first}; a trainer cannot continue from it.`, {
    field: `checkpoint.${key}`,
    value: { count: bad, index: first, first: values[first] },
    allowed: nonNegative ? 'finite values >= 0' : 'finite values',
  });
}

function mismatch(field: string, message: string, value?: unknown): DiffusionError {
  return new DiffusionError('checkpoint', `checkpoint: ${message}`, { field, value, allowed: 'a checkpoint of a trainer with the same configuration and backbone' });
}

/** Checks a checkpoint against the trainer (config, names, shapes) and, only if all fits, restores it. */
export function restoreTrainerState(core: TrainerCore, bytes: Uint8Array): void {
  const snapshot = decodeTrainerSnapshot(bytes);
  // The backbone's initialisation seed need not match: its weights come from the file, and their
  // names and shapes are checked one by one below. Every other setting of the backbone must: a time
  // scale, an embedding kind or a residual switch changes what the same weights compute.
  const withoutBackboneConfig = (config: unknown) => {
    const copy = JSON.parse(JSON.stringify(config ?? null)) as { backbone?: { config?: unknown } } | null;
    const backboneConfig = copy?.backbone?.config;
    if (typeof backboneConfig === 'object' && backboneConfig !== null) delete (backboneConfig as Record<string, unknown>).seed;
    return copy;
  };
  const difference = firstDifference(withoutBackboneConfig(snapshot.config), withoutBackboneConfig(describeRun(core)));
  if (difference !== undefined) {
    throw mismatch(`checkpoint.config.${difference.path}`, `config.${difference.path} is ${JSON.stringify(difference.saved)} in the checkpoint but ${JSON.stringify(difference.current)} in this trainer.`, difference.saved);
  }
  const expected = new Set<string>();
  for (const [prefix, group] of tensorGroups(core)) {
    for (const [name, value] of group) {
      const key = `${prefix}/${name}`;
      expected.add(key);
      const saved = snapshot.tensors.get(key);
      if (saved === undefined) throw mismatch(`checkpoint.${key}`, `tensor "${key}" is missing from the checkpoint (it holds ${[...snapshot.tensors.keys()].slice(0, 8).join(', ')}…).`);
      if (saved.shape.length !== value.shape.length || saved.shape.some((size, axis) => size !== value.shape[axis])) {
        throw mismatch(`checkpoint.${key}`, `tensor "${key}" has shape [${saved.shape.join(', ')}] in the checkpoint but [${value.shape.join(', ')}] in the backbone.`, saved.shape);
      }
      checkRestorable(key, saved.values, prefix === 'adam/v');
    }
  }
  const unknown = [...snapshot.tensors.keys()].filter((key) => !expected.has(key));
  if (unknown.length > 0) throw mismatch(`checkpoint.${unknown[0]}`, `the checkpoint holds tensors this backbone does not have: ${unknown.join(', ')}.`, unknown);
  const density = core.timeDensity as StatefulTimeDensity;
  if (snapshot.timeDensity !== null && typeof density.restore !== 'function') {
    throw mismatch('checkpoint.trainer.timeDensity', `the checkpoint holds a time-density state but "${core.timeDensity.name}" cannot restore one.`);
  }
  if (snapshot.timeDensity === null && typeof density.state === 'function') {
    throw mismatch('checkpoint.trainer.timeDensity', `the checkpoint holds no time-density state but "${core.timeDensity.name}" keeps one (it would go on from its current state, not the saved one).`);
  }
  const random = snapshot.random as { data: RandomState; time: RandomState; noise: RandomState; condition?: RandomState };
  // A checkpoint from before label dropout had no condition stream; an unconditional run never draws
  // from it (it stays at counter 0). A class-conditional run always saves it: without it the label
  // dropout would go on from this trainer's position, not the saved one.
  if (random.condition === undefined && core.config.classes !== undefined) {
    throw mismatch('checkpoint.trainer.random.condition', 'the checkpoint holds no "condition" random stream but this trainer drops class labels from it (pUncond); a class-conditional run always saves it.');
  }
  const names = random.condition === undefined ? (['data', 'time', 'noise'] as const) : (['data', 'time', 'noise', 'condition'] as const);
  for (const name of names) {
    const saved = (random as Record<string, unknown>)[name];
    try {
      createRandomSource(saved as RandomState);
    } catch (error) {
      throw new DiffusionError('checkpoint', `checkpoint: the "${name}" random-stream state ${describeValue(saved)} is invalid (${error instanceof Error ? error.message : String(error)}).`, { field: `checkpoint.trainer.random.${name}`, value: saved, cause: error });
    }
    // The streams are forks of the configured seed: only their position (counter) may differ.
    const own = core.random[name].state();
    for (const key of ['seed', 'stream'] as const) {
      if ((saved as RandomState)[key] !== own[key]) {
        throw mismatch(`checkpoint.trainer.random.${name}.${key}`, `the "${name}" random stream has ${key} ${describeValue((saved as RandomState)[key])} in the checkpoint but ${own[key]} in this trainer (the streams are forks of config.trainer.seed).`, (saved as RandomState)[key]);
      }
    }
  }
  // Everything fits: restore (the density first: it checks its own state and may still refuse).
  if (snapshot.timeDensity !== null) {
    try {
      density.restore!(snapshot.timeDensity);
    } catch (error) {
      // The density checks its own state (and changes nothing when it refuses); its error, whatever its code, is a damaged checkpoint here.
      if (error instanceof DiffusionError && error.code === 'checkpoint' && error.field?.startsWith('checkpoint') === true) throw error;
      throw new DiffusionError('checkpoint', `checkpoint: "${core.timeDensity.name}" could not restore the time-density state (${error instanceof Error ? error.message : String(error)}).`, { field: 'checkpoint.trainer.timeDensity', value: snapshot.timeDensity, cause: error });
    }
  }
  tidy(() => {
    for (const [prefix, group] of tensorGroups(core)) {
      for (const [name, value] of group) {
        const saved = snapshot.tensors.get(`${prefix}/${name}`)!;
        value.assign(tensor(saved.values, [...saved.shape], 'float32'));
      }
    }
  });
  core.completed = snapshot.step;
  const condition = createRandomSource(random.condition ?? { ...core.random.condition.state(), counter: 0 });
  core.random = { data: createRandomSource(random.data), time: createRandomSource(random.time), noise: createRandomSource(random.noise), condition };
}
