import { createRegistry, DiffusionError } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { maxAbsDifference, normalTensor, perturbWeights } from '../test/backbone-assertions';
import { builtinBackboneFactories } from './backbone-factories';
import { createBackboneFromSafetensors, saveSafetensors } from './backbone-safetensors';

const configs: Record<string, Record<string, unknown>> = {
  mlp: { dimension: 3, hiddenWidths: [8, 8], embeddingDimension: 4, timeEmbedding: 'fourier', seed: 2 },
  unet: { imageSize: 8, channels: 1, baseChannels: 4, channelMultipliers: [1, 2], attentionResolutions: [2], groups: 2, seed: 2 },
  dit: { imageSize: 4, channels: 1, patchSize: 2, hiddenSize: 8, depth: 1, heads: 2, embeddingDimension: 4, seed: 2 },
};

describe('builtinBackboneFactories', () => {
  it('registers mlp, unet and dit under contract v1', () => {
    const registry = createRegistry({ backbones: builtinBackboneFactories() });
    expect(registry.backbones.names()).toEqual(['mlp', 'unet', 'dit']);
    expect(builtinBackboneFactories().every((factory) => factory.specificationVersion === 'v1')).toBe(true);
  });

  it.each(Object.keys(configs))('rebuilds a %s from its JSON config and from safetensors with identical outputs', (name) => {
    const registry = createRegistry({ backbones: builtinBackboneFactories() });
    const backbone = registry.backbones.get(name).create(configs[name]!);
    expect(backbone.name).toBe(name);
    // The stored config is JSON and rebuilds the same network.
    const twin = registry.backbones.get(name).create(JSON.parse(JSON.stringify(backbone.config)));
    expect(twin.parameterCount).toBe(backbone.parameterCount);
    perturbWeights(backbone, 3, 0.3);
    const restored = createBackboneFromSafetensors(saveSafetensors(backbone));
    const x = normalTensor(4, [2, ...backbone.sampleShape]);
    const t = tf.tensor1d([0.3, 0.6]);
    const [expected, actual] = [backbone.apply(x, t), restored.apply(x, t)];
    expect(Math.max(...Array.from(expected.dataSync(), Math.abs))).toBeGreaterThan(0);
    expect(maxAbsDifference(actual.dataSync(), expected.dataSync())).toBe(0);
    tf.dispose([x, t, expected, actual]);
    [backbone, twin, restored].forEach((b) => b.dispose());
  });

  it('rejects a bad config with a DiffusionError naming the field', () => {
    const registry = createRegistry({ backbones: builtinBackboneFactories() });
    expect(() => registry.backbones.get('unet').create({ ...configs.unet, groups: 3 })).toThrow(DiffusionError);
    expect(() => registry.backbones.get('mlp').create({ dimension: 2, timeEmbedding: 'nope' })).toThrow(/createMlpBackbone.timeEmbedding/);
  });
});
