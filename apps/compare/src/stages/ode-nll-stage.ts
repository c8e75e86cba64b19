import type { Denoiser } from '@diffusion/core';
import { dequantisedBitsPerDim, natsToBitsPerDim, odeLogLikelihood, uniformDequantise } from '@diffusion/metrics';
import { trainingSigmaRange } from '@diffusion/schedules';
import { slice, type Tensor } from '@tensorflow/tfjs-core';
import type { OdeNll } from '../results';
import type { ExperimentContext } from './experiment-context';

/** Default tolerance (rtol = atol): k-diffusion's 1e-4 on points; 1e-3 on images, where one Rademacher probe's noise is far larger than the solver's error. */
export const defaultOdeTolerance = { points: 1e-4, images: 1e-3 } as const;
/**
 * Default number of held-out examples (the first of the held-out set): 500 points (the sampling
 * spread of the figure, about 1/sqrt(500) of a nat, is shared by every model: differences between
 * models are paired), 32 digits on images (a U-Net forward and backward pass per evaluation).
 */
export const defaultOdePoints = { points: 500, images: 32 } as const;
/** Dimensions up to which the divergence is exact (d vector-Jacobian products); Hutchinson's estimate above. */
const exactDivergenceDimensions = 16;

/**
 * The model's exact NLL of held-out data through the probability-flow ODE (`odeLogLikelihood` of
 * @diffusion/metrics; Song et al. 2021, section 4.3), integrated over the schedule's training range
 * of sigma: nats per point on points (exact divergence up to 16 dimensions); on 8-bit images,
 * score_sde's bits per dimension of the uniformly dequantised digits with its 7-bit offset
 * (Hutchinson's divergence, one Rademacher probe per digit). The dequantisation and the probes come
 * from seeded streams, the same for every model. `undefined` when `odeNll` is off.
 */
export function odeNllOf(context: ExperimentContext, denoiser: Denoiser): OdeNll | undefined {
  const { config, setup, schedule } = context;
  if (!config.odeNll) return undefined;
  const images = setup.decoder === 'discretized-gaussian';
  const kind = images ? 'images' : 'points';
  const tolerance = config.odeRtol ?? defaultOdeTolerance[kind];
  const points = Math.min(config.odePoints ?? defaultOdePoints[kind], setup.heldOut.shape[0]!);
  const divergence = setup.dimension <= exactDivergenceDimensions ? 'exact' : 'hutchinson';
  const { sigmaMin, sigmaMax } = trainingSigmaRange(schedule);
  const selected = slice(setup.heldOut, 0, points);
  let data: Tensor = selected;
  const started = performance.now();
  try {
    if (images) data = uniformDequantise(selected, context.random.fork('ode-nll-dequantisation'));
    const result = odeLogLikelihood({
      denoiser,
      data,
      sigmaMin,
      sigmaMax,
      rtol: tolerance,
      atol: tolerance,
      divergence,
      ...(divergence === 'hutchinson' ? { probes: 1, random: context.random.fork('ode-nll-probes') } : {}),
      // One adaptive solve for all the points together: its NFE is the solver's.
      batchSize: points,
    });
    const toUnit = (nats: number): number => (images ? dequantisedBitsPerDim(nats, setup.dimension) : setup.nllUnit === 'bits per dimension' ? natsToBitsPerDim(nats, setup.dimension) : nats);
    return {
      value: toUnit(result.nll),
      standardError: images || setup.nllUnit === 'bits per dimension' ? natsToBitsPerDim(result.standardError, setup.dimension) : result.standardError,
      nfe: result.nfe,
      steps: result.acceptedSteps,
      rejectedSteps: result.rejectedSteps,
      points,
      rtol: tolerance,
      atol: tolerance,
      divergence,
      ...(divergence === 'hutchinson' ? { probes: 1 } : {}),
      sigmaMin,
      sigmaMax,
      ...(setup.dataNllOf === undefined ? {} : { dataNll: setup.dataNllOf(points) }),
      ...(images ? { dequantised: true } : {}),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    if (data !== selected) data.dispose();
    selected.dispose();
  }
}
