import type { Denoiser } from '@diffusion/core';
import { createCheckerboard, createConformanceMixture, createEightGaussians, createRings, createSwissRoll, createTwoMoons, type Dataset, type GaussianMixture } from '@diffusion/data';
import type { CompareConfig } from './config';

/** A dataset of the compare app, with what it knows about its own distribution. */
export interface CompareDataset {
  readonly dataset: Dataset;
  /** The mixture itself when the data is a Gaussian mixture: exact metric, exact denoiser, true NLL. */
  readonly mixture?: GaussianMixture;
  /** The exact denoiser `E[x0 | x0 + sigma n]`, when known (for the Bayes-optimal loss profile). */
  readonly exactDenoiser?: Denoiser;
  /** Axis range of scatter plots. */
  readonly plotRange: number;
}

/** Builds the named 2-D dataset. */
export function datasetByName(name: Exclude<CompareConfig['dataset'], 'mnist'>): CompareDataset {
  switch (name) {
    case 'mixture': {
      const mixture = createConformanceMixture();
      return { dataset: mixture, mixture, exactDenoiser: mixture.veDenoiser, plotRange: 3 };
    }
    case 'eight-gaussians': {
      const mixture: GaussianMixture = createEightGaussians();
      return { dataset: mixture, mixture, exactDenoiser: mixture.veDenoiser, plotRange: 3 };
    }
    case 'swiss-roll':
      return { dataset: createSwissRoll(), plotRange: 3 };
    case 'two-moons':
      return { dataset: createTwoMoons(), plotRange: 3 };
    case 'checkerboard':
      return { dataset: createCheckerboard(), plotRange: 3 };
    case 'rings':
      return { dataset: createRings(), plotRange: 3 };
  }
}
