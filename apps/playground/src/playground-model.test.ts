import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { datasetByName } from './playground-datasets';
import { createPlaygroundModel, playgroundPUncond, trainChunk, trainingDataStream } from './playground-model';
import { buildPlaygroundRegistry } from './playground-registry';
import { checkSettings, type SettingsInput } from './playground-settings';
import { datasetNames } from './playground-datasets';

const input: SettingsInput = {
  dataset: 'mixture',
  schedule: 'linear',
  parameterisation: 'eps',
  weighting: 'natural',
  timeDensity: 'uniform',
  hiddenWidths: '32, 32',
  batchSize: '64',
  learningRate: '0.003',
  seed: '0',
  trainSteps: '300',
  sampler: 'euler',
  nfe: '10',
  sampleCount: '200',
  classChoice: 'all',
  guider: 'cfg',
  guidanceScale: '1',
};

function settingsFor(changes: Partial<SettingsInput> = {}) {
  const playground = buildPlaygroundRegistry(changes.schedule ?? input.schedule);
  const check = checkSettings({ ...input, ...changes }, { registry: playground.registry, datasets: datasetNames });
  if (!check.ok) throw new Error(JSON.stringify(check.errors));
  return { settings: check.settings, registry: playground.registry };
}

describe('the playground model', () => {
  it('trains in time-boxed chunks: the loss falls and no tensor leaks', () => {
    const { settings, registry } = settingsFor();
    const model = createPlaygroundModel(settings, registry, datasetByName('mixture'));
    const random = trainingDataStream(settings.seed);
    const losses: number[] = [];
    const before = tf.memory().numTensors;
    while (losses.length < 300) losses.push(...trainChunk(model, random, { budgetMs: 50, maxSteps: 300 - losses.length }).losses);
    expect(tf.memory().numTensors).toBe(before);
    expect(model.trainer.completedSteps).toBe(300);
    const mean = (values: number[]) => values.reduce((total, value) => total + value, 0) / values.length;
    // eps-MSE starts near E||eps||^2 / 2 = 1 for an untrained network and falls as it learns the mixture.
    expect(mean(losses.slice(-50))).toBeLessThan(0.8 * mean(losses.slice(0, 50)));
    model.dispose();
  });

  it('stops a chunk at the step limit or once the time budget is spent', () => {
    const { settings, registry } = settingsFor();
    const model = createPlaygroundModel(settings, registry, datasetByName('two-moons'));
    const random = trainingDataStream(1);
    expect(trainChunk(model, random, { budgetMs: 1e9, maxSteps: 3 }).losses).toHaveLength(3);
    let clock = 0;
    // Each reading of the fake clock advances 10 ms: a 25 ms budget allows 3 steps (10, 20, 30 ms).
    const chunk = trainChunk(model, random, { budgetMs: 25, maxSteps: 100, now: () => (clock += 10) });
    expect(chunk.losses).toHaveLength(3);
    model.dispose();
  });

  it('builds every parameterisation with the weightings and densities of a schedule', () => {
    for (const scheduleName of ['linear', 'flow-matching', 'edm']) {
      const { registry } = buildPlaygroundRegistry(scheduleName);
      for (const parameterisation of registry.parameterisations.names()) {
        const { settings } = settingsFor({ schedule: scheduleName, parameterisation, weighting: registry.lossWeightings.names()[1]!, timeDensity: registry.timeDensities.names()[1]! });
        const model = createPlaygroundModel(settings, registry, datasetByName('rings'));
        expect(Number.isFinite(trainChunk(model, trainingDataStream(0), { budgetMs: 1e9, maxSteps: 1 }).losses[0])).toBe(true);
        model.dispose();
      }
    }
  });

  it('trains class-conditionally on labelled data (the mixture component is the class, pUncond 0.1) and unconditionally otherwise', () => {
    const { settings, registry } = settingsFor();
    const model = createPlaygroundModel(settings, registry, datasetByName('mixture'));
    expect(model.numClasses).toBe(4);
    expect(model.backbone.numClasses).toBe(4);
    expect(model.trainer.options.classes).toEqual({ numClasses: 4, pUncond: playgroundPUncond });
    const random = trainingDataStream(settings.seed);
    trainChunk(model, random, { budgetMs: 1e9, maxSteps: 2 });
    const before = tf.memory().numTensors;
    expect(trainChunk(model, random, { budgetMs: 1e9, maxSteps: 5 }).losses).toHaveLength(5);
    expect(tf.memory().numTensors).toBe(before);
    // One network, both denoisers: a class label in [0, K) gives D_c, the null class K (or none) D_u.
    const x = tf.tensor2d([0.3, -0.2, 1, 1], [2, 2]);
    const denoise = model.denoiser(true);
    const labels = tf.tensor1d([0, 4], 'int32');
    const out = denoise(x, 1, labels);
    expect(out.shape).toEqual([2, 2]);
    expect(() => denoise(x, 1, tf.tensor1d([5, 0], 'int32'))).toThrow(/label/);
    tf.dispose([x, labels, out]);
    model.dispose();
    const unlabelled = createPlaygroundModel(settings, registry, datasetByName('swiss-roll'));
    expect(unlabelled.numClasses).toBeUndefined();
    expect(unlabelled.backbone.numClasses).toBeUndefined();
    expect(unlabelled.trainer.options.classes).toBeUndefined();
    expect(Number.isFinite(trainChunk(unlabelled, random, { budgetMs: 1e9, maxSteps: 1 }).losses[0])).toBe(true);
    unlabelled.dispose();
  });

  it('frees the network when the trainer refuses the settings', () => {
    const { settings, registry } = settingsFor();
    const before = tf.memory().numTensors;
    expect(() => createPlaygroundModel({ ...settings, learningRate: -1 }, registry, datasetByName('mixture'))).toThrow(/learningRate/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
