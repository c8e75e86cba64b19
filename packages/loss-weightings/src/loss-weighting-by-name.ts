import { checkOneOf } from '@diffusion/core';
import type { LossWeighting } from '@diffusion/core';
import { createDensityWeightedWeighting } from './density-weighted-loss-weighting';
import type { DensityWeightedWeightingOptions } from './density-weighted-loss-weighting';
import { createEdmWeighting } from './edm-loss-weighting';
import type { EdmWeightingOptions } from './edm-loss-weighting';
import { createElboWeighting } from './elbo-loss-weighting';
import type { ElboWeightingOptions } from './elbo-loss-weighting';
import { createMinSnrWeighting } from './min-snr-loss-weighting';
import type { MinSnrWeightingOptions } from './min-snr-loss-weighting';
import { createP2Weighting } from './p2-loss-weighting';
import type { P2WeightingOptions } from './p2-loss-weighting';
import { createSigmoidWeighting } from './sigmoid-loss-weighting';
import type { SigmoidWeightingOptions } from './sigmoid-loss-weighting';
import { createSnrWeighting } from './snr-loss-weighting';
import { createTruncatedSnrWeighting } from './truncated-snr-loss-weighting';
import { createUniformWeighting } from './uniform-loss-weighting';
import { createVWeighting } from './v-loss-weighting';

/** Options of each built-in loss weighting, by name. */
export interface LossWeightingOptionsByName {
  uniform: Record<string, never> | undefined;
  elbo: ElboWeightingOptions;
  snr: Record<string, never> | undefined;
  'truncated-snr': Record<string, never> | undefined;
  'min-snr': MinSnrWeightingOptions | undefined;
  p2: P2WeightingOptions | undefined;
  edm: EdmWeightingOptions | undefined;
  sigmoid: SigmoidWeightingOptions;
  'v-mse': Record<string, never> | undefined;
  'density-weighted': DensityWeightedWeightingOptions;
}

/** Names of the built-in loss weightings. */
export type LossWeightingName = keyof LossWeightingOptionsByName;

/** The built-in loss weighting names, in the README's order. */
export const lossWeightingNames: readonly LossWeightingName[] = ['uniform', 'elbo', 'snr', 'truncated-snr', 'min-snr', 'p2', 'edm', 'sigmoid', 'v-mse', 'density-weighted'];

const factories: { [Name in LossWeightingName]: (options: LossWeightingOptionsByName[Name]) => LossWeighting } = {
  uniform: createUniformWeighting,
  elbo: createElboWeighting,
  snr: createSnrWeighting,
  'truncated-snr': createTruncatedSnrWeighting,
  'min-snr': createMinSnrWeighting,
  p2: createP2Weighting,
  edm: createEdmWeighting,
  sigmoid: createSigmoidWeighting,
  'v-mse': createVWeighting,
  'density-weighted': createDensityWeightedWeighting,
};

/** Builds a built-in loss weighting from its name and options (for JSON run configs); unknown names throw. */
export function createLossWeighting<Name extends LossWeightingName>(name: Name, options?: LossWeightingOptionsByName[Name]): LossWeighting {
  const checkedName = checkOneOf('createLossWeighting.name', name, lossWeightingNames);
  const factory = factories[checkedName] as (options: unknown) => LossWeighting;
  return factory(options);
}
