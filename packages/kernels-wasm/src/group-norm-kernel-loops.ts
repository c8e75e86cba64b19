/** The layout of one GroupNorm call: x is `[batch, pixels = H·W, channels]` (NHWC), `channels % groups === 0`. */
export interface GroupNormLayout {
  readonly batch: number;
  readonly pixels: number;
  readonly channels: number;
  readonly groups: number;
  readonly epsilon: number;
  /** Apply SiLU, y = n · sigmoid(n), to the normalised output n. */
  readonly silu: boolean;
}

const powersOfTwo = Float64Array.from({ length: 301 }, (_, index) => 2 ** (index - 150));
/** Adding and subtracting 1.5 · 2^52 rounds a float64 of magnitude < 2^51 to the nearest integer. */
const roundingShift = 6755399441055744;

/**
 * e^v to a relative error below 1e-8 (float32 needs 6e-8), ~2x faster than `Math.exp` in V8:
 * v = k ln 2 + r with |r| <= ln 2 / 2 (Cody & Waite 1980 range reduction), e^r by its Taylor
 * series to r^7 (remainder < 0.35^8 / 8! = 5e-9), 2^k from a table; v is clamped to [-100, 100],
 * where sigmoid and SiLU are saturated far below float32 resolution.
 */
export function exponential(value: number): number {
  const v = value > 100 ? 100 : value < -100 ? -100 : value;
  const k = v * Math.LOG2E + roundingShift - roundingShift;
  const r = v - k * Math.LN2;
  const series = 1 + r * (1 + r * (1 / 2 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720 + r / 5040))))));
  return series * powersOfTwo[k + 150]!;
}

/**
 * Per-group mean and reciprocal standard deviation of image `n`, Wu & He (2018) eq. 1–2 /
 * Ioffe & Szegedy (2015) alg. 1: `mu = mean(x)`, `rstd = 1 / sqrt(mean((x - mu)^2) + epsilon)`
 * over (H, W, C / G) (the biased variance, as in PyTorch and tfjs `moments`). One pass of float64
 * sums of `x - K` and `(x - K)^2`, shifted by the group's first value K so that a mean large
 * against the spread does not cancel (Chan, Golub & LeVeque 1983, "shifted data" algorithm).
 */
export function groupStatistics(x: Float32Array, n: number, layout: GroupNormLayout, mean: Float64Array, rstd: Float64Array): void {
  const { pixels, channels, groups, epsilon } = layout;
  const width = channels / groups;
  const count = pixels * width;
  const start = n * pixels * channels;
  const squares = rstd;
  squares.fill(0);
  for (let g = 0; g < groups; g += 1) mean[g] = 0;
  const shifts = new Float64Array(groups);
  for (let g = 0; g < groups; g += 1) shifts[g] = x[start + g * width]!;
  for (let p = 0, row = start; p < pixels; p += 1, row += channels) {
    for (let g = 0, i = row; g < groups; g += 1) {
      const shift = shifts[g]!;
      let sum = 0;
      let sumOfSquares = 0;
      for (const end = i + width; i < end; i += 1) {
        const centred = x[i]! - shift;
        sum += centred;
        sumOfSquares += centred * centred;
      }
      mean[g] = mean[g]! + sum;
      squares[g] = squares[g]! + sumOfSquares;
    }
  }
  for (let g = 0; g < groups; g += 1) {
    const centredMean = mean[g]! / count;
    const variance = Math.max(0, squares[g]! / count - centredMean * centredMean);
    mean[g] = centredMean + shifts[g]!;
    rstd[g] = 1 / Math.sqrt(variance + epsilon);
  }
}

/**
 * GroupNorm forward, Wu & He (2018) eq. 1–3: `n = gain[c] (x - mu_g) rstd_g + bias[c]`, then
 * optionally SiLU (Elfwing et al. 2018 eq. 3) `y = n sigmoid(n)`; written into `y`.
 */
export function groupNormForward(x: Float32Array, gain: Float32Array, bias: Float32Array, y: Float32Array, layout: GroupNormLayout): void {
  const { batch, pixels, channels, groups, silu } = layout;
  const width = channels / groups;
  const mean = new Float64Array(groups);
  const rstd = new Float64Array(groups);
  // n = x scale[c] + shift[c] with scale = gain rstd, shift = bias - mu gain rstd (per image).
  const scale = new Float64Array(channels);
  const shift = new Float64Array(channels);
  for (let n = 0; n < batch; n += 1) {
    groupStatistics(x, n, layout, mean, rstd);
    for (let c = 0; c < channels; c += 1) {
      const g = Math.floor(c / width);
      scale[c] = gain[c]! * rstd[g]!;
      shift[c] = bias[c]! - mean[g]! * scale[c]!;
    }
    const start = n * pixels * channels;
    for (let p = 0, row = start; p < pixels; p += 1, row += channels) {
      if (silu) {
        for (let c = 0; c < channels; c += 1) {
          const value = x[row + c]! * scale[c]! + shift[c]!;
          y[row + c] = value / (1 + exponential(-value));
        }
      } else {
        for (let c = 0; c < channels; c += 1) y[row + c] = x[row + c]! * scale[c]! + shift[c]!;
      }
    }
  }
}

/**
 * GroupNorm(+SiLU) backward. With `xhat = (x - mu) rstd`, `n = gain xhat + bias` and the upstream
 * `dy`: `dn = dy · silu'(n)`, `silu'(n) = s (1 + n (1 - s))`, `s = sigmoid(n)` (or `dn = dy`);
 * `g = dn · gain`; per (image, group), averaging over its H·W·C/G entries,
 * `dx = rstd (g - mean(g) - xhat mean(g xhat))` (the batch-norm backward of Ioffe & Szegedy 2015
 * §3, applied per group as in Wu & He 2018 eq. 1–2); `dgain[c] = sum_{n,h,w} dn xhat`,
 * `dbias[c] = sum_{n,h,w} dn`. The statistics are recomputed from x; sums are float64.
 */
export function groupNormBackward(
  x: Float32Array, gain: Float32Array, bias: Float32Array, dy: Float32Array,
  dx: Float32Array, dgain: Float32Array, dbias: Float32Array, layout: GroupNormLayout,
): void {
  const { batch, pixels, channels, groups, silu } = layout;
  const width = channels / groups;
  const count = pixels * width;
  const mean = new Float64Array(groups);
  const rstd = new Float64Array(groups);
  // Per channel: the group mean, and n = x outScale + outShift (the norm's output, for silu').
  const centre = new Float64Array(channels);
  const outScale = new Float64Array(channels);
  const outShift = new Float64Array(channels);
  // Per image and channel: sum over pixels of dn (x - mu) and of dn; totals over the batch.
  const imageCentred = new Float64Array(channels);
  const imageBias = new Float64Array(channels);
  const totalGain = new Float64Array(channels);
  const totalBias = new Float64Array(channels);
  const alpha = new Float64Array(channels);
  const beta = new Float64Array(channels);
  const gamma = new Float64Array(channels);
  // dn is dy itself without an activation; with SiLU it is kept in dx until pass 2.
  const upstream = silu ? dx : dy;
  for (let n = 0; n < batch; n += 1) {
    groupStatistics(x, n, layout, mean, rstd);
    for (let c = 0; c < channels; c += 1) {
      const g = Math.floor(c / width);
      centre[c] = mean[g]!;
      outScale[c] = gain[c]! * rstd[g]!;
      outShift[c] = bias[c]! - mean[g]! * outScale[c]!;
    }
    imageCentred.fill(0);
    imageBias.fill(0);
    const start = n * pixels * channels;
    // Pass 1: dn and its per-channel sums.
    for (let p = 0, row = start; p < pixels; p += 1, row += channels) {
      if (silu) {
        for (let c = 0, i = row; c < channels; c += 1, i += 1) {
          const output = x[i]! * outScale[c]! + outShift[c]!;
          const sigmoid = 1 / (1 + exponential(-output));
          const dn = dy[i]! * sigmoid * (1 + output * (1 - sigmoid));
          imageCentred[c] = imageCentred[c]! + dn * (x[i]! - centre[c]!);
          imageBias[c] = imageBias[c]! + dn;
          dx[i] = dn;
        }
      } else {
        for (let c = 0, i = row; c < channels; c += 1, i += 1) {
          const dn = dy[i]!;
          imageCentred[c] = imageCentred[c]! + dn * (x[i]! - centre[c]!);
          imageBias[c] = imageBias[c]! + dn;
        }
      }
    }
    // With g = dn gain: mean(g) = sum_c gain[c] sum_p dn / count and mean(g xhat) = sum_c gain[c]
    // rstd sum_p dn (x - mu) / count, folded into dx = alpha[c] dn + beta[c] x + gamma[c].
    for (let g = 0; g < groups; g += 1) {
      const r = rstd[g]!;
      let meanG = 0;
      let meanGXhat = 0;
      for (let c = g * width; c < (g + 1) * width; c += 1) {
        const gainSum = r * imageCentred[c]!;
        totalGain[c] = totalGain[c]! + gainSum;
        totalBias[c] = totalBias[c]! + imageBias[c]!;
        meanG += gain[c]! * imageBias[c]!;
        meanGXhat += gain[c]! * gainSum;
      }
      meanG /= count;
      meanGXhat /= count;
      for (let c = g * width; c < (g + 1) * width; c += 1) {
        alpha[c] = r * gain[c]!;
        beta[c] = -r * r * meanGXhat;
        gamma[c] = r * r * mean[g]! * meanGXhat - r * meanG;
      }
    }
    // Pass 2: dx from dn and x.
    for (let p = 0, row = start; p < pixels; p += 1, row += channels) {
      for (let c = 0, i = row; c < channels; c += 1, i += 1) dx[i] = alpha[c]! * upstream[i]! + beta[c]! * x[i]! + gamma[c]!;
    }
  }
  dgain.set(totalGain);
  dbias.set(totalBias);
}
