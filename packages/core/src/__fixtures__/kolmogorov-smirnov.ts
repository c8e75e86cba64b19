// Test-only: the standard normal CDF and the one-sample Kolmogorov–Smirnov statistic.

/** erfc(x), Numerical Recipes' Chebyshev fit `erfcc` (fractional error below 1.2e-7 everywhere). */
function complementaryErrorFunction(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const value = t * Math.exp(poly);
  return x >= 0 ? value : 2 - value;
}

/** Phi(x), the standard normal CDF. */
export function normalCdf(x: number): number {
  return 0.5 * complementaryErrorFunction(-x / Math.SQRT2);
}

/** sup |F_n − Phi| of a sample against N(0, 1). */
export function kolmogorovSmirnovNormal(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  let worst = 0;
  sorted.forEach((value, index) => {
    const cdf = normalCdf(value);
    worst = Math.max(worst, Math.abs(cdf - index / n), Math.abs((index + 1) / n - cdf));
  });
  return worst;
}

/** The KS critical value at level 0.001 for n points (asymptotic, 1.949 / sqrt(n)). */
export function kolmogorovSmirnovCritical(n: number): number {
  return 1.949 / Math.sqrt(n);
}
