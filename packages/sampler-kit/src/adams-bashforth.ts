/** Nodes and weights of an n-point Gauss–Legendre rule on [−1, 1]. */
export interface GaussLegendreRule {
  readonly nodes: Float64Array;
  readonly weights: Float64Array;
}

/**
 * Gauss–Legendre rule of `points` nodes (exact for polynomials of degree ≤ 2·points − 1), nodes
 * found by Newton's method on the Legendre recurrence (Golub & Welsch 1969 give the same nodes).
 */
export function gaussLegendre(points: number): GaussLegendreRule {
  const nodes = new Float64Array(points);
  const weights = new Float64Array(points);
  for (let root = 0; root < points; root += 1) {
    let node = Math.cos((Math.PI * (root + 0.75)) / (points + 0.5));
    let derivative = 0;
    for (let iteration = 0; iteration < 100; iteration += 1) {
      let current = 1;
      let previous = 0;
      for (let degree = 1; degree <= points; degree += 1) {
        const older = previous;
        previous = current;
        current = ((2 * degree - 1) * node * previous - (degree - 1) * older) / degree;
      }
      derivative = (points * (node * current - previous)) / (node * node - 1);
      const delta = current / derivative;
      node -= delta;
      if (Math.abs(delta) < 1e-16) break;
    }
    nodes[root] = node;
    weights[root] = 2 / ((1 - node * node) * derivative * derivative);
  }
  return { nodes, weights };
}

/** Largest order of {@link adamsBashforthWeights}: its 8-point rule integrates the degree-(order − 1) Lagrange basis exactly up to order 16. */
export const maximumAdamsBashforthOrder = 16;
const rule = gaussLegendre(8);

/**
 * Weights of the variable-step Adams–Bashforth step `sigma_i → sigma_{i+1}` in sigma (k-diffusion
 * `linear_multistep_coeff`, diffusers `get_lms_coefficient`, the variable-step iPNDM of Zhang &
 * Chen 2022): the integral over [sigma_i, sigma_{i+1}] of the Lagrange basis polynomial on the
 * nodes sigma_i, sigma_{i−1}, …, for each of the `order` most recent derivatives (entry j belongs
 * to sigma_{i−j}), so `x_{i+1} = x_i + Σ_j w_j d_{i−j}`. Computed with an 8-point Gauss–Legendre
 * rule, exact (to round-off) for polynomials of degree ≤ 15. Needs `order <= index + 1`.
 */
export function adamsBashforthWeights(sigmas: ArrayLike<number>, index: number, order: number): Float64Array {
  const start = sigmas[index]!;
  const end = sigmas[index + 1]!;
  const half = (end - start) / 2;
  const middle = (end + start) / 2;
  const coefficients = new Float64Array(order);
  for (let current = 0; current < order; current += 1) {
    let integral = 0;
    for (let point = 0; point < rule.nodes.length; point += 1) {
      const tau = middle + half * rule.nodes[point]!;
      let basis = 1;
      for (let other = 0; other < order; other += 1) {
        if (other === current) continue;
        basis *= (tau - sigmas[index - other]!) / (sigmas[index - current]! - sigmas[index - other]!);
      }
      integral += rule.weights[point]! * basis;
    }
    coefficients[current] = integral * half;
  }
  return coefficients;
}
