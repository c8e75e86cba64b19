import type { Backbone, ConditionalDenoiser, Parameterisation, Schedule } from '@diffusion/core';
import { createDenoiser } from '@diffusion/parameterisations';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';

/**
 * The trained backbone as an EDM denoiser D(x; sigma) (Karras et al. 2022, eq. 7), through
 * `@diffusion/parameterisations`' `createDenoiser`. `weights`, when given, are swapped into the
 * backbone for the duration of each call (EMA evaluation) and swapped back before it returns. A
 * condition (class labels) is passed to the backbone.
 */
export function createTrainedDenoiser(
  backbone: Backbone,
  schedule: Schedule,
  parameterisation: Parameterisation,
  weights?: () => ReadonlyMap<string, Variable>,
): ConditionalDenoiser {
  const network = (input: Tensor, time: Tensor, condition?: Tensor): Tensor => {
    const apply = () => (condition === undefined ? backbone.apply(input, time) : backbone.apply(input, time, condition));
    if (weights === undefined) return apply();
    const restore = swapWeights(backbone, weights());
    try {
      return apply();
    } finally {
      restore();
    }
  };
  return createDenoiser({ network, parameterisation, schedule });
}

/**
 * Points the backbone's variables at other values (no copy: tfjs shares the buffers) and returns
 * the undo. Must run inside `tf.tidy` (the saved handles are freed by it).
 */
function swapWeights(backbone: Backbone, replacement: ReadonlyMap<string, Variable>): () => void {
  const saved: Array<[Variable, Tensor]> = [];
  for (const [name, variable] of backbone.variables()) {
    const value = replacement.get(name);
    if (value === undefined) continue;
    saved.push([variable, variable.clone()]);
    variable.assign(value);
  }
  return () => {
    for (const [variable, value] of saved) variable.assign(value);
  };
}
