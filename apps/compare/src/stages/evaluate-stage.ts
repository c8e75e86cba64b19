import type { Denoiser } from '@diffusion/core';
import { natsToBitsPerDim, nllBoundFromDenoiser } from '@diffusion/metrics';
import { isDiscreteSchedule } from '@diffusion/parameterisations';
import { lossProfile } from '../profile';
import type { OdeNll, ProfileBin } from '../results';
import type { ExperimentContext } from './experiment-context';
import { odeNllOf } from './ode-nll-stage';

/**
 * The negative ELBO of the discrete chain on the held-out data, in the setup's unit, with the same
 * x_t draws for every model; stratified timesteps keep it unbiased and quick. `undefined` for
 * continuous schedules.
 */
export function nllBoundOf(context: ExperimentContext, denoiser: Denoiser): number | undefined {
  const { schedule, setup } = context;
  if (!isDiscreteSchedule(schedule)) return undefined;
  const bound = nllBoundFromDenoiser({ denoiser, schedule, data: setup.heldOut, random: context.random.fork('nll-bound'), timesteps: setup.decoder === 'gaussian' ? 100 : 20, decoder: setup.decoder });
  return setup.nllUnit === 'bits per dimension' ? natsToBitsPerDim(bound.total, setup.dimension) : bound.total;
}

/** The evaluate stage: the per-noise-level loss profile, the NLL bound and the ODE NLL of a trained denoiser. */
export function evaluateStage(context: ExperimentContext, denoise: Denoiser): { profile: ProfileBin[]; nllBound?: number; odeNll?: OdeNll } {
  const { setup } = context;
  const profile = lossProfile(denoise, setup.heldOut, context.profileNoise, context.sigmasOfProfile, setup.exactDenoiser);
  const nllBound = nllBoundOf(context, denoise);
  const odeNll = odeNllOf(context, denoise);
  return { profile, ...(nllBound === undefined ? {} : { nllBound }), ...(odeNll === undefined ? {} : { odeNll }) };
}
