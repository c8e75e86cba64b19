import { createCheckerboard, createConformanceMixture, createEightGaussians, createRings, createSwissRoll, createTwoMoons, type Dataset, type GaussianMixture } from '@diffusion/data';

/** A 2-D dataset of the page, with its mixture when it is one (exact sliced W1, exact denoiser). */
export interface PlaygroundDataset {
  readonly name: string;
  readonly dataset: Dataset;
  /** The Gaussian mixture itself, when the data is one. */
  readonly mixture?: GaussianMixture;
}

const factories: Record<string, () => PlaygroundDataset> = {
  mixture: () => {
    const mixture = createConformanceMixture();
    return { name: 'mixture', dataset: mixture, mixture };
  },
  'eight-gaussians': () => {
    const mixture = createEightGaussians() as unknown as GaussianMixture;
    return { name: 'eight-gaussians', dataset: mixture, mixture };
  },
  'two-moons': () => ({ name: 'two-moons', dataset: createTwoMoons() }),
  'swiss-roll': () => ({ name: 'swiss-roll', dataset: createSwissRoll() }),
  checkerboard: () => ({ name: 'checkerboard', dataset: createCheckerboard() }),
  rings: () => ({ name: 'rings', dataset: createRings() }),
};

/** Names of the page's datasets: the conformance mixture first, then the toys. */
export const datasetNames: readonly string[] = Object.keys(factories);

/** Builds the named dataset; unknown names throw with the list of known ones. */
export function datasetByName(name: string): PlaygroundDataset {
  const factory = factories[name];
  if (factory === undefined) throw new Error(`dataset: unknown name ${JSON.stringify(name)}; known: ${datasetNames.join(', ')}`);
  return factory();
}
