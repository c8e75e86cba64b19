import type { Tensor } from '@tensorflow/tfjs-core';
import type { Denoiser } from './denoiser';
import type { SpecificationVersion } from './schedule';

/**
 * What a guider reads: the network seen twice in sigma-space, with the requested condition
 * (`D_c`, e.g. a class label) and without it (`D_u`, the null condition of classifier-free
 * guidance, Ho & Salimans 2022).
 */
export interface GuidanceDenoisers {
  /** `D_c(x; sigma)`: the estimate of x0 given the condition; the caller owns the result. */
  readonly conditional: Denoiser;
  /** `D_u(x; sigma)`: the estimate of x0 without the condition; the caller owns the result. */
  readonly unconditional: Denoiser;
  /**
   * Both estimates from one network call (the conditional and unconditional inputs batched
   * together), when the network allows it; the caller owns both tensors.
   */
  readonly paired?: (x: Tensor, sigma: number) => { readonly conditional: Tensor; readonly unconditional: Tensor };
}

/** A guided denoiser for one sampling run: a {@link Denoiser} that may carry state (APG's momentum). */
export interface GuidedDenoiser {
  /** The guided estimate of x0 at `(x, sigma)`; the caller owns the result, `x` is not disposed. */
  (x: Tensor, sigma: number): Tensor;
  /** Frees the guider's state (if any); the denoiser is not to be called afterwards. */
  dispose(): void;
}

/**
 * A guider turns a conditional and an unconditional denoiser into one denoiser, so every sampler
 * guides unchanged. A plugin is a factory (`createCfgGuider(options)`) that checks its options
 * and keeps them, JSON-serialisable, in `options`.
 */
export interface Guider {
  /** Stable kebab-case name, e.g. `'cfg'`. */
  readonly name: string;
  /** Contract version. */
  readonly specificationVersion: SpecificationVersion;
  /** JSON-serialisable options the factory was called with (after defaults). */
  readonly options: Readonly<Record<string, unknown>>;
  /**
   * Network evaluations of one call of the guided denoiser at `sigma`: 2 where it guides (`D_c`
   * and `D_u`, one batched call when `paired` is given), 1 where it returns `D_c` alone.
   */
  evaluations(sigma: number): number;
  /** The guided denoiser of one sampling run; make one per run (it may keep state) and dispose it. */
  guide(denoisers: GuidanceDenoisers): GuidedDenoiser;
}
