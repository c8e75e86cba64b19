/** Quality of samples drawn for requested class labels (which figures depend on the data). */
export interface GuidedQuality {
  /** 2-D: share of samples nearest their requested class (mixtures: the nearest component mean; toys: the class of the nearest held-out point). */
  readonly fractionInClass?: number;
  /** 2-D: sliced W1 of each class's samples to that class (mixtures: the exact component; toys: its held-out points), averaged over classes. */
  readonly withinClassW1?: number;
  /** MNIST: share of samples the shipped digit classifier reads as the requested digit. */
  readonly classifierAccuracy?: number;
  /** MNIST: Fréchet distance of classifier features to real test digits. */
  readonly frechetDistance?: number;
  /** MNIST: mean classifier confidence (largest softmax probability). */
  readonly classifierConfidence?: number;
}

/** One (model, sampler, NFE, guider, scale) cell of a `--guidance` comparison. */
export interface GuidanceResult extends GuidedQuality {
  readonly sampler: string;
  /** With `ladder: "tuned"`: the standard ladder the guided cells ran on (the ladders are tuned unguided). */
  readonly ladder?: string;
  /** Calls of the guided denoiser (the sampler's NFE budget, as in the unguided rows). */
  readonly nfe: number;
  readonly steps: number;
  /** The guider's name (`cfg`, `cfg-rescale`, `guidance-interval`, `apg`). */
  readonly guider: string;
  /** The guider's options after defaults, `guidanceScale` included. */
  readonly options: Readonly<Record<string, unknown>>;
  /** `w`, diffusers' `guidance_scale`: 1 is the conditional model, 0 the unconditional one. */
  readonly guidanceScale: number;
  /** Network evaluations per sample: 2 per guided call (D_c and D_u, batched into one network call), 1 where the guider uses D_c alone. */
  readonly networkEvaluations: number;
  readonly seconds: number;
}
