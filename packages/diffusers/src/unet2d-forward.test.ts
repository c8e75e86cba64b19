import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { fixtureFolder, nchwValues, nhwcFromNchw, readVectors, relativeMaxError } from '../test/vectors';
import { loadUnet2DModel } from './unet2d-folder';

/** Every folder made by diffusers v0.31.0 itself (make_vectors.py) with the config switches it covers. */
const folders = [
  'unet2d-tiny',
  'attn-norm-groups',
  'center-input',
  'class-conditional',
  'ddpm-cifar10-family',
  'downsample-padding-0',
  'downsample-padding-1',
  'flip-false-shift-1',
  'head-dim-6',
  'head-dim-absent',
  'head-dim-null',
  'layers-per-block-2',
  'legacy-attention-names',
  'no-mid-attention',
  'no-mid-block',
  'norm-eps-mid-scale',
  'odd-width-rectangular',
  'scale-shift',
  'scale-shift-attn-groups',
  'unetres-prefix',
  'weights-bf16',
  'weights-f16',
];

describe('UNet2DModel forward against diffusers v0.31.0', () => {
  for (const name of folders) {
    it(`matches diffusers' output within 1e-4 of max |ref| on ${name}`, async () => {
      const vectors = readVectors(name);
      const model = await loadUnet2DModel(fixtureFolder(name));
      const x = nhwcFromNchw(vectors.input.x, vectors.input.shape);
      const timesteps = tf.tensor1d(vectors.input.timesteps);
      const labels = vectors.input.class_labels === null ? undefined : tf.tensor1d(vectors.input.class_labels, 'int32');
      const before = tf.memory().numTensors;
      const output = model.apply(x, timesteps, labels);
      expect(tf.memory().numTensors).toBe(before + 1);
      const error = relativeMaxError(nchwValues(output), vectors.output.sample);
      console.log(`${name}: forward relative max error ${error.toExponential(2)}`);
      expect(error).toBeLessThan(1e-4);
      tf.dispose([x, timesteps, output, ...(labels === undefined ? [] : [labels])]);
      model.dispose();
    });
  }
});
