import { add, concat, mul, slice, tensor, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { createRandomSource, randomNormalTensor, type GuidanceDenoisers } from '@diffusion/core';

/** Shape of the suite's samples: a batch of 4 small 2x3x2 "images" (the reductions span every non-batch axis). */
export const guiderTestShape = [4, 2, 3, 2] as const;

/** Call counts of the suite's denoisers. */
export interface GuiderCallCounts {
  conditional: number;
  unconditional: number;
  paired: number;
}

/** Guidance inputs that count their calls, with an optional `paired` evaluation. */
export interface CountedGuidanceDenoisers {
  readonly denoisers: GuidanceDenoisers;
  readonly calls: GuiderCallCounts;
  /** Frees the per-sample means. */
  dispose(): void;
}

/**
 * Exact Gaussian denoisers: `D(x; sigma) = (s^2 x + sigma^2 mu) / (s^2 + sigma^2)` of data
 * `N(mu, s^2 I)`, with a per-sample mean for the conditional one (`mu_c`, `s_c = 0.5`) and 0 for the
 * unconditional one (`s_u = 1.5`), so the two differ at every sigma.
 */
export function countedGuidanceDenoisers(options: { readonly paired: boolean; readonly seed?: number }): CountedGuidanceDenoisers {
  const calls: GuiderCallCounts = { conditional: 0, unconditional: 0, paired: 0 };
  const [batch, ...sample] = guiderTestShape;
  const classMeans = tidy(() => add(mul(randomNormalTensor(createRandomSource(options.seed ?? 11), [batch, ...sample]), 0.8), 0.4));
  const gaussian = (x: Tensor, sigma: number, mean: Tensor | number, variance: number): Tensor =>
    tidy(() => add(mul(x, variance / (variance + sigma * sigma)), mul(mean, (sigma * sigma) / (variance + sigma * sigma))));
  const conditional = (x: Tensor, sigma: number) => gaussian(x, sigma, classMeans, 0.25);
  const unconditional = (x: Tensor, sigma: number) => gaussian(x, sigma, 0, 2.25);
  const denoisers: GuidanceDenoisers = {
    conditional: (x, sigma) => {
      calls.conditional += 1;
      return conditional(x, sigma);
    },
    unconditional: (x, sigma) => {
      calls.unconditional += 1;
      return unconditional(x, sigma);
    },
    ...(options.paired
      ? {
          paired: (x: Tensor, sigma: number) => {
            calls.paired += 1;
            // One "network call" on the doubled batch, as a batched network would make it.
            return tidy(() => {
              const doubled = concat([x, x]);
              const both = concat([conditional(slice(doubled, 0, batch), sigma), unconditional(slice(doubled, batch, batch), sigma)]);
              return { conditional: slice(both, 0, batch), unconditional: slice(both, batch, batch) };
            });
          },
        }
      : {}),
  };
  return { denoisers, calls, dispose: () => classMeans.dispose() };
}

/** A noisy input at `sigma` (the caller owns it). */
export function guiderTestInput(sigma: number, seed: number): Tensor {
  return tidy(() => add(mul(randomNormalTensor(createRandomSource(seed), guiderTestShape), sigma), tensor(0.2)));
}
