import { checkOneOf, checkPositive, checkSigmaLadder, invalidOption } from '@diffusion/core';
import { gaussLegendre } from '@diffusion/sampler-kit';

/** Which coordinate eps is extrapolated in: sigma itself (`rhoAB`) or the VP-SDE time t (`tAB`). */
export type DeisVariant = 'rhoAB' | 'tAB';

const rule = gaussLegendre(16);

/**
 * VP-SDE time of a variance-exploding sigma for the linear beta(t) = betaMin + t (betaMax - betaMin)
 * (Song et al. 2021): `log(1 + sigma^2) = betaMin t + (betaMax - betaMin) t^2 / 2`, solved for t.
 */
export function vpTimeOfSigma(sigma: number, betaMin: number, betaMax: number): number {
  const betaSpread = betaMax - betaMin;
  const logOnePlusSquare = Math.log1p(sigma * sigma);
  if (betaSpread === 0) return logOnePlusSquare / betaMin;
  // t = 2c / (betaMin + sqrt(betaMin^2 + 2 spread c)): the stable root of spread/2 t^2 + betaMin t - c = 0.
  return (2 * logOnePlusSquare) / (betaMin + Math.sqrt(betaMin * betaMin + 2 * betaSpread * logOnePlusSquare));
}

/**
 * Quadrature panels of [low, high]: one for rhoAB (polynomial integrand, exact); for tAB, panels
 * shrinking by 4x towards low, since t(sigma) bends sharply below sigma ~ 1 and is flat above.
 */
function panels(low: number, high: number, geometric: boolean): [number, number][] {
  if (!geometric) return [[low, high]];
  const edges = [high];
  while (edges[edges.length - 1]! / 4 > Math.max(low, 1e-6 * high)) edges.push(edges[edges.length - 1]! / 4);
  edges.push(low);
  return edges.slice(1).map((edge, index) => [edge, edges[index]!]);
}

/** Options of {@link deisCoefficients}. */
export interface DeisCoefficientOptions {
  /** Largest number of past eps values a step uses (1, 2 or 3). */
  readonly order: number;
  /** Coordinate of the polynomial extrapolation. */
  readonly variant: DeisVariant;
  /** beta(0) of the VP-SDE time used by `tAB`; default 0.1 (the linear 1e-4..0.02, T = 1000 schedule). */
  readonly betaMin?: number;
  /** beta(1) of the VP-SDE time used by `tAB`; default 20. */
  readonly betaMax?: number;
}

/**
 * DEIS multistep weights, Zhang & Chen (2022) eq. 14-15 written in variance-exploding coordinates,
 * where the exponential integrator's linear part vanishes: step i moves by
 * `sum_j C[i][j] eps_{i-j}` with `C[i][j] = int_{sigma_i}^{sigma_{i+1}} L_j(u(sigma)) dsigma`, L_j the
 * Lagrange basis through u_i, u_{i-1}, … (u = sigma for rhoAB, u = t(sigma) for tAB). The order
 * is lowered to i + 1 on the first steps. Float64; row i has min(order, i + 1) entries.
 */
export function deisCoefficients(sigmasInput: ArrayLike<number>, options: DeisCoefficientOptions): number[][] {
  const sigmas = checkSigmaLadder('deisCoefficients.sigmas', sigmasInput);
  const order = options.order;
  if (order !== 1 && order !== 2 && order !== 3) throw invalidOption('deisCoefficients.order', order, '1, 2 or 3');
  const variant = checkOneOf('deisCoefficients.variant', options.variant, ['rhoAB', 'tAB']);
  const betaMin = checkPositive('deisCoefficients.betaMin', options.betaMin ?? 0.1);
  const betaMax = checkPositive('deisCoefficients.betaMax', options.betaMax ?? 20);
  const coordinate = variant === 'rhoAB' ? (sigma: number) => sigma : (sigma: number) => vpTimeOfSigma(sigma, betaMin, betaMax);
  const coordinates = Array.from(sigmas, coordinate);
  const rows: number[][] = [];
  for (let index = 0; index + 1 < sigmas.length; index += 1) {
    const used = Math.min(order, index + 1);
    const knots = Array.from({ length: used }, (_, j) => coordinates[index - j]!);
    const row = new Array<number>(used).fill(0);
    for (const [low, high] of panels(sigmas[index + 1]!, sigmas[index]!, variant === 'tAB')) {
      const half = 0.5 * (high - low);
      for (let node = 0; node < rule.nodes.length; node += 1) {
        const u = coordinate(low + half * (rule.nodes[node]! + 1));
        for (let j = 0; j < used; j += 1) {
          let basis = 1;
          for (let m = 0; m < used; m += 1) if (m !== j) basis *= (u - knots[m]!) / (knots[j]! - knots[m]!);
          // Integrating from sigma_i down to sigma_{i+1} flips the sign of the quadrature over [low, high].
          row[j]! -= half * rule.weights[node]! * basis;
        }
      }
    }
    rows.push(row);
  }
  return rows;
}
