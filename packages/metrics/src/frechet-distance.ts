import { checkFiniteArray, invalidOption } from '@diffusion/core';
import { symmetricEigen, symmetricSquareRoot } from './symmetric-eigen';

/** A covariance as a row-major `d x d` array or an array of rows. */
export type Covariance = ArrayLike<number> | readonly (readonly number[])[];

function checkCovariance(field: string, value: Covariance, dimension: number): Float64Array {
  const flat = Array.isArray(value) && Array.isArray(value[0]) ? (value as readonly (readonly number[])[]).flat() : value;
  const matrix = checkFiniteArray(field, flat);
  if (matrix.length !== dimension * dimension) throw invalidOption(field, value, `a ${dimension} x ${dimension} matrix (the means have ${dimension} entries)`, 'shape-mismatch');
  const scale = matrix.reduce((largest, entry) => Math.max(largest, Math.abs(entry)), 0);
  for (let i = 0; i < dimension; i += 1) {
    for (let j = i + 1; j < dimension; j += 1) {
      if (Math.abs(matrix[i * dimension + j]! - matrix[j * dimension + i]!) > 1e-9 * Math.max(scale, 1e-300)) {
        throw invalidOption(`${field}[${i}][${j}]`, matrix[i * dimension + j], `a symmetric matrix (entry [${j}][${i}] is ${matrix[j * dimension + i]})`);
      }
    }
  }
  const smallest = Math.min(...symmetricEigen(matrix, dimension).values);
  if (smallest < -1e-9 * Math.max(scale, 1e-300)) throw invalidOption(field, value, `a positive semi-definite matrix (it has the eigenvalue ${smallest})`);
  return matrix;
}

/**
 * Squared Fréchet (2-Wasserstein) distance between N(mu1, cov1) and N(mu2, cov2), the FID
 * formula (Dowson & Landau 1982; Heusel et al. 2017, eq. 6):
 * `|mu1 - mu2|^2 + tr(cov1 + cov2 - 2 (cov1^(1/2) cov2 cov1^(1/2))^(1/2))`, in float64 with
 * symmetric eigendecompositions (so it stays real and symmetric, unlike a general sqrtm).
 */
export function frechetDistance(mu1: ArrayLike<number>, cov1: Covariance, mu2: ArrayLike<number>, cov2: Covariance): number {
  const mean1 = checkFiniteArray('frechetDistance.mu1', mu1);
  const mean2 = checkFiniteArray('frechetDistance.mu2', mu2);
  const d = mean1.length;
  if (mean2.length !== d) throw invalidOption('frechetDistance.mu2', mu2, `a vector of length ${d} (like mu1)`, 'shape-mismatch');
  const sigma1 = checkCovariance('frechetDistance.cov1', cov1, d);
  const sigma2 = checkCovariance('frechetDistance.cov2', cov2, d);
  const root1 = symmetricSquareRoot(sigma1, d);
  // M = root1 cov2 root1 is symmetric PSD; tr sqrt(M) = sum of sqrt of its eigenvalues.
  const product = new Float64Array(d * d);
  const middle = new Float64Array(d * d);
  for (let i = 0; i < d; i += 1) for (let j = 0; j < d; j += 1) for (let k = 0; k < d; k += 1) product[i * d + j]! += root1[i * d + k]! * sigma2[k * d + j]!;
  for (let i = 0; i < d; i += 1) for (let j = 0; j < d; j += 1) for (let k = 0; k < d; k += 1) middle[i * d + j]! += product[i * d + k]! * root1[k * d + j]!;
  for (let i = 0; i < d; i += 1) for (let j = 0; j < i; j += 1) middle[i * d + j] = middle[j * d + i] = 0.5 * (middle[i * d + j]! + middle[j * d + i]!);
  const traceRoot = symmetricEigen(middle, d).values.reduce((sum, value) => sum + Math.sqrt(Math.max(value, 0)), 0);
  let total = 0;
  for (let i = 0; i < d; i += 1) total += (mean1[i]! - mean2[i]!) ** 2 + sigma1[i * d + i]! + sigma2[i * d + i]!;
  return Math.max(total - 2 * traceRoot, 0);
}
