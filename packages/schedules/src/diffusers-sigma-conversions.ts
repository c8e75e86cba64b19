import { numpyLinspace, torchLinspace } from './numeric-ranges';

// The sigma ladders diffusers v0.31.0 converts its interpolated sigmas into, and its sigma →
// timestep map, in its own arithmetic (numpy for Karras, torch for the exponential ladder).

/** Karras et al. (2022) eq. 5 with rho = 7 on a numpy `linspace(0, 1, n)` ramp (diffusers' `_convert_to_karras`). */
export function diffusersKarrasSigmas(sigmaMin: number, sigmaMax: number, steps: number): Float64Array {
  const rho = 7.0;
  const minInverseRho = sigmaMin ** (1 / rho);
  const maxInverseRho = sigmaMax ** (1 / rho);
  return numpyLinspace(0, 1, steps).map((ramp) => (maxInverseRho + ramp * (minInverseRho - maxInverseRho)) ** rho);
}

/** `exp(torch.linspace(log sigmaMax, log sigmaMin, n))` (diffusers' `_convert_to_exponential`). */
export function diffusersExponentialSigmas(sigmaMin: number, sigmaMax: number, steps: number): Float64Array {
  return torchLinspace(Math.log(sigmaMax), Math.log(sigmaMin), steps).map(Math.exp);
}

/**
 * diffusers' `_sigma_to_t`: the fractional timestep of a sigma, linear in log-sigma between the
 * two table entries around it (k-diffusion's `sigma_to_t`), clamped to the table.
 */
export function diffusersSigmaToTimestep(sigma: number, logSigmas: Float64Array): number {
  const logSigma = Math.log(Math.max(sigma, 1e-10));
  // cumsum(dists >= 0).argmax(): the last index whose log-sigma is <= logSigma (0 if none), at most T - 2.
  let low = 0;
  for (let index = 0; index < logSigmas.length; index += 1) if (logSigma - logSigmas[index]! >= 0) low = index;
  low = Math.min(low, logSigmas.length - 2);
  const lowLog = logSigmas[low]!;
  const highLog = logSigmas[low + 1]!;
  const weight = Math.min(1, Math.max(0, (lowLog - logSigma) / (lowLog - highLog)));
  return (1 - weight) * low + weight * (low + 1);
}
