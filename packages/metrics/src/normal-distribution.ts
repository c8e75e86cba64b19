// The standard normal distribution in float64, accurate to a few ulps: erf by its everywhere-
// convergent positive series (Abramowitz & Stegun 7.1.6) below 0.5; above, erfc(x) = exp(-x^2)
// erfcx(x) with erfcx from its continued fraction (A&S 7.1.14, modified Lentz), tabulated once
// as Chebyshev interpolants on [0.5, 3] and [3, 10] so each call costs one exp and ~100 flops.

const inverseSqrtPi = 1 / Math.sqrt(Math.PI);
const inverseSqrtTwoPi = 1 / Math.sqrt(2 * Math.PI);

/**
 * erfcx(x) = exp(x^2) erfc(x) for x >= 0.5 by the continued fraction A&S 7.1.14,
 * `sqrt(pi) erfcx(x) = 1 / (x + (1/2) / (x + 1 / (x + (3/2) / (x + ...))))`, evaluated bottom-up
 * from a fixed depth: every term is positive, so the backward recurrence is stable to round-off.
 */
function scaledComplementaryFraction(x: number): number {
  const depth = x < 3 ? 4000 : x < 10 ? 800 : 120;
  let tail = x;
  for (let n = depth; n >= 1; n -= 1) tail = x + n / 2 / tail;
  return inverseSqrtPi / tail;
}

/**
 * Interpolant of `f` on [low, high] at `count` Chebyshev points of the first kind, evaluated by
 * the barycentric formula, which is stable to round-off (Berrut & Trefethen 2004, eq. 5.2; Higham 2004).
 */
function chebyshevInterpolant(f: (x: number) => number, low: number, high: number, count: number): (x: number) => number {
  const angles = Float64Array.from({ length: count }, (_, k) => ((2 * k + 1) * Math.PI) / (2 * count));
  const nodes = angles.map((angle) => Math.cos(angle));
  const weights = angles.map((angle, k) => (k % 2 === 0 ? 1 : -1) * Math.sin(angle));
  const values = nodes.map((node) => f(0.5 * (low + high) + 0.5 * (high - low) * node));
  return (x) => {
    const y = (2 * x - low - high) / (high - low);
    let numerator = 0;
    let denominator = 0;
    for (let k = 0; k < count; k += 1) {
      const difference = y - nodes[k]!;
      if (difference === 0) return values[k]!;
      const term = weights[k]! / difference;
      numerator += term * values[k]!;
      denominator += term;
    }
    return numerator / denominator;
  };
}

// erfcx(x) = exp(x^2) erfc(x) is entire and slowly varying: 32 Chebyshev points per piece reach round-off.
const scaledNear = chebyshevInterpolant(scaledComplementaryFraction, 0.5, 3, 32);
const scaledFar = chebyshevInterpolant(scaledComplementaryFraction, 3, 10, 32);

/** Complementary error function erfc(x) = 1 - erf(x), Abramowitz & Stegun 7.1.6 and 7.1.14. */
export function complementaryErrorFunction(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - complementaryErrorFunction(-x);
  if (x < 0.5) return 1 - errorFunctionSeries(x);
  if (x > 27) return 0;
  const scaled = x < 3 ? scaledNear(x) : x < 10 ? scaledFar(x) : scaledComplementaryFraction(x);
  return Math.exp(-x * x) * scaled;
}

/** erf(x) = 2/sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) / (2n+1)!!, A&S 7.1.6 (all terms positive). */
function errorFunctionSeries(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 200 && term > 1e-17 * sum; n += 1) {
    term *= (2 * x * x) / (2 * n + 1);
    sum += term;
  }
  return 2 * inverseSqrtPi * Math.exp(-x * x) * sum;
}

/** Error function erf(x), Abramowitz & Stegun 7.1.6 / 7.1.14. */
export function errorFunction(x: number): number {
  return Math.abs(x) < 0.5 ? Math.sign(x) * errorFunctionSeries(Math.abs(x)) : Math.sign(x) * (1 - complementaryErrorFunction(Math.abs(x)));
}

/** Standard normal density phi(z). */
export function normalDensity(z: number): number {
  return inverseSqrtTwoPi * Math.exp(-0.5 * z * z);
}

/** Standard normal CDF Phi(z) = erfc(-z / sqrt 2) / 2, accurate in the lower tail too. */
export function normalCdf(z: number): number {
  return 0.5 * complementaryErrorFunction(-z / Math.SQRT2);
}

/**
 * Antiderivative of Phi: integral from -infinity to z of Phi(t) dt = z Phi(z) + phi(z)
 * (the normal "loss" integral; Patel & Read 1996, 10.010.1).
 */
export function normalCdfIntegral(z: number): number {
  return z * normalCdf(z) + normalDensity(z);
}
