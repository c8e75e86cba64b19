import { createEpsParameterisation, levelOfSigma } from '@diffusion/parameterisations';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createSmallMlp, gaussianMixtureDataset } from './test-doubles';
import { createCosineSchedule, createLinearSchedule } from '@diffusion/schedules';
import { createTrainer } from './trainer';

function values(map: ReadonlyMap<string, tf.Variable>): number[][] {
  return [...map.values()].map((value) => [...value.dataSync()]);
}

describe('trainer denoisers', () => {
  it.each([
    ['discrete', createLinearSchedule({ numTrainTimesteps: 100 })],
    ['continuous', createCosineSchedule()],
  ])('read an eps network as D(x; sigma) = (x_t - sigma_t eps_hat) / alpha_t on a %s schedule', (_kind, schedule) => {
    const backbone = createSmallMlp({ hiddenWidth: 8, seed: 6 });
    const trainer = createTrainer({ backbone, schedule, parameterisation: createEpsParameterisation() });
    const x = tf.tensor2d([[0.3, -1.2], [2, 0.5]]);
    for (const sigma of [0.05, 0.8, 1.2]) {
      const level = levelOfSigma(schedule, sigma);
      // VDM / k-diffusion: t of the VE sigma, then x_t = alpha x and sigma_t = alpha sigma.
      expect(schedule.logSnr(level.t)).toBeCloseTo(-2 * Math.log(sigma), _kind === 'discrete' ? 2 : 6);
      const [actual, expected] = tf.tidy(() => {
        const xt = tf.mul(x, level.alpha);
        const eps = backbone.apply(xt, tf.fill([2], level.t));
        return [trainer.denoiser()(x, sigma).dataSync(), tf.div(tf.sub(xt, tf.mul(eps, level.sigma)), level.alpha).dataSync()];
      });
      for (let index = 0; index < 4; index += 1) expect(actual[index]).toBeCloseTo(expected[index]!, 5);
    }
    expect([...trainer.denoiser()(x, 0).dataSync()]).toEqual([...x.dataSync()]);
    tf.dispose(x);
    trainer.dispose();
  });

  it('evaluates with the EMA weights and leaves the live weights in place', async () => {
    const backbone = createSmallMlp({ hiddenWidth: 8, seed: 7 });
    const trainer = createTrainer({ backbone, schedule: createLinearSchedule({ numTrainTimesteps: 100 }), parameterisation: createEpsParameterisation(), optimizer: { learningRate: 0.05 }, ema: { decay: 0.9 }, batchSize: 16 });
    await trainer.train({ data: gaussianMixtureDataset, steps: 20 });
    const live = values(backbone.variables());
    expect(values(trainer.emaWeights())).not.toEqual(live);
    const x = tf.tensor2d([[0.1, 0.2]]);
    const fromEma = trainer.emaDenoiser()(x, 0.5);
    const fromLive = trainer.denoiser()(x, 0.5);
    expect(values(backbone.variables())).toEqual(live);
    // Put the EMA weights in by hand: the live denoiser must then give the EMA answer.
    for (const [name, variable] of backbone.variables()) variable.assign(trainer.emaWeights().get(name)!);
    const byHand = trainer.denoiser()(x, 0.5);
    expect([...fromEma.dataSync()]).toEqual([...byHand.dataSync()]);
    expect([...fromEma.dataSync()]).not.toEqual([...fromLive.dataSync()]);
    tf.dispose([x, fromEma, fromLive, byHand]);
    trainer.dispose();
  });
});
