import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiffusionError, type Backbone } from '@diffusion/core';
import { createMlpBackbone } from '@diffusion/backbones';
import { createEpsParameterisation } from '@diffusion/parameterisations';
import { createLinearSchedule } from '@diffusion/schedules';
import { createTrainer, decodeCheckpointFile } from '@diffusion/training';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gaussianMixtureDataset } from '../test/gaussian-mixture';
import { registerDiffusionKernels, type DiffusionKernelsRegistration } from './register-diffusion-kernels';

// Issue #19 item 3 where it bites: with these kernels registered (as compare and the diffusion
// command do), the global gradient norm is summed in float64, so it stays finite far above
// sqrt(float32 max) = 2^64 while the squares Adam keeps in float32 overflow to Infinity. (With
// tfjs's float32 ops the norm itself overflows and the non-finite guard stops the step.)

let registration: DiffusionKernelsRegistration;
const directory = mkdtempSync(join(tmpdir(), 'kernels-divergence-'));
beforeAll(() => {
  registration = registerDiffusionKernels({ backends: ['cpu'] });
});
afterAll(() => {
  registration.unregister();
  rmSync(directory, { recursive: true, force: true });
});

/** The training tests' MLP whose output is 1e18 times larger from its `call`-th apply on: finite, but exploding. */
function explodingMlp(call: number): Backbone {
  const backbone = createMlpBackbone({ dimension: 2, hiddenWidths: [8, 8], embeddingDimension: 16, seed: 5 });
  let calls = 0;
  return {
    ...backbone,
    name: backbone.name,
    sampleShape: backbone.sampleShape,
    apply(x, noiseLevel, condition) {
      calls += 1;
      const output = backbone.apply(x, noiseLevel, condition);
      return calls < call ? output : tf.tidy(() => tf.mul(output, 1e18));
    },
    variables: () => backbone.variables(),
    dispose: () => backbone.dispose(),
  };
}

describe('the divergence guard with the float64 gradient norm (issue #19)', () => {
  it('refuses the step whose gradient norm reaches 2^64 before the update: no Infinity in Adam v, last good checkpoint kept', async () => {
    const path = join(directory, 'exploding.safetensors');
    const trainer = createTrainer({ backbone: explodingMlp(7), schedule: createLinearSchedule({ numTrainTimesteps: 100 }), parameterisation: createEpsParameterisation(), batchSize: 6, seed: 9, checkpoint: { path, everySteps: 2 } });
    await trainer.train({ data: gaussianMixtureDataset, steps: 6 });
    const good = readFileSync(path);
    const error = await trainer.train({ data: gaussianMixtureDataset, steps: 10 }).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    const saved = decodeCheckpointFile(readFileSync(path)).tensors;
    const infinite = [...saved].filter(([name]) => name.startsWith('adam/v/')).reduce((count, [, entry]) => count + entry.values.filter((value) => !Number.isFinite(value)).length, 0);
    expect(infinite, 'non-finite Adam second moments in the checkpoint on disk').toBe(0);
    expect(error).toBeInstanceOf(DiffusionError);
    expect((error as DiffusionError).message).toMatch(/step 7 has gradient norm .*2\^64/);
    expect(trainer.completedSteps).toBe(6);
    expect(readFileSync(path).equals(good)).toBe(true);
    trainer.dispose();
  });
});
