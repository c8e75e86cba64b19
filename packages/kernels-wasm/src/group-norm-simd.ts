/**
 * GroupNorm(+SiLU) forward and backward with the WebAssembly SIMD loops of src/wat/group-norm.wat
 * on tfjs-backend-wasm's heap: the same algorithm as the JavaScript loops of
 * group-norm-kernel-loops.ts (shifted float64 statistics, scale/shift form, backward folded into
 * `dx = alpha dn + beta (x - mu) + gamma`), four float32 lanes at a time. The per-image, per-group
 * scalars (mean, rstd, alpha, beta, gamma) stay float64 JavaScript; only the O(C) parameters cross.
 */
import { createWasmMemoryModule } from './wasm-simd-module';
import type { GroupNormLayout } from './group-norm-kernel-loops';
import { groupNormWasm } from './generated/group-norm-wasm';
import { wasmModuleBytes } from './wasm-module-variants';

/** The module's bytes (src/wat/group-norm.wat) for a plain or shared memory. */
export const groupNormSimdBytes = (shared: boolean): Uint8Array<ArrayBuffer> => wasmModuleBytes(groupNormWasm, shared);

type Loop = (x: number, second: number, third: number, params: number, rowBytes: number, sampleBytes: number) => void;

/** The module's exports; every argument is a byte offset into the heap (or a byte count). */
export interface GroupNormSimdExports {
  readonly stats: Loop;
  readonly forward: Loop;
  readonly forwardSilu: Loop;
  readonly backwardSums: Loop;
  readonly backwardSumsSilu: Loop;
  readonly backwardApply: Loop;
}

/** The module bound to a wasm backend's memory, or undefined without SIMD or a reachable memory. */
export const groupNormSimdModule: (backend: object) => GroupNormSimdExports | undefined = createWasmMemoryModule<GroupNormSimdExports>(groupNormSimdBytes);

/** Whether the SIMD loops take this layout: four lanes never straddle two groups (C / G a multiple of 4). */
export function groupNormSimdFits(layout: GroupNormLayout): boolean {
  return (layout.channels / layout.groups) % 4 === 0;
}

/** Float32 scratch length (elements) the loops need on the heap: 8 float32 and 2 float64 arrays of C. */
export function groupNormSimdScratchLength(layout: GroupNormLayout): number {
  return 12 * layout.channels;
}

/** Per-array views of the scratch (8 float32 arrays of C, then 2 float64 ones). */
function scratchViews(scratch: Float32Array, channels: number) {
  if (scratch.length < 12 * channels || scratch.byteOffset % 8 !== 0) throw new Error(`group-norm-simd: scratch of ${scratch.length} floats at byte ${scratch.byteOffset}; expected ${12 * channels} floats, 8-byte aligned`);
  const f32 = (k: number) => scratch.subarray(k * channels, (k + 1) * channels);
  const f64 = (k: number) => new Float64Array(scratch.buffer, scratch.byteOffset + (8 + 2 * k) * 4 * channels, channels);
  return { meanHigh: f32(0), meanLow: f32(1), scale: f32(2), bias: f32(3), alpha: f32(4), beta: f32(5), gamma: f32(6), shift: f32(7), first: f64(0), second: f64(1) };
}
type Views = ReturnType<typeof scratchViews>;

/** Scratch views and per-group mean / rstd of one kernel call; `image(n)` fills them for image n. */
function createImageStatistics(simd: GroupNormSimdExports, x: Float32Array, gain: Float32Array, bias: Float32Array, scratch: Float32Array, layout: GroupNormLayout) {
  const views = scratchViews(scratch, layout.channels);
  const mean = new Float64Array(layout.groups);
  const rstd = new Float64Array(layout.groups);
  views.bias.set(bias);
  const width = layout.channels / layout.groups;
  return {
    views, rstd, width,
    image(n: number): void {
      statistics(simd, x, n, layout, views, scratch.byteOffset, mean, rstd);
      for (let c = 0; c < layout.channels; c += 1) views.scale[c] = gain[c]! * rstd[Math.floor(c / width)]!;
    },
  };
}

/** Mean and rstd of each group of image n from the SIMD sums (Chan, Golub & LeVeque 1983 shifted sums), as the JS loops; fills meanHigh/meanLow. */
function statistics(simd: GroupNormSimdExports, x: Float32Array, n: number, layout: GroupNormLayout, views: Views, base: number, mean: Float64Array, rstd: Float64Array): void {
  const { pixels, channels, groups, epsilon } = layout;
  const width = channels / groups;
  const count = pixels * width;
  const start = n * pixels * channels;
  for (let g = 0; g < groups; g += 1) views.shift.fill(x[start + g * width]!, g * width, (g + 1) * width);
  simd.stats(x.byteOffset + 4 * start, 0, 0, base, 4 * channels, 4 * channels * pixels);
  for (let g = 0; g < groups; g += 1) {
    let sum = 0;
    let squares = 0;
    for (let c = g * width; c < (g + 1) * width; c += 1) {
      sum += views.first[c]!;
      squares += views.second[c]!;
    }
    const centredMean = sum / count;
    const variance = Math.max(0, squares / count - centredMean * centredMean);
    mean[g] = centredMean + views.shift[g * width]!;
    rstd[g] = 1 / Math.sqrt(variance + epsilon);
    // mu = meanHigh + meanLow in float32 pieces: (x - meanHigh) is exact near the mean, so a mean large against the spread does not cancel.
    views.meanHigh.fill(mean[g]!, g * width, (g + 1) * width);
    views.meanLow.fill(mean[g]! - views.meanHigh[g * width]!, g * width, (g + 1) * width);
  }
}

/**
 * GroupNorm forward, Wu & He (2018) eq. 1–3 (+ SiLU, Elfwing et al. 2018 eq. 3), on the wasm heap:
 * `y = ((x - mu) gain rstd + bias)` (then `n / (1 + e^-n)`); every array a view of the same heap.
 */
export function groupNormSimdForward(simd: GroupNormSimdExports, x: Float32Array, gain: Float32Array, bias: Float32Array, y: Float32Array, scratch: Float32Array, layout: GroupNormLayout): void {
  const { batch, pixels, channels, silu } = layout;
  const statisticsOf = createImageStatistics(simd, x, gain, bias, scratch, layout);
  const loop = silu ? simd.forwardSilu : simd.forward;
  for (let n = 0; n < batch; n += 1) {
    statisticsOf.image(n);
    const offset = 4 * n * pixels * channels;
    loop(x.byteOffset + offset, y.byteOffset + offset, 0, scratch.byteOffset, 4 * channels, 4 * channels * pixels);
  }
}

/**
 * GroupNorm(+SiLU) backward on the wasm heap, as `groupNormBackward` (Ioffe & Szegedy 2015 §3 per
 * group, Wu & He 2018 eq. 1–2): `dn = dy silu'(n)` (or dy), `dx = rstd (g - mean(g) - xhat mean(g xhat))`
 * with `g = dn gain`; `dgain = sum dn xhat`, `dbias = sum dn`; per-channel sums in float64 lanes.
 */
export function groupNormSimdBackward(
  simd: GroupNormSimdExports, x: Float32Array, gain: Float32Array, bias: Float32Array, dy: Float32Array,
  dx: Float32Array, dgain: Float32Array, dbias: Float32Array, scratch: Float32Array, layout: GroupNormLayout,
): void {
  const { batch, pixels, channels, groups, silu } = layout;
  const statisticsOf = createImageStatistics(simd, x, gain, bias, scratch, layout);
  const { views, rstd, width } = statisticsOf;
  const count = pixels * width;
  const totalGain = new Float64Array(channels);
  const totalBias = new Float64Array(channels);
  const sums = silu ? simd.backwardSumsSilu : simd.backwardSums;
  for (let n = 0; n < batch; n += 1) {
    statisticsOf.image(n);
    const offset = 4 * n * pixels * channels;
    const [xAt, dyAt, dxAt] = [x.byteOffset + offset, dy.byteOffset + offset, dx.byteOffset + offset];
    // Pass 1: dn (kept in dx with SiLU), sum_p dn (x - mu) into `first` and sum_p dn into `second`.
    sums(xAt, dyAt, dxAt, scratch.byteOffset, 4 * channels, 4 * channels * pixels);
    for (let g = 0; g < groups; g += 1) {
      const r = rstd[g]!;
      let meanG = 0;
      let meanGXhat = 0;
      for (let c = g * width; c < (g + 1) * width; c += 1) {
        const gainSum = r * views.first[c]!;
        totalGain[c] = totalGain[c]! + gainSum;
        totalBias[c] = totalBias[c]! + views.second[c]!;
        meanG += gain[c]! * views.second[c]!;
        meanGXhat += gain[c]! * gainSum;
      }
      meanG /= count;
      meanGXhat /= count;
      for (let c = g * width; c < (g + 1) * width; c += 1) views.alpha[c] = r * gain[c]!;
      views.beta.fill(-r * r * meanGXhat, g * width, (g + 1) * width);
      views.gamma.fill(-r * meanG, g * width, (g + 1) * width);
    }
    // Pass 2: dx = alpha dn + beta (x - mu) + gamma.
    simd.backwardApply(xAt, silu ? dxAt : dyAt, dxAt, scratch.byteOffset, 4 * channels, 4 * channels * pixels);
  }
  dgain.set(totalGain);
  dbias.set(totalBias);
}
