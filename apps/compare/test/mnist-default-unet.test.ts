import { createUnetBackbone } from '@diffusion/backbones';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config';

describe('the default MNIST U-Net of compare', () => {
  it('builds on 28x28 digits, with or without a partial unet field (was: imageSize 28 is not a multiple of 2^3)', () => {
    for (const config of [parseConfig({ dataset: 'mnist' }), parseConfig({ dataset: 'mnist', unet: { baseChannels: 16 } })]) {
      const backbone = createUnetBackbone({ imageSize: 28, channels: 1, ...config.unet, seed: 0 });
      expect(backbone.sampleShape).toEqual([28, 28, 1]);
      backbone.dispose();
    }
  });
});
