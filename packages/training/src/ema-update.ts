import { add, mul, scalar, tidy, type Variable } from '@tensorflow/tfjs-core';
import { emaKernelName, emaKernelUpdate, hasFusedKernel } from './fused-update-kernels';

/**
 * Moves each average towards its weight, `average <- d average + (1 - d) weight` (Polyak &
 * Juditsky 1992 averaging in exponential form; Ho et al. 2020, Appendix B). With `fused` (default
 * true) each pair of float32 tensors of one shape takes one `DiffusionEmaUpdate` kernel where
 * `@diffusion/kernels-wasm` registered it (cpu and wasm); the float32 results equal the composed ops'.
 */
export function applyEmaUpdate(averages: ReadonlyMap<string, Variable>, weights: ReadonlyMap<string, Variable>, decay: number, fused = true): void {
  const fusedKernel = fused && hasFusedKernel(emaKernelName);
  tidy(() => {
    let shares: [ReturnType<typeof scalar>, ReturnType<typeof scalar>] | undefined;
    for (const [name, average] of averages) {
      const weight = weights.get(name)!;
      const fits = fusedKernel && average.dtype === 'float32' && weight.dtype === 'float32' && average.shape.length === weight.shape.length && average.shape.every((size, axis) => size === weight.shape[axis]);
      if (fits) {
        average.assign(emaKernelUpdate(average, weight, decay));
        continue;
      }
      shares ??= [scalar(decay), scalar(1 - decay)];
      average.assign(add(mul(average, shares[0]), mul(weight, shares[1])));
    }
  });
}
