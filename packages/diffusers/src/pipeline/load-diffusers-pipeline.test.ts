import { existsSync, readdirSync, readFileSync } from 'node:fs';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtureFolder, nchwValues, nhwcFromNchw, relativeMaxError } from '../../test/vectors';
import { loadDiffusersPipeline } from './load-diffusers-pipeline';

/** Every fixture folder made by diffusers v0.31.0 itself (make_vectors.py) that holds a DDIM run of DDIMScheduler. */
const folders = readdirSync(fixtureFolder('.')).filter((name) => {
  const vectors = `${fixtureFolder(name)}/vectors.json`;
  return existsSync(vectors) && 'ddim' in (JSON.parse(readFileSync(vectors, 'utf8')) as object);
});

interface DdimVectors {
  readonly input: { readonly shape: [number, number, number, number]; readonly class_labels: number[] | null };
  readonly ddim: { readonly num_inference_steps: number; readonly eta: number; readonly timesteps: number[]; readonly x_T: number[]; readonly final: number[] };
}

describe('loadDiffusersPipeline(...).sample against diffusers v0.31.0', () => {
  // 22 folders x 10 network calls: on tfjs's wasm backend (float32, SIMD) this file costs a sixth of
  // the CPU time of the plain cpu backend (the tiny folder's run: 1.4 s against 8.8 s); the forward
  // test (src/unet2d-forward.test.ts) checks every folder on the cpu backend.
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
  });
  it('runs on the wasm backend', () => expect(tf.getBackend()).toBe('wasm'));
  it('finds the diffusers-made folders', () => expect(folders).toContain('unet2d-tiny'));
  for (const name of folders) {
    it(`reproduces diffusers' ${name} DDIM run within 1e-3 of max|ref|`, async () => {
      const vectors = JSON.parse(readFileSync(`${fixtureFolder(name)}/vectors.json`, 'utf8')) as DdimVectors;
      const pipeline = await loadDiffusersPipeline(fixtureFolder(name));
      expect(Array.from(pipeline.scheduler.setTimesteps(vectors.ddim.num_inference_steps).timesteps)).toEqual(vectors.ddim.timesteps);
      const noise = nhwcFromNchw(vectors.ddim.x_T, vectors.input.shape);
      const before = tf.memory().numTensors;
      const sample = pipeline.sample({ noise, steps: vectors.ddim.num_inference_steps, eta: vectors.ddim.eta, ...(vectors.input.class_labels === null ? {} : { classLabels: vectors.input.class_labels }) });
      expect(tf.memory().numTensors).toBe(before + 1);
      const error = relativeMaxError(nchwValues(sample), vectors.ddim.final);
      console.info(`${name}: DDIM ${vectors.ddim.num_inference_steps} steps, relative max error ${error.toExponential(2)}`);
      expect(error).toBeLessThan(1e-3);
      tf.dispose([noise, sample]);
      pipeline.dispose();
    });
  }
});
