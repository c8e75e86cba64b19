// The class-conditional MNIST model of the guidance run (issue #14), shared by the training and
// evaluation scripts: a U-Net with 10 digit classes and a null class (label dropout pUncond 0.1,
// Ho & Salimans 2022), v-parameterisation on the linear schedule, trained from seed 0.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import { createUnetBackbone } from '@diffusion/backbones';
import { registerDiffusionKernels, selectBackend } from '@diffusion/kernels-wasm';
import { createTimeDensityForSchedule } from '@diffusion/loss-weightings';
import { createVParameterisation } from '@diffusion/parameterisations';
import { createLinearSchedule } from '@diffusion/schedules';
import { createTrainer } from '@diffusion/training';

/** Every setting of the run, recorded next to the figures. */
export const modelSettings = {
  unet: { imageSize: 28, channels: 1, baseChannels: 16, channelMultipliers: [1, 2], numResBlocks: 1, attentionResolutions: [], groups: 8, numClasses: 10 },
  schedule: 'linear (DDPM, T = 1000)',
  parameterisation: 'v (natural v-MSE)',
  pUncond: 0.1,
  batch: 32,
  learningRate: 1e-3,
  emaDecay: 0.999,
  seed: 0,
};

/** Starts the wasm backend with the fused kernels, as `pnpm compare` does. */
export async function startWasm() {
  tf.enableProdMode();
  const name = await selectBackend('wasm', { wasmThreads: 1 });
  registerDiffusionKernels({ replaceStockKernels: name === 'wasm' });
  return name;
}

/** A fresh backbone and trainer for a run of `totalSteps` steps (cosine decay to that length). */
export function createModel(totalSteps) {
  const schedule = createLinearSchedule();
  const backbone = createUnetBackbone({ ...modelSettings.unet, seed: modelSettings.seed });
  const trainer = createTrainer({
    backbone,
    schedule,
    parameterisation: createVParameterisation(),
    timeDensity: createTimeDensityForSchedule('uniform', schedule),
    optimizer: { learningRate: modelSettings.learningRate },
    warmupSteps: Math.min(100, Math.floor(totalSteps / 10)),
    decay: 'cosine',
    totalSteps,
    gradientClipNorm: 1,
    ema: { decay: modelSettings.emaDecay },
    batchSize: modelSettings.batch,
    seed: modelSettings.seed,
    pUncond: modelSettings.pUncond,
  });
  return { schedule, backbone, trainer };
}
