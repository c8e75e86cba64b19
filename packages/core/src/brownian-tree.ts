import { checkFinite, checkNonNegativeInteger, checkOptions, checkPositive, checkPositiveInteger } from './checks';
import { invalidOption } from './errors';
import { createRandomSource } from './random';

/** Options of {@link createBrownianTree}. */
export interface BrownianTreeOptions {
  /** Seed of core's Philox streams; one seed gives one Brownian path per coordinate. */
  readonly seed: number;
  /** Independent coordinates (the sample's element count). Coordinate i does not depend on `size`. */
  readonly size: number;
  /** Length of one root interval in the tree's time (default 16). */
  readonly span?: number;
  /** Halvings of a root interval (default 16: leaves of 16 / 2^16 = 2.4e-4). */
  readonly depth?: number;
}

/** A Brownian motion `W(tau)` on the whole real line, one per coordinate, fixed by a seed. */
export interface BrownianTree {
  /** `W(tau)` of every coordinate (a new array the caller owns). */
  at(tau: number): Float64Array;
  /** `W(tauTo) - W(tauFrom)` of every coordinate (a new array). */
  increment(tauFrom: number, tauTo: number): Float64Array;
  /** Options after defaults (JSON). */
  readonly options: { readonly seed: number; readonly size: number; readonly span: number; readonly depth: number };
}

// Stream ids of the tree's nodes: (root interval + 2^20) * 2^32 + heap index, all below 2^53 and
// above the small ids other users of a seed take (stream 0 is the plain noise source).
const rootOffset = 2 ** 20;
const wordSpan = 2 ** 32;

interface CachedPoint {
  readonly tau: number;
  readonly value: Float64Array;
}

/**
 * A Brownian tree (the Lévy–Ciesielski midpoint construction that torchsde's `BrownianTree`
 * and k-diffusion's `BrownianTreeNoiseSampler` use): the line is cut into root intervals of
 * length `span`, root k carrying the increment `sqrt(span) z_k` (W(0) = 0); inside a root, the
 * value at a midpoint given the ends is their mean plus `sqrt(length / 4) z_node` (the Brownian
 * bridge), down to `depth` halvings; inside a leaf, `W(tau)` is the bridge draw at `tau` with the
 * leaf's own normal. Every normal is a Philox stream keyed by (seed, node), so `W(tau)` depends
 * on the seed and `tau` alone, never on which points were asked before: a sampler run with the
 * same seed sees the same path at any step count. The marginal of every point and the joint law
 * of points in distinct leaves are exact; two points in one leaf share its bridge normal.
 */
export function createBrownianTree(options: BrownianTreeOptions): BrownianTree {
  const given = checkOptions('createBrownianTree', options, ['seed', 'size', 'span', 'depth']);
  const seed = checkNonNegativeInteger('createBrownianTree.seed', given.seed);
  const size = checkPositiveInteger('createBrownianTree.size', given.size);
  const span = checkPositive('createBrownianTree.span', given.span ?? 16);
  const depth = checkNonNegativeInteger('createBrownianTree.depth', given.depth ?? 16);
  if (depth > 30) throw invalidOption('createBrownianTree.depth', depth, 'an integer in [0, 30]');
  const normals = (root: number, heapIndex: number) => createRandomSource(seed, (root + rootOffset) * wordSpan + heapIndex).normals(size);

  // W at the left end of root interval k: sums of root increments from W(0) = 0.
  const rootStarts = new Map<number, Float64Array>([[0, new Float64Array(size)]]);
  function rootStart(root: number): Float64Array {
    const known = rootStarts.get(root);
    if (known !== undefined) return known;
    if (Math.abs(root) >= rootOffset) throw invalidOption('BrownianTree.tau', root * span, `a time within ±${rootOffset * span}`);
    const step = root > 0 ? -1 : 1;
    const neighbour = rootStart(root + step);
    const z = normals(root > 0 ? root - 1 : root, 0);
    const scale = Math.sqrt(span) * (root > 0 ? 1 : -1);
    const value = Float64Array.from(neighbour, (w, index) => w + scale * z[index]!);
    rootStarts.set(root, value);
    return value;
  }

  // The last descent's midpoints (level -> [heap index, W]); a nearby query re-uses its top levels.
  let pathRoot = Number.NaN;
  const path: { heapIndex: number; value: Float64Array }[] = [];
  const recent: CachedPoint[] = [];

  function evaluate(tau: number): Float64Array {
    let root = Math.floor(tau / span);
    if (tau < root * span) root -= 1; // tau / span can round up to the next root (tiny negative tau)
    let low = root * span;
    let high = low + span;
    let wLow = rootStart(root);
    let wHigh = rootStart(root + 1);
    if (root !== pathRoot) {
      path.length = 0;
      pathRoot = root;
    }
    let heapIndex = 1;
    for (let level = 0; level < depth; level += 1) {
      const middle = (low + high) / 2;
      let node = path[level];
      if (node === undefined || node.heapIndex !== heapIndex) {
        const z = normals(root, heapIndex);
        const scale = Math.sqrt((high - low) / 4);
        const a = wLow;
        const b = wHigh;
        node = { heapIndex, value: Float64Array.from(z, (value, index) => 0.5 * (a[index]! + b[index]!) + scale * value) };
        path[level] = node;
        path.length = level + 1;
      }
      if (tau < middle) {
        high = middle;
        wHigh = node.value;
        heapIndex *= 2;
      } else {
        low = middle;
        wLow = node.value;
        heapIndex = 2 * heapIndex + 1;
      }
    }
    // Inside the leaf: the bridge at tau, N(wLow + u (wHigh - wLow), (high - low) u (1 - u)).
    const u = Math.min(1, Math.max(0, (tau - low) / (high - low)));
    // Leaves have heap indices in [2^depth, 2^(depth + 1)), which no midpoint uses.
    const z = normals(root, heapIndex);
    const spread = Math.sqrt((high - low) * u * (1 - u));
    return Float64Array.from(z, (value, index) => wLow[index]! + u * (wHigh[index]! - wLow[index]!) + spread * value);
  }

  function at(tau: number): Float64Array {
    checkFinite('BrownianTree.tau', tau);
    const cached = recent.find((point) => point.tau === tau);
    if (cached !== undefined) return Float64Array.from(cached.value);
    const value = evaluate(tau);
    recent.push({ tau, value });
    if (recent.length > 4) recent.shift();
    return Float64Array.from(value);
  }

  return {
    at,
    increment(tauFrom, tauTo) {
      const from = at(tauFrom);
      const to = at(tauTo);
      for (let index = 0; index < size; index += 1) to[index]! -= from[index]!;
      return to;
    },
    options: { seed, size, span, depth },
  };
}
